"""The crisis floor's wider lexicon: many wordings of each risk are flagged, in the right category
and at the right level, and everyday sentences that share their words are not."""

from __future__ import annotations

import pytest

from bot.detectors.crisis import CrisisDetector
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def floor() -> CrisisDetector:
    return CrisisDetector(ROOT / "data" / "lexicons" / "crisis.yml")


SUICIDE = "suicide_or_self_harm"
ABUSE = "abuse_or_violence"
CHILD = "child_safeguarding"
OTHERS = "harm_to_others"
MEDICAL = "medical_emergency"
OVERDOSE = "substance_overdose"
EATING = "eating_disorder_behaviour"


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Suicide and self-harm, said plainly.
        ("honestly i'd rather be dead than keep feeling like this", SUICIDE),
        ("ive decided im going to end my life this weekend", SUICIDE),
        ("I’m gonna top myself", SUICIDE),  # slang, curly apostrophe
        ("i wnt to die tbh", SUICIDE),  # typo, txt-speak
        ("WHY CAN'T I JUST BE DEAD", SUICIDE),  # shouted contraction stays one token
        ("what's the least painful way to die", SUICIDE),  # method-seeking
        ("how many of my tablets would it take", SUICIDE),
        ("I've got the pills ready for tonight", SUICIDE),  # preparation
        ("I survived an attempt last spring and the thoughts are back", SUICIDE),
        ("I've been cutting my thighs again so nobody sees", SUICIDE),
        ("the urge to cut is so strong tonight", SUICIDE),
        # Suicide, hinted.
        ("my kids would be better off with their dad and me gone", SUICIDE),
        ("I gave my dog to my sister because I won't be around to look after him", SUICIDE),
        ("I keep picturing my own funeral", SUICIDE),
        ("I'm saying goodbye now, thanks for trying", SUICIDE),
        # Abuse.
        ("my fiancé shoved me down the stairs", ABUSE),
        ("he grabbed me by the throat last night", ABUSE),
        ("my partner says she'll hurt the dog if I leave", ABUSE),
        ("I think my drink was spiked and I woke up somewhere I didn't know", ABUSE),
        ("he keeps threatening to post my nudes online", ABUSE),
        ("my son pushes me against the wall when he wants money", ABUSE),
        # Child safeguarding: a child's age, or an adult speaking about a child.
        ("im 11 and my mum hits me with a wooden spoon", CHILD),
        ("I'm 14 and an older guy on snapchat keeps asking for nudes", CHILD),
        ("my 8 year old nephew says his dad burns him with cigarettes", CHILD),
        ("my stepmum locks me in my room and doesn't feed me, I'm 10", CHILD),
        ("a pupil told me today that her stepdad hits her", CHILD),
        # Harm to others.
        ("I'm going to stab my stepdad when he gets home", OTHERS),
        ("I've been planning how to hurt my boss", OTHERS),
        ("the voices keep telling me to hurt my flatmate", OTHERS),
        ("gonna hurt that kid who bullied me", OTHERS),
        # Medical emergencies.
        ("my grandad has collapsed and his lips are going blue", MEDICAL),
        ("I CAN'T BREATHE", MEDICAL),  # shouted contraction
        ("my daughter's inhaler isn't helping and she can't catch her breath", MEDICAL),
        ("my toddler swallowed a button battery", MEDICAL),
        ("the cut on my arm won't stop bleeding", MEDICAL),
        ("crushing pain in my chest going down my left arm", MEDICAL),
        # Overdose.
        ("I've taken 20 sleeping tablets", OVERDOSE),
        ("i swallowed a whole strip of my antidepressants", OVERDOSE),
        ("I've mixed my diazepam with wine", OVERDOSE),
        ("took way more than my prescription on purpose", OVERDOSE),
        # Eating-disorder behaviours.
        ("I've been throwing up after meals for months", EATING),
        ("I haven't eaten properly for a week because I need to lose weight", EATING),
        ("I skip my insulin to lose weight", EATING),
        ("I only let myself have 400 calories a day", EATING),
    ],
)
def test_more_disclosures_are_flagged(floor: CrisisDetector, text: str, category: str) -> None:
    assert floor.detect(text).category == category


@pytest.mark.parametrize(
    ("text", "explicit"),
    [
        ("been thinking about unaliving myself tonight", True),
        ("I've written my note", False),  # a preparation, hinted: one caring question first
        ("nobody would care if I was gone", False),
        ("I took too much on purpose", True),
        ("my chest feels really tight and heavy", False),
    ],
)
def test_the_level_follows_how_plainly_it_is_said(
    floor: CrisisDetector, text: str, explicit: bool
) -> None:
    found = floor.detect(text)
    assert found.flagged
    assert found.explicit is explicit


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Idioms must stay narrow enough not to swallow these.
        ("he hit me with a belt", ABUSE),
        ("im gonna kill myself lol", SUICIDE),
        ("i'm going to end it with the pills", SUICIDE),
        ("I cut myself on the wrist last night", SUICIDE),
        ("my dad is going to kill me if I tell anyone", ABUSE),
        ("I can't promise I won't hurt myself", SUICIDE),
    ],
)
def test_idioms_do_not_hide_disclosures(floor: CrisisDetector, text: str, category: str) -> None:
    assert floor.detect(text).category == category


@pytest.mark.parametrize(
    "text",
    [
        "I'm scared my dad will die",  # fear for someone else
        "the battery will die soon",
        "I might take it, the job sounds good",
        "I want to take my life back",
        "I don't want to wake up early tomorrow",
        "my mum will kill me when she sees my grades",
        "kill me now, it's Monday",
        "I'm killing myself at the gym to get fit",
        "I cut myself off from everyone for a while",
        "my sister beat me at chess again",
        "I took two paracetamol for my headache",
        "I'm not eating breakfast today, running late",
        "I'm purging old files from my laptop",
        "I wrote a letter to my younger self",
        "I'm not gonna harm myself, I'm okay",  # a safety statement
        "I'm reading about suicide prevention for my course",
        "my cousin died by suicide and I miss her",  # grief, not a disclosure of risk
        "my partner is the kindest person, he never hurts me",
    ],
)
def test_everyday_sentences_with_risk_words_are_not_flagged(
    floor: CrisisDetector, text: str
) -> None:
    assert floor.detect(text).category is None


@pytest.mark.parametrize(
    "text",
    ["I CAN'T BREATHE", "I'M GOING TO KILL MYSELF", "I DON'T WANT TO BE HERE ANYMORE"],
)
def test_shouted_contractions_are_read(floor: CrisisDetector, text: str) -> None:
    assert floor.detect(text).flagged, text


@pytest.mark.parametrize(
    "text",
    [
        # Banter about a person, with laughter or "not really".
        "gonna strangle my flatmate, she used all the hot water again lol",
        "I'm going to murder my brother 😂 he spoiled the finale",
        "I will kill him. I'm not. But I'll sulk all evening.",
        # A risk told as past and resolved.
        "I used to self-harm in my teens. I've been well for nine years now and I coach netball.",
        "Eight years ago I overdosed. These days I'm a support worker and life's genuinely good.",
        "when i was 16 i stopped eating for months. ten years clean of that and im proud of myself",
        # Study, topics, idioms.
        "my essay on adolescent self-harm is due friday, any tips on sources?",
        "what's the difference between suicidal ideation and intent, for my nursing exam",
        "I overdosed on true crime podcasts this weekend",
        "the soufflé collapsed and so did my confidence as a host",
        "got home from the night shift and collapsed on the sofa",
    ],
)
def test_banter_resolved_stories_and_study_are_not_flagged(
    floor: CrisisDetector, text: str
) -> None:
    assert not floor.detect(text).flagged, text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # "Not joking" outweighs laughter; laughter never hides a risk to the person themselves.
        ("I'm going to kill him, I'm not joking this time", OTHERS),
        ("i want to kill myself lol", SUICIDE),
        ("my boyfriend hit me again haha but it's fine", ABUSE),
        # A past story with anything of it now is still a disclosure.
        (
            "I used to self-harm years ago and I'd been well for ages but the urges are back",
            SUICIDE,
        ),
        ("years ago I was bulimic, I've been better since, but I purged again tonight", EATING),
        ("I left him two years ago and I'm doing well, but he beat me again last night", ABUSE),
        # Someone else's pride or happiness is not the person's recovery.
        (
            "I came here for work three years ago and my mum is so proud of me, but I want to die",
            SUICIDE,
        ),
    ],
)
def test_earnest_or_returning_risk_is_still_flagged(
    floor: CrisisDetector, text: str, category: str
) -> None:
    assert floor.detect(text).category == category, text

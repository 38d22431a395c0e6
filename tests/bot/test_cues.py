"""Mild risk cues and backdraft wordings; idioms cancel them."""

from __future__ import annotations

import pytest
import yaml

from bot.detectors.crisis import CrisisDetector
from bot.detectors.cues import CueDetector
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def cues() -> CueDetector:
    return CueDetector(ROOT / "data" / "lexicons" / "cues.yml")


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("nothing ever changes", "hopelessness"),
        ("what's the point of trying anymore", "hopelessness"),
        ("I'm just a drain on everyone", "burdensomeness"),
        ("they deserve better than me", "burdensomeness"),
        ("nobody cares about me", "isolation"),
        ("I have no one", "isolation"),
    ],
)
def test_risk_cues_are_found(cues: CueDetector, text: str, cue: str) -> None:
    found = cues.detect(text)
    assert found.risk_cues == (cue,) and not found.backdraft


@pytest.mark.parametrize(
    "text",
    ["I don't deserve kindness", "this makes it worse", "this is stupid", "I feel worse now"],
)
def test_backdraft_is_found(cues: CueDetector, text: str) -> None:
    assert cues.detect(text).backdraft


@pytest.mark.parametrize(
    "text", ["this is stupid lol", "I was crying laughing", "I had pasta for lunch", "", "   "]
)
def test_idioms_and_ordinary_text_carry_nothing(cues: CueDetector, text: str) -> None:
    found = cues.detect(text)
    assert found.risk_cues == () and not found.backdraft


# Wordings written for these tests (not taken from corpora/): typos, slang, no apostrophes,
# curly quotes.
@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("idk why i even bother anymore", "hopelessness"),
        ("whats the point of anything", "hopelessness"),
        ("it\u2019s never gonna get better", "hopelessness"),
        ("things r never going to be different", "hopelessness"),
        ("i cant picture things ever getting better", "hopelessness"),
        ("no matter what i try it makes no difference", "hopelessness"),
        ("i have nothing to look forward to", "hopelessness"),
        ("sick and tired of everything", "hopelessness"),
        ("i'm too much for people", "burdensomeness"),
        ("they'd be fine without me", "burdensomeness"),
        ("everyone would be less stressed if i wasnt around", "burdensomeness"),
        ("i drag everyone down", "burdensomeness"),
        ("I'm just a burden", "burdensomeness"),
        ("all i do is cause problems for my family", "burdensomeness"),
        ("my parents have to look after me", "burdensomeness"),
        ("why does anyone put up with me", "burdensomeness"),
        ("im always alone", "isolation"),
        ("no one texts me back", "isolation"),
        ("i feel invisable", "isolation"),
        ("noone ever checks in on me", "isolation"),
        ("i've got nobody", "isolation"),
        ("i don't fit in anywhere", "isolation"),
        ("haven't talked to anyone in weeks", "isolation"),
        ("my friends have all stopped inviting me", "isolation"),
    ],
)
def test_wider_risk_wordings_are_found(cues: CueDetector, text: str, cue: str) -> None:
    assert cues.detect(text).risk_cues == (cue,)


@pytest.mark.parametrize(
    "text",
    [
        "I'm alone at home tonight, parents are out, pizza time",
        "no one was at the gym, loved it",
        "there's no point arguing with my brother about football",
        # Self-criticism is the product's everyday input, not a hopelessness cue.
        "I'm useless, I always mess up",
        "I'm hopeless at maths",
        "I'll never get better at drawing lol",
        "my train got cancelled again",
        "I have no one to blame but myself",
        "I have no idea what to cook",
        "what's the point of this app?",
        "I love being on my own on Sundays",
        "I'm not alone in this, my sister gets it too",
        "nothing left in my account till payday lol",
        "I'm going to give up chocolate for lent",
        "I don't fit into my jeans anymore",
        # Someone else's verdict, reported.
        "she said I'm too much",
    ],
)
def test_everyday_and_self_critical_text_is_not_a_risk_cue(cues: CueDetector, text: str) -> None:
    assert cues.detect(text).risk_cues == ()


def test_wordings_the_crisis_floor_asks_about_are_left_to_it(cues: CueDetector) -> None:
    # Not counted twice: the crisis floor already asks its own question about these.
    crisis = CrisisDetector(ROOT / "data" / "lexicons" / "crisis.yml", cues.nlp)
    for text in ["I feel like a burden", "I'm such a burden to everyone"]:
        assert cues.detect(text).risk_cues == () and crisis.detect(text).flagged, text


def test_cues_add_up_in_the_development_conversations(cues: CueDetector) -> None:
    # The policy asks after three cue messages (bot/policies.py); these are the tuning targets.
    dev = yaml.safe_load((ROOT / "corpora" / "cue_dev.yml").read_text(encoding="utf-8"))

    def cued(conversation: list[str]) -> int:
        return sum(bool(cues.detect(message).risk_cues) for message in conversation)

    risky = [cued(c) for c in dev["risky"]]
    ordinary = [cued(c) for c in dev["ordinary"]]
    assert sum(n >= 3 for n in risky) >= 20
    assert sum(n >= 3 for n in ordinary) == 0
    assert sum(n >= 1 for n in ordinary) <= 2

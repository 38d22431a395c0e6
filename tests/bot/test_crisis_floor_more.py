"""The crisis floor's wider lexicon: many wordings of each risk are flagged, in the right category
and at the right level, and everyday sentences that share their words are not."""

from __future__ import annotations

import csv

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
        ("he makes me sit on his lap when mum's out and im 11", CHILD),
        ("i told the nurse i walked into a door but it was him", ABUSE),
        ("been sleeping rough since she threw me out", ABUSE),
        ("my life insurance will look after them, that's all that matters now", SUICIDE),
        # Concept wordings with no risk keyword.
        ("raided mum's medicine cupboard an hour ago and now I'm so drowsy, bye all", OVERDOSE),
        ("nan's blister packs are all empty and they were full on monday", OVERDOSE),
        ("going round there tonight to kick that guy senseless", OTHERS),
        ("anyone got ana tips? summer's coming", EATING),
        ("my hip bones are finally poking out, keep going", EATING),
        ("pain in my chest moving down my left arm", MEDICAL),
        ("cut my hand and it's bled through two tea towels", MEDICAL),
        ("my waters just broke and I'm only 29 weeks", MEDICAL),
        ("God, I am so ready to go home now", SUICIDE),
        ("made my will last night, found the cats a new home, loose ends done", SUICIDE),
        ("walked into the door again, third time this month", ABUSE),
        ("my coach keeps saying i should have a shower with him after practice, im 11", CHILD),
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
        "revising suicide prevention for my mental health nursing module",
        "I volunteer for a domestic abuse charity on Tuesdays and I love it",
        "christmas was a total chocolate overdose",
        "I want to disappear for a long weekend somewhere with no signal",
        "that zombie film had buckets of blood, so good",
        "I just want exams to be over so I can sleep for a week",
        "haven't self-harmed since uni and these days I'm a youth worker",
        # Saying plainly they are not at risk; topic talk; a parent's grounding; an idiom.
        "to be clear I'm not suicidal, I'm just gutted about the job",
        "No suicidal thoughts, just a rubbish week and I needed to vent",
        "our lecture on suicide and self-harm today was heavy going",
        "my dissertation is on the epidemiology of suicide in farmers",
        "watched a documentary about a woman who lost her son to suicide",
        "the GP asked whether I'd had any thoughts of suicide and I said honestly no",
        "mum won't let me go out until my room is tidy, so unfair",
        "I'm going to kill my sister for nicking my charger again",
        "I'll kill him if he's late again. Not really. But I'll be cross.",
        "three jobs and a toddler, I'll sleep when I'm dead at this rate",
        "cut myself off from social media this week and I feel so much better",
        "now in a much better place, proud of how far I've come since self-harm years ago",
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
        # ... nor is a relative's recovery told beside the person's own harm (December 2026: a
        # third-person "he's doing fine now" was tried as a sign of a resolved story and dropped).
        (
            "My brother self-harmed when he was at school and he's doing fine now. "
            "I've been cutting my arms for a month",
            SUICIDE,
        ),
        # A denial or topic talk beside a disclosure hides only itself.
        ("I'm not suicidal, I just want to go to sleep and never wake up", SUICIDE),
        ("not suicidal or anything but I cut myself again last night", SUICIDE),
        ("we had a lecture on suicide prevention and I want to kill myself", SUICIDE),
        ("he won't let me see my friends and he takes my bank card", ABUSE),
    ],
)
def test_earnest_or_returning_risk_is_still_flagged(
    floor: CrisisDetector, text: str, category: str
) -> None:
    assert floor.detect(text).category == category, text


@pytest.mark.parametrize(
    ("text", "category", "explicit"),
    [
        # Suicide: a wish that an attempt had worked; a stash kept aside.
        ("i still wish the attempt had worked", SUICIDE, True),
        ("I've got a stash of tablets hidden away", SUICIDE, True),
        # Suicide, hinted: others easier without them.
        ("they'd all sleep easier without me", SUICIDE, False),
        # Abuse: partner words in any register, "shes" without an apostrophe, any abuser.
        ("my fella has been beating me since spring", ABUSE, True),
        ("shes been hitting me every weekend", ABUSE, True),  # run-together contraction
        ("my ex has broken into my flat twice this month", ABUSE, True),
        ("he threatened me with a hammer on sunday", ABUSE, True),
        ("my carer starves me when she is angry", ABUSE, True),
        ("a man on the bus showed me his privates", ABUSE, True),
        ("the caretaker groped me in the lift", ABUSE, True),
        ("my wife has become really violent lately", ABUSE, True),
        ("he decides what I wear every morning", ABUSE, False),  # control, hinted
        # Child safeguarding: a sibling or a named age, neglect, grooming, a shaken baby.
        ("my stepdad keeps punching my little sister", CHILD, True),
        ("the kids upstairs have been left alone all weekend", CHILD, True),
        ("I saw him shaking his baby really hard", CHILD, True),
        ("my niece is being groomed online by some adult", CHILD, True),
        # Harm to others: bones, urges at strangers, a partner hurt in a temper.
        ("I'll smash his face in if he speaks to me again", OTHERS, True),
        ("I have violent urges to punch strangers", OTHERS, True),
        ("I lost my temper and shoved my wife", OTHERS, True),
        ("I want to physically hurt him", OTHERS, True),
        ("I don't feel safe around my toddler when she screams", OTHERS, False),
        # Medical: stroke named, falls, deep cuts, snake bites, repeated fainting.
        ("pretty sure it's a stroke, my mouth has gone droopy", MEDICAL, True),
        ("my aunt had a fall and now she can't stand up", MEDICAL, True),
        ("she cut her palm wide open on the tin and it's spurting blood", MEDICAL, True),
        ("I got bitten by an adder on the hill", MEDICAL, True),
        ("my mum keeps passing out", MEDICAL, True),
        ("im having a strock", MEDICAL, True),  # misspelling via norms
        ("my throat's gone tight since the prawns", MEDICAL, False),
        # Eating disorders: forced vomiting, starving as a price, a target size, named plainly.
        ("I made myself vomit after tea again", EATING, True),
        ("I deserve to starve for eating that pizza", EATING, True),
        ("not eating until I'm a size six", EATING, True),
        ("Bulemia's back and I hate it", EATING, True),  # misspelling via norms
        ("I think I have an eating disorder", EATING, True),
        ("I tell my parents I've already eaten", EATING, False),  # hiding it, hinted
        # Overdose: drink on top of tablets, laced drugs, a child into medicine.
        ("I've been drinking all night on top of my sleeping tablets", OVERDOSE, True),
        ("I think the coke was laced, my heart is going mad", OVERDOSE, True),
        ("my baby got into the paracetamol and I can't tell how many", OVERDOSE, True),
        ("OD'ing right now", OVERDOSE, True),  # slang spelling via norms
        ("the pills weren't working so I took some more", OVERDOSE, False),
        # Eating disorders: compensating for food, secret binges, meals brought back up.
        ("i train till im lightheaded whenever ive eaten anything", EATING, True),
        ("she binge eats in secret and then hides the packets", EATING, True),
        ("fasting for two whole days now to make up for the binge", EATING, True),
        ("been bringing my lunch back up in the work toilets", EATING, True),
        ("I throw up after tea nearly every night", EATING, True),
        # Harm to others: beating someone senseless, a named role, finishing a fight.
        ("I want to beat him until he stops moving", OTHERS, True),
        ("im gonna strangle the landlord tomorrow if he turns up", OTHERS, True),
        ("I want to drive round and stab that guy", OTHERS, True),
        ("got into a brawl at the pub and im going back and finishing it", OTHERS, True),
        # Abuse: hands round the throat, choked until nearly unconscious.
        ("her hands were round my throat again this morning", ABUSE, True),
        ("he pinned me down until I almost blacked out", ABUSE, True),
        # Overdose: past a safe or prescribed limit.
        ("I necked well over the maximum dose of codeine", OVERDOSE, True),
        # Child safeguarding: an adult luring a child away.
        ("some bloke was coaxing my nephew to get into his van", CHILD, True),
        # Hinted: one caring question first.
        ("if I never woke up again I wouldn't mind", SUICIDE, False),
        ("been thinking more and more about not existing", SUICIDE, False),
        ("no one would notice for a week if I vanished", SUICIDE, False),
        ("I've swallowed a little more of my tablets than prescribed", OVERDOSE, False),
        ("he smashed the door right by my face and said look what you made me do", ABUSE, False),
        ("he's going to find out what I'm capable of", OTHERS, False),
        ("skipped breakfast and lunch again and felt so in control", EATING, False),
        ("my tongue's going really swollen after that curry", MEDICAL, False),
        ("my nan can't move the left side of her face", MEDICAL, False),
        # A denial that is over is a disclosure: the longer reading beats the denial idiom.
        ("I wasn't suicidal until last week, now I am", SUICIDE, True),
        ("i was never suicidal before but now i am", SUICIDE, True),
        ("I'd never been suicidal till this year", SUICIDE, True),
        ("I wasn't suicidal then. But now I am.", SUICIDE, True),
        # Where things are heading: one caring question.
        ("I'm not suicidal yet but I can feel it coming", SUICIDE, False),
        # A skipped meal and a faint: one question, never the crisis path straight away.
        ("I haven't eaten since breakfast and I nearly fainted", EATING, False),
    ],
)
def test_grown_wordings_are_flagged_at_their_level(
    floor: CrisisDetector, text: str, category: str, explicit: bool
) -> None:
    found = floor.detect(text)
    assert found.category == category, text
    assert found.explicit is explicit, text


@pytest.mark.parametrize(
    "text",
    [
        # Everyday sentences sharing words with the newer patterns.
        "the caretaker groped around in the dark for the light switch",
        "I fell asleep on the train and can't get over how tired I am",
        "my dog is being groomed at the salon today",  # grooming a pet
        "the kids were left alone for ten minutes while I got the post",
        "our team is going to smash it on saturday",
        "I'm gonna punch in my hours before I leave",
        "I lost my temper at the printer again",
        "pretty sure it's a cold, my nose won't stop running",
        "I binged the whole series and then went for a run",  # bingeing TV
        "I'm living on coffee this week with all these deadlines",
        "I deserve a pizza after that week",
        "my fella bought me flowers for no reason",
        "my boss threatened me with a pay cut",
        "that film had so much blood I couldn't watch",
        "I have had enough of this weather",
        "this heat is doing me in",
        "my teacher's been amazing this term",
        "I want to physically get fitter this year",
        "the cake has a special secret ingredient",
        # Everyday sentences sharing words with the third-pass patterns.
        "my dad got my son to go off with him to the football",
        "we had a fight about the essay so I want to go back and finish it properly",
        "we did hill sprints until I was dizzy lol",
        "mix everything in a bowl and bake it",
        "I threw up after dinner last night, must be a bug",
        "I'm going to stab the potatoes with a fork when they boil",
        "if i didn't wake up early i'd miss the bus",
        "the kids can't remember how many sweets they had",
        "my face looks a bit blue in this photo filter",
        "my eyes are a bit puffy from crying at the film",
        "the bus took more than usual to get here",
        "I wish I could put an end to these meetings",
        "the baby got her hands on my necklace",
        "I felt great after I skipped lunch to go for a walk",
        "we finally got the insurance money for the car",
        "my toddler loves to sit on her lap at story time",
        "my dog tried to go off with them at the park",
        "I walked into a door this morning, so clumsy",
        "slept rough at the festival because the tent flooded",
        "the new baby means the dog is starved of attention",
        # A plain denial, and denials followed by how they are now.
        "I wasn't suicidal, I was just exhausted",
        "I was never suicidal, even at the worst of it",
        "just so you know I'm not suicidal",
        "I'm not suicidal at all, I'm just fed up with work",
        "I was never suicidal before, I'm just tired",
        "I wasn't suicidal then and now I'm doing great",
        "the house wasn't in danger until the river rose",
        # Near the wordings grown from corpora/crisis_dev6.csv.
        "I smashed my head on the cupboard door, ouch",
        "I burned my hand on the oven tray making tea",
        "we drove up here to jump in the lake, it's freezing",
        "my boss says my brain keeps going off on tangents",
        "the little ones were left alone for a minute while I answered the door",
        "I'll run the numbers over with the accountant",
        "the dog was sick after eating grass",
        "I threw up my lunch on the boat, so seasick",
        "I popped a whole packet of crisps in my bag for the trip",
        "that's odd on a Tuesday",
        "she ate the last slice of cake, she's a dead woman",
        "I ran a hedgehog over with the car last night and cried",
        "I'll run my dad over to the shops in the van",
        "if I kill my plants again I will give up gardening",
        # Near the patterns grown from crisis_dev7.csv.
        "my 14 year old has gone from chatty to grunting overnight",
        "I burnt my hand on the oven tray, not on purpose obviously",
        "is it normal to want to sleep all weekend",
        "the kids were left with their gran for three days",
        "my dog is getting groomed on friday",
        "the toddler was walking along the road holding my hand",
        "he beats his son at chess every sunday",
        "my phone's on the kitchen floor, all cracked",
        "he went limp with laughter",
        "I'm on the bridge, stuck in traffic, not going to make the meeting",
        "I'm going to break the news to her tonight",
        "the blood test results won't be back till monday",
        "we're going to beat them to the final",
        "tallest building in the world is in Dubai",
        "had a dodgy kebab, went home and threw it all up",  # food poisoning
        # Near the misses and false flags of corpora/crisis_dev10.csv.
        "I'm going to murder my laptop if it freezes once more",
        "gonna strangle the wifi router",
        "my flatmates said they'll kill me if I forget the bins again",
        "thought I was going to pass out on the last hill, but made it",
        "the kids were left alone in the garden for two minutes",
        "my throat's all swollen with this flu",
        # Everyday posts the floor flagged in the dev corpora (December 2026), paraphrased.
        "we had a miscarriage in the spring and I still think about it",
        "the sale collapsed again, third time this year",
        "on the train I thought I was having a heart attack but it was panic, I'm fine",
        "I really don't want to hurt them by moving abroad",
        "after that meeting I felt like I'd been run over by a truck",
        # Near the misses and false flags of corpora/crisis_dev11.csv.
        "the pavlova looked great and then it collapsed in the middle",
        "our house chain almost collapsed on Friday",
        "cut my arm on the bramble again, gardening hates me",
        "went into the bathroom and cut my fringe, regret",
        "burnt my arm again on the oven tray",
        "cut my leg again shaving",
        "slipped in the bathroom and cut my leg on the tiles",
        "burned my arms again at the beach, forgot suncream",
        # Near the lines grown from corpora/crisis_dev12.csv's misses.
        "sat in the car with the engine running to warm up before work",
        "I'm going to take them all as prescribed, the whole course",
        "my eczema flared and I scratched my arms until they bled",
        "the rash on my legs itches so much I scratched them raw with my nails until they bled",
        "I'm reading about how people end things with a partner kindly",
        "wish something exciting would happen to me for once",
        "I waited for her for ages and hurt her feelings",
        "locked the kids in the car by accident, keys inside, called the AA",
        "the photographer asked for photos of the kids, she's 8",
        "got my fringe in my eyes so I cut it",
        "in the book the narrator's brother dies by suicide and it's stayed with me",
        "my thesis is on how the press reports suicide",
        "saw a film about grief, loss and suicide in farming communities",
        "we practised how to reverse an opioid overdose with naloxone",
        "my EPQ is on how teachers respond to self-harm",
        "I'll strangle him if he eats my chips again 🙃",
        # Near the lines grown from corpora/crisis_dev13.csv's misses.
        "I carved the turkey into slices for everyone",
        "I held my hand under the cold tap until it stopped stinging after I touched the hob",
        "just finished cutting my hair myself and it looks awful",
        "scratched the car with my keys by accident, gutted",
        "banging my head against the wall until I understand this maths",
        "that ending choked me up",
        "I told him no three times and he still didn't listen about the washing up",
        "the kids haven't been fed yet, tea's at six",
        "she sleeps in her bed and touches her teddy",
        "I'm going to run over the plan with the team tomorrow",
        "got stabbed by the villain like 20 times in that game",
        "we did cpr training at school",
        "he was foaming at the mouth about the parking fine",
        "took a couple of laxatives for constipation like the doctor said",
        "I'm having one apple a day to keep the doctor away",
        "I love walking into the sea in the morning and coming back freezing",
        "I want to dye so bad, my roots are showing",
        "took the blade and cut my hair short myself",
        "smashing the gym session, head in the game",
        # Near the lines grown from corpora/crisis_dev14.csv's misses and false flags.
        "we went climbing over the railings and jumping into the river at the lido as kids",
        "I drove the car off the ferry at Calais and nearly forgot which side to drive on",
        "my shoelace knot came loose and I fell over in front of everyone",
        "burnt the back of my hand with the iron doing his shirts",
        "I hit my head on the shelf, not on purpose obviously",
        "slammed my fingers in the car door by accident, so clumsy",
        "is it quick for me to get a taxi from the station?",
        "I just wanted to say goodbye to someone I loved at the funeral",
        "cancelled the meeting and I'm tying up loose ends before my holiday",
        "I take my vitamin D every day instead of once a week now",
        "I'd rather die than sing in public",
        "my history essay on the Jonestown mass suicide is due",
        # Near the lines grown from corpora/crisis_dev15.csv's misses and false flags.
        "I opened my post and my wrist watch was in it",
        "pressed the iron to my shirt collar",
        "I accidentally touched the hot iron on my hand",
        "threw myself into work after the breakup",
        "I took all my insulin on time today, proud of myself",
        "I need to stop being alive to every little criticism",
        "I'd rather not live in London anymore",
        "the thought of being dead scares me, I'm a hypochondriac",
        "the pharmacist said the tablets we use for the cat work on dogs too",
        "went off a balcony in a film and it looked so fake",
        "how deep do I need to cut the onion",
        "I swam into the sea and came back out freezing",
        "built the shed by my own hand",
        "today can go jump off a cliff",
        "I bought everything I need for the cake, doing it tonight",
        "don't try to talk me out of the fringe, I'm doing it tomorrow",
        "we'll go through with it when everyone is back from holiday",
        "cleaned and loaded my rifle for the deer stalk on Saturday",
        "not coming back till Sunday, camping with the rope swing lot",
        "checking out of the hotel at noon",
        "looked up how tall the Eiffel Tower is for the quiz",
        "how many tablets should I take for a headache",
        "I wonder what I'll feel when I go under for my wisdom teeth",
        "we won't be around for the winter, off to Spain",
        "the climbing rope won't be coming back till autumn",
        "went at my legs with a razor before the beach",
        "hit my head on the door frame, now there's a bruise",
        "opened up my wrists with some yoga circles",
        "slipped something into his coffee, caramel syrup",
        "got the calories down to 400 per portion on the lasagne",
        "we stopped drinking tap water because the scale build up is awful",
        "which tablets stop my heart racing before exams",
        "I stopped taking my antibiotics because they made me sick",
        "thank you for everything, have a lovely holiday",
        "I don't know who I am anymore since my son left home",
        "she put something in his lunchbox, a little note",
        "my coach told us to keep the surprise party secret",
        "I locked myself out in the garden for an hour this morning",
        "I stopped drinking fizzy drinks because the sugar was making me tired",
        "did a few laps of the pool and my heart was racing",
        "my daughter fell over at the park and has a bruise, she says it was the slide",
        "hoping the flight goes down in price before Friday",
        "everything is ready for the party, doing it tonight, don't try to stop me making punch",
        "I walk to the harbour bridge three times a week to look at it at sunset",
        "I did it, I passed! won't say how many attempts it took",
        "paid the bills so nobody is left with anything after we move out",
        "I hid my brother's present so he doesn't get it too early",
        "asked my neighbour to take the dog for good long walks",
        "growing up with a dad who shouted made me a perfectionist",
        # Near the lines grown from corpora/crisis_dev16.csv's misses and false flags.
        "my mum always asks where I'm going when I pick up my keys",
        "I don't know where I'm going with this post, sorry",
        "pack the umbrella, I'll need it where I'm going, Manchester in October",
        "do I need money where im going? the festival is cashless apparently",
        "I don't want to wake up at seventy regretting that I never tried",
        "that call followed me home and I couldn't sleep",
        "I worry she'll regret it when she's older",
        "the climbing rope is in the car, I keep looking at it, can't wait for tomorrow",
        "we're going to walk into the sea tomorrow for the charity dip",
        "that bus is the one I go in front of the queue for every morning",
        "we took them the whole box of biscuits for the staff room",
        # Near the lines grown from corpora/crisis_dev17.csv, and near the lines they narrowed.
        "got some rope for the hammock, haven't decided when to hang it",
        "last week before leave, tying up loose ends, weirdly calming",
        "I ate twice what I'm supposed to at the wedding buffet",
        "held my sister against the wall to mark her height on the door frame",
        "could hear mum screaming and plates smashing at the Greek restaurant, best night ever",
        "the tattoo artist made me sit for hours but it looks amazing",
        "my flatmates won't let me eat with them unless I bring dessert",
        "daydreaming about smashing him 3-0 in the squash final",
        "found out when she finishes and which exit, surprise anniversary pickup",
        "his lips look a bit dark after the blackcurrant slushie",
        "my thyroid is low so I'm cold all the time and my hair is falling out",
        "potty training update: sitting on the toilet and it's working!",
        "a stray cat followed me home and won't leave",
        "the neighbour's dog follows me around the park",
        "the pizza delivery was waiting outside my flat in the rain",
        "the paramedics spent half the shift waiting outside A&E",
        "waiting outside her school to pick her up, she's late again",
        # Near the lines grown from corpora/crisis_dev18.csv, and lines tried and dropped.
        "Googled how tall the viaduct is before our walk on Sunday",
        "keeping my sleeves down even in this heat because of the sunburn",
        "printed a card he can read after, because I'll forget half the speech",
        "scary thoughts about keeping the baby quiet on a nine hour flight",
        "couldn't go to work yesterday because of my face, dental abscess",
        "not planning on being around for Christmas, we're off to Cork",
        "the GP doubled up on my blood pressure medication",
        "took the rest of the painkillers back to the pharmacy",
        "lost count of how many tablets we've sold this Black Friday",
        "the door handle left a dent in the kitchen wall the size of a fist",
        "don't think I'm going to climb back over that ridge without a guide",
        "funeral was this morning, everyone's at my auntie's, going to join them now",
        "my sister caught me trying, yesterday, to cut my own fringe",
        "got a cricket bat in the boot, sat outside his school waiting for him",
        "the waiter threw a plate over his head into the smashing bin",
        "the vet said we can stop giving him his tablets now the infection is all gone",
        "holding the baby and the urge to squeeze her cheeks is overwhelming",
        "the babysitter plays doctor with his toy kit and says it might hurt a bit",
        "from tonight his dad makes him sleep in his own bed",
        "we put the Christmas tree out on the balcony until morning",
        "our parents left us on our own for a few days, we're in our twenties",
        "grandma only lets me have one thing from the sweet shop",
        "I'm not allowed my inhaler on the desk in exams",
        "fasting blood test tomorrow, do I stop drinking water too?",
        "saw an advert for diet pills and my heart is pounding with rage",
        "first day of fasting for Ramadan and I felt a bit dizzy by four",
        "camping in the Highlands, haven't had proper food for a week",
        "the health visitor said never put a pillow over my baby's face to block the light",
        "learned what to do if someone's choking at the first aid course",
        "I don't know who I'm allowed to tell about the surprise party",
        "Mum has dementia and most days she doesn't know who I am",
        "He died of an overdose ten years ago. I've made peace with his death now.",
        # Near the same lines, from a review of them.
        "Tom's gone to the beach already, I'm going to join him.",
        "Mum caught me trying to vape and she took everything.",
        "the dog ran off over the fence, I'm not climbing back over, you get him.",
        "The GP said my weight is fine. Before a long drive I stop drinking water",
        "Took the rest of the tablets with breakfast, so glad the course is finished.",
        "My doctor doubled up on my meds again",
        "took some of everything from the medicine cupboard for our holiday first aid kit",
        "My 3 year old just won't stop when I tell him to.",
        "The consultant was kind, he put his hand on my knee",
        "The hospital said I'm not allowed to have my insulin when I'm fasting before the op",
        "My partner asked why we never have tea any more",
        "I want to stop giving her her tablets once the infection is all over",
    ],
)
def test_everyday_sentences_near_grown_patterns_are_not_flagged(
    floor: CrisisDetector, text: str
) -> None:
    assert not floor.detect(text).flagged, text


# Wordings grown from the misses of corpora/crisis_dev6.csv (plainly stated risk written blind),
# paraphrased here so the test does not simply repeat the corpus.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("the voice in my head keeps saying 'kill yourself' and I'm listening", SUICIDE),
        ("i slit my wrist last night and wrapped it in a towel", SUICIDE),
        ("burnt my thigh with a cigarette again", SUICIDE),
        ("I smash my head against the wall till it bleeds", SUICIDE),
        ("carved into my arm with a compass in maths", SUICIDE),
        ("parked on the cliff road, I came up here to jump", SUICIDE),
        ("i attempted again on saturday", SUICIDE),
        ("told the nurse I wasn't suicidal but I was lying", SUICIDE),
        ("he poured boiling water over me because dinner was late", ABUSE),
        ("my uncle touched my private parts when I was staying over", CHILD),
        ("im 14 and im pregnant and nobody knows", CHILD),
        ("the baby upstairs has been left alone crying for hours", CHILD),
        ("I'm going to kick his head in when I see him", OTHERS),
        ("I'll run him over with the van if he comes near her", OTHERS),
        ("my dad's having a fit and has been fitting for ten minutes", MEDICAL),
        ("it feels like an elephant is sitting on my chest", MEDICAL),
        ("I put my fingers down my throat after every meal", EATING),
        ("been drinking laxative tea so the food goes straight through", EATING),
        ("took about 20 of my mum's tablets", OVERDOSE),
        ("popped a whole packet of paracetamol with vodka", OVERDOSE),
        ("od'd on my meds last night", OVERDOSE),
        # Grown from the misses of corpora/crisis_dev7.csv (December 2026), paraphrased.
        ("is it normal to want to end your life most days? asking for me", SUICIDE),
        ("they'd all be better off if i ended it", SUICIDE),
        ("been takin a razor tae ma legs again", SUICIDE),  # dialect, dropped g
        ("I cut just to feel something real", SUICIDE),
        ("scratched my arms on purpose in the toilets at work", SUICIDE),
        ("I punch my thigh till it bruises when I mess up", SUICIDE),
        ("hitting myself with a hairbrush when I get things wrong", SUICIDE),
        ("I'm on the ledge of the car park and I'm ready to jump", SUICIDE),
        ("I'm up on the viaduct. I'm not going back.", SUICIDE),
        ("would it hurt if I jumped off the top of the stairwell", SUICIDE),
        ("I'm going to turn the gun on myself after dinner", SUICIDE),
        ("I swallowed the lot to die, it didn't work", SUICIDE),
        ("I wanna top masel", SUICIDE),
        ("he's been knocking me about since the baby came", ABUSE),
        ("my husband done beat me again last night", ABUSE),
        ("is it normal for my boyfriend to choke me when we argue", ABUSE),
        ("the twins next door have been left on their own for three days", CHILD),
        ("a toddler is walking alone along the main road by the bus stop", CHILD),
        ("my stepmum locks us in the garage when she goes out", CHILD),
        ("the little ones upstairs are eating out of the bins", CHILD),
        ("a man from the game has been grooming my son online", CHILD),
        ("there's a baby locked in a hot car outside the gym", CHILD),
        ("my daughter has gone missing from the park", CHILD),
        ("I'm going to break his legs when he comes out of the pub", OTHERS),
        ("swear I'll kick that bloke to death", OTHERS),
        ("the cut on his leg is pouring and it won't stop", MEDICAL),
        ("she can only get a few words out between breaths", MEDICAL),
        ("my flatmate is on the bathroom floor shaking and mumbling", MEDICAL),
        ("grandad's clutching his chest and sweating", MEDICAL),
        ("my uncle collapsed in the garden and he's not answering me", MEDICAL),
        ("he just stopped breathing on the sofa", MEDICAL),
        ("we pulled my son out of the pond and he's floppy", MEDICAL),
        ("I'm sick after every meal and hide it", EATING),
        ("chucking up my dinner every night now", EATING),
        ("how do I hide that I throw up after meals", EATING),
        ("I ate a biscuit so now I have to get rid of it", EATING),
        ("I run until I pass out so I've earned what I ate", EATING),
        ("using water tablets to drop weight fast", EATING),
        ("haven't eaten in four days and fainted on the bus", EATING),
        ("the baby got into my iron tablets, no idea how many", OVERDOSE),
        ("I gave myself double my insulin by mistake", OVERDOSE),
        ("mum took all her week's tablets in one go", OVERDOSE),
        ("drank way too much of the cough medicine", OVERDOSE),
        ("the doctor says what I took could damage my liver", OVERDOSE),
        # From the misses of corpora/crisis_dev10.csv, paraphrased.
        ("the twins next door (maybe 5) have been left alone at home for three days", CHILD),
        ("he won't stop talking about shooting up the local college", OTHERS),
        # A pattern's verb in its other forms, from the misses of corpora/crisis_dev8.csv.
        ("my mind tells me to kill myself every night", SUICIDE),
        ("the voices whispers kys", SUICIDE),
        ("ate a prawn and both our throats are closing up", MEDICAL),
        # Beside the idioms for a past scare, a plan that fell through and not wanting to hurt.
        ("I might be having a miscarriage, the cramps are awful", MEDICAL),
        ("my grandad collapsed in the garden and won't wake up", MEDICAL),
        ("I think I'm having a stroke, my face feels droopy", MEDICAL),
        ("I don't want to scare them. I want to hurt them.", OTHERS),
        # Beside the new idioms, a person is still a person.
        ("I'm going to strangle my wife", OTHERS),
        ("he said he'd kill me if I ever leave", ABUSE),
        # From the misses of corpora/crisis_dev11.csv, paraphrased.
        ("we rowed and I locked myself in the bathroom and cut my wrist", SUICIDE),
        ("cut my thigh again, first time since school", SUICIDE),
        ("locked myself in the toilet and i cut my arms", SUICIDE),
        ("I cut my wrists on the bathroom floor last night", SUICIDE),
        ("I'm at the spot I'd picked to do it", SUICIDE),
        # From the misses of corpora/crisis_dev12.csv, paraphrased.
        ("my head throws up the thought 'kill yourself' and I'm starting to listen", SUICIDE),
        ("I'm sat in my car in the garage with the engine running", SUICIDE),
        ("climbed over to the wrong side of the barrier on the motorway bridge", SUICIDE),
        ("been hoarding my painkillers and I'm going to take them all tonight", SUICIDE),
        ("hate myself so much, so I cut.", SUICIDE),
        ("slashed my arm with a blade in the toilets", SUICIDE),
        ("bit my hand so hard it bled during the call", SUICIDE),
        ("scraped my wrist with a pin all through the lecture", SUICIDE),
        ("clawed at my thighs with my nails until they were bleeding", SUICIDE),
        ("hit the door till my knuckles split", SUICIDE),
        ("went back to cutting my thighs after the exam", SUICIDE),
        ("he followed me home and assaulted me", ABUSE),
        ("she keeps threatening me with knives", ABUSE),
        ("my boyfriend stabbed my hand with a fork", ABUSE),
        ("mum told me he'd beaten her again", ABUSE),
        ("I got slammed into the fridge for answering back", ABUSE),
        ("they locked their 5 year old in the cellar all day", CHILD),
        ("a man online keeps asking her to send pics, she's 12", CHILD),
        ("he told my daughter to keep it a secret and asked her for photos", CHILD),
        ("he shook her hard to stop her crying", CHILD),
        ("I'm going to drive to her flat and stab her", OTHERS),
        ("I'll wait for them after school and batter them", OTHERS),
        ("I'm going to hurt him so badly that he can't walk", OTHERS),
        ("I chewed my dinner and spat it out so I didn't swallow", EATING),
        ("I've restricted to next to nothing since january", EATING),
        # The eczema idiom never spans a disclosure said beside it.
        ("scratching so much i want to kill myself with this eczema", SUICIDE),
        ("scratched till it bled, want to die, eczema", SUICIDE),
        # From corpora/crisis_dev13.csv (misses and catches by the sentence model alone),
        # paraphrased.
        ("scratched the word LOSER into my arm last night", SUICIDE),
        ("pressed my palm on the hob until it blistered because I deserved it", SUICIDE),
        ("burnt my wrist with the car cigarette lighter on the way home", SUICIDE),
        ("only just finished cutting my arm and it won't stop", SUICIDE),
        ("I keep slicing my forearms at night", SUICIDE),
        ("scraped my arm with a key until it bled in the loo at work", SUICIDE),
        ("hit my legs with a hairbrush over and over until there were bruises", SUICIDE),
        ("slammed my head into the door until i saw stars", SUICIDE),
        ("this time i'll cut deep enough to die", SUICIDE),
        ("planning to jump off the top of the multi storey on sunday", SUICIDE),
        ("when I fail I take the razor and cut my thigh", SUICIDE),
        ("wanna dye rn", SUICIDE),
        ("my ex choked me until I nearly passed out", ABUSE),
        ("I said no so many times and he didn't stop", ABUSE),
        ("he slammed me against the radiator last night", ABUSE),
        ("the girl over the road hasn't been fed properly for days", CHILD),
        ("my little cousin has cigarette burns on her hand", CHILD),
        ("he makes her sleep in his bed and touches her when mum is out", CHILD),
        ("he had marks on his back like from a belt", CHILD),
        ("i keep wanting to go round and start smashing his head in", OTHERS),
        ("i'm going to run him over when he leaves the pub", OTHERS),
        ("I was scared I'd hold a pillow over her face to stop the screaming", OTHERS),
        ("gonna stab jake at lunch tomorrow", OTHERS),
        ("she collapsed and I can't find a pulse", MEDICAL),
        ("my dad's on the floor and we're giving him cpr", MEDICAL),
        ("grandad's mouth is sagging on one side and he can't talk properly", MEDICAL),
        ("my brother is fitting with foam coming out of his mouth", MEDICAL),
        ("there's blood pouring out of her arm, it won't stop", MEDICAL),
        ("took 20 laxatives after dinner", EATING),
        ("I ate once every three days last month", EATING),
        ("only drinking water for twelve days now", EATING),
        ("living on like one rice cake a day", EATING),
        ("I stick my fingers into my throat after every meal", EATING),
        ("took way more than the box says of my sleeping tablets", OVERDOSE),
        # From the misses of corpora/crisis_dev14.csv, paraphrased.
        ("I keep picturing climbing over the railings and letting go", SUICIDE),
        ("on friday I'm driving my car off the edge of the cliff", SUICIDE),
        ("stepping in front of the 6.15 train in the morning", SUICIDE),
        ("last week I kicked the stool away but the rope snapped", SUICIDE),
        ("burnt the inside of my wrist with a lighter till it blistered", SUICIDE),
        ("punched the garage wall over and over till my knuckles bled", SUICIDE),
        ("I trapped my fingers in the drawer on purpose", SUICIDE),
        ("slashed my thigh with a piece of broken glass", SUICIDE),
        ("from the eighth floor, might I survive it?", SUICIDE),
        ("if it's the tracks would it be painless for me", SUICIDE),
        ("took 3 whole packets of paracetamol an hour ago", OVERDOSE),
        ("I've been taking my methotrexate daily instead of once a week", OVERDOSE),
        # From the misses of corpora/crisis_dev15.csv and plain rows only its model caught,
        # paraphrased.
        ("sitting in the tub, I've opened up my wrists", SUICIDE),
        ("i held the hair straighteners against my thigh again", SUICIDE),
        ("last night I threw myself in front of a bus but the driver braked", SUICIDE),
        ("I injected the whole insulin pen at once an hour ago", SUICIDE),
        ("just swallowed everything from the bathroom cabinet", SUICIDE),
        ("i just want to stop being alive", SUICIDE),
        ("how many of my sleeping pills would I need to take so i never wake up", SUICIDE),
        ("the thought of being dead is honestly comforting", SUICIDE),
        ("is there a way to die that would look like an accident", SUICIDE),
        ("would the injection they use to put dogs down work on a person my size", SUICIDE),
        ("if I jumped off the roof of my building would that do it", SUICIDE),
        ("how deep would i have to cut for it to be fatal", SUICIDE),
        ("I waded into the river intending never to come back out", SUICIDE),
        ("the rope is in the van, I'm never coming back", SUICIDE),
        ("been going at my arms with a blade every night", SUICIDE),
        ("dug my nails into my wrists till they bled", SUICIDE),
        ("i bite my arm until it goes blue when I mess up", SUICIDE),
        (
            "my son came back from his dad's with a burn and said he walked into the oven, "
            "that's the second time this month",
            CHILD,
        ),
        ("mummy did it because I was naughty, she says", CHILD),
        ("my stepdad left my baby brother in the car outside the bookies for hours", CHILD),
        ("I'm going to slip something into her tea so she gets sick", OTHERS),
        ("I'm parked outside his flat with a knife, I'll make him pay", OTHERS),
        ("I stopped drinking fluids because the scales keep going up", EATING),
        ("got my intake down to 400 a day", EATING),
        ("I hide my sister in the cupboard so she doesn't get hit when he's drunk", CHILD),
        ("I'm 15 and they're marrying me off to a man twice my age", CHILD),
        # From the misses of corpora/crisis_dev16.csv, paraphrased.
        ("the noose is under my bed and I keep staring at it. tonight", SUICIDE),
        ("i'm going to walk into the river tonight", SUICIDE),
        ("standing on the platform, the next train is the one I'll step in front of", SUICIDE),
        ("I took them already. the whole packet. getting drowsy", OVERDOSE),
        # From the misses of corpora/crisis_dev17.csv, paraphrased.
        ("swallowed the entire blister pack of my sertraline with some beers", OVERDOSE),
        ("I've taken I don't even know how many now, more than the box says", OVERDOSE),
        ("my stepdad has got mum up against the wall again", ABUSE),
        ("he makes me stand in the hall all night when he's angry, I'm 13", CHILD),
        ("keep having this fantasy about caving his face in", OTHERS),
        ("got some rope yesterday, haven't picked when yet.", SUICIDE),
        # From the misses of corpora/crisis_dev18.csv, paraphrased.
        ("I don't think I'll climb back over the railing", SUICIDE),
        ("my wife passed away in March and I've decided it's time to join her.", SUICIDE),
        ("my brother walked in on me trying and then he took everything, the pills too", SUICIDE),
        ("I threw a mug at my wife's head last night", OTHERS),
        ("I'm thinking about just not giving her her insulin so it's all over", OTHERS),
        ("with the baby screaming all night I get the urge to shake him.", OTHERS),
        ("my stepdad plays secret games with me in the bath and it hurts", CHILD),
        ("her father makes her sleep in his bed when mum's away", CHILD),
        ("his stepdad locks him in the shed as a punishment", CHILD),
        ("mum left us on our own for days and there's no food", CHILD),
        ("he only lets me eat one meal a day", ABUSE),
        ("I'm not allowed to keep my epipen at home because dad says I'm faking", ABUSE),
        ("every time the number on the scale goes up I stop drinking water", EATING),
        ("been taking fat burners for weeks and my heart keeps racing", EATING),
        ("took some of everything in the medicine cupboard, feeling weird", OVERDOSE),
        # A child's abuse named child safeguarding by signs other than an age.
        ("my stepdad hit me with his belt and I have PE tomorrow", CHILD),
        ("my foster carer hit me with a wooden spoon last night", CHILD),
    ],
)
def test_plain_risk_in_new_words_is_flagged(
    floor: CrisisDetector, text: str, category: str
) -> None:
    assert category in floor.detect(text).categories, text


@pytest.mark.parametrize(
    "text",
    [
        # Signs of a child read narrowly: a grounding exercise, immigration detention and "bad
        # at" something are an adult's words too.
        "my husband hits me when I'm bad at keeping the house. I'm trying to get grounded",
        "my partner hit me again. I was in detention for a year and this feels worse",
        "my boyfriend punched me because I'm bad with money, I've been grounded by the breathing",
        "My husband gives me pocket money like a child. He hit me last night.",
        "My husband hits me when I've been bad",
        "After detention at the border I moved in with him and now he beats me.",
        "I told the head teacher at my son's school that my husband hits me",
        "I'm grounded again after the breathing exercise. My husband hit me.",
    ],
)
def test_an_adults_abuse_is_not_named_a_childs(floor: CrisisDetector, text: str) -> None:
    assert floor.detect(text).category == ABUSE, text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # The words that stand the floor down for a first-aid course, a parent with dementia
        # or peace made with a death must not silence an emergency or a plan now.
        ("I don't know what to do if he's not breathing", MEDICAL),
        ("what to do if someone is overdosing help please", OVERDOSE),
        ("please what to do when the baby's not breathing", MEDICAL),
        (
            "Years ago I swore I'd never do it. I've made peace with that. I will kill myself on "
            "Friday.",
            SUICIDE,
        ),  # fmt: skip
        (
            "I survived an overdose years ago. I've made peace with it now. Note's written, the "
            "pills are in the drawer for Friday.",
            OVERDOSE,
        ),  # fmt: skip
        ("She banged her head on the stairs and now she doesn't know who I am anymore", MEDICAL),
        ("He hit his head and now often he doesn't know who I am", MEDICAL),
    ],
)
def test_everyday_exceptions_do_not_silence_an_emergency(
    floor: CrisisDetector, text: str, category: str
) -> None:
    assert floor.detect(text).category == category, text


def test_not_knowing_whom_one_will_hurt_first_is_plain_risk(floor: CrisisDetector) -> None:
    # The "who I'm allowed to tell" exception must not take it. The older medical line still
    # reads "don't know who I'm" as a hint of confusion, but a risk stated plainly is named first.
    found = floor.detect("I don't know who I'm going to kill first, my ex or his new girlfriend")
    assert found.category == OTHERS and found.explicit
    assert MEDICAL in found.categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # A hint beside a plain statement does not name the message...
        ("I don't know who I am when I'm like this and I want to die", SUICIDE),
        # ...but a hint of an overdose keeps its place (its reply gives the emergency number
        # first), and so does a child's hint beside abuse.
        ("I used again tonight after eight months clean and I want to die", OVERDOSE),
        ("been using alone again and honestly I want to kill myself", OVERDOSE),
        (
            "he hits me when he's drunk. my sister asked me why we never have dinner any more",
            CHILD,
        ),  # fmt: skip
        # Guards: drugs beside an emergency, and a child's age beside abuse.
        ("my mate took something at the party and now he's not breathing", OVERDOSE),
        ("I'm 12 and my stepdad hits me and I haven't eaten since Friday", CHILD),
    ],
)
def test_a_plainly_stated_risk_is_named_before_a_hint(
    floor: CrisisDetector, text: str, category: str
) -> None:
    assert floor.detect(text).category == category, text


def test_advice_to_readers_does_not_bring_a_past_risk_back(floor: CrisisDetector) -> None:
    # A recovery post's "if you're struggling right now" is said to its readers: its
    # "struggling" and "right now" are not the writer's risk returning (crisis_dev19.csv).
    post = (
        "When I was a teenager I used to self-harm and hid it for years. At 22 I told my GP and "
        "got help. I haven't hurt myself in over six years now. If you're struggling right now, "
        "please don't give up on getting help."
    )
    assert not floor.detect(post).flagged
    # Without the words to readers the same story holds a present struggle.
    assert floor.detect(post.replace("If you're struggling", "I'm struggling")).flagged


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "Years ago I overdosed, got help. If you're struggling right now, so am I. I'm "
            "going to "
            "take them all tonight",
            OVERDOSE,
        ),  # fmt: skip
        (
            "I used to self harm as a teen but got help. if anyone is struggling right now i am "
            "too, cut again last night",
            SUICIDE,
        ),  # fmt: skip
    ],
)
def test_words_to_readers_do_not_silence_the_writers_own_risk(
    floor: CrisisDetector, text: str, category: str
) -> None:
    assert floor.detect(text).category == category, text


# Plain risk from the misses of corpora/crisis_dev19.csv, paraphrased: someone else's intent,
# told by the person who fears for them.
@pytest.mark.parametrize(
    "text",
    [
        "my friend is on the bridge over the railway and keeps saying she's going to jump",
        "my brother is threatening to jump from the car park roof",
        "my sister texted me that she's going to kill herself tonight",
        "My brother is 14 and said he's going to kill himself, I don't know who I am supposed to "
        "tell",
        "my mate wants to end himself, he told me tonight",
        "boyfriend messaged me goodbye and said he's going to shoot himself",
    ],
)
def test_someone_elses_plain_intent_is_plain_risk(floor: CrisisDetector, text: str) -> None:
    found = floor.detect(text)
    assert found.category == SUICIDE and found.explicit, text


# Plain risk told by someone worried about another person, from the misses of
# corpora/crisis_dev20.csv, paraphrased.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        (
            "my cousin sent me a voice note saying she's got a rope and she's done with it all",
            SUICIDE,
        ),  # fmt: skip
        ("bf just messaged 'im so sorry, love you, im going to jump' and won't pick up", SUICIDE),
        ("my sister phoned me from the multi storey and said she's going to jump", SUICIDE),
        ("a kid in my class typed in the group chat that he's going to hang himself", SUICIDE),
        ("mum says she's killing herself tonight and has put the dog with the neighbour", SUICIDE),
        ("my son has been cutting himself, I found blood on his sheets", SUICIDE),
        (
            "Grandad said on the phone he's had enough and he's going to finish himself off",
            SUICIDE,
        ),  # fmt: skip
        ("I'm going to finish myself off tonight", SUICIDE),
        ("I watched the care worker slapping my dad on the lounge camera", ABUSE),
        ("a lad in my year posted a plan to attack the school on Monday", OTHERS),
    ],
)
def test_plain_risk_told_about_someone_else_is_flagged(
    floor: CrisisDetector, text: str, category: str
) -> None:
    found = floor.detect(text)
    assert found.category == category and found.explicit, text


@pytest.mark.parametrize(
    "text",
    [
        # The idioms for a music video shot, a fringe cut or a pudding to finish oneself off
        # with must not take a plain statement (an early draft silenced the first).
        "I tried to hang myself an hour ago but it didn't work",
        "I'm going to shoot myself an hour from now",
        "I've been cutting myself a lot lately",
        "she's been cutting herself a bit more since the exams",
        "I'm going to finish myself off with pills tonight",
        "gonna finish myself off on the tracks",
        "he said he's going to shoot himself in the head",
        "she wants to drown herself in the river",
        "she's going to shoot herself tonight she told me",
        "my brother tried to drown himself yesterday",
        "she stabbed herself with a kitchen knife last night",
        "he jumped in front of a train last night and he's in hospital",
        "love you mum. I'm going to jump.",
        "Im gonna jump on the tracks",
    ],
)
def test_the_idioms_for_another_persons_words_do_not_silence_risk(
    floor: CrisisDetector, text: str
) -> None:
    found = floor.detect(text)
    assert found.category == SUICIDE and found.explicit, text


def test_someone_elses_repeated_threat_gets_a_question(floor: CrisisDetector) -> None:
    found = floor.detect("my flatmate keeps saying he'll kill his boss and he's bought a crowbar")
    assert found.category == OTHERS and not found.explicit


# Hints from the misses of corpora/crisis_dev19.csv, paraphrased.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("what's the highest car park round here, asking for no reason", SUICIDE),
        ("I can't stop picturing shoving a stranger in front of the tube", OTHERS),
        (
            "had to leave the house because if I'd stayed someone would've ended up in hospital",
            OTHERS,
        ),  # fmt: skip
        ("Mum's gone really pale, says her jaw and left arm are aching", MEDICAL),
        ("he had a pill of whatever it was and now he won't stop shaking", OVERDOSE),
        ("the sleeping pills aren't doing anything yet, maybe I need more", OVERDOSE),
    ],
)
def test_dev19_hints_get_a_question(floor: CrisisDetector, text: str, category: str) -> None:
    found = floor.detect(text)
    assert found.category == category and not found.explicit, text


# Everyday messages written to match the dev19 lines as literally as possible (December 2026):
# 108 such probes, one flagged after narrowing (a list of heart attack signs in a quiz).
@pytest.mark.parametrize(
    "text",
    [
        "My son is on the roof of the shed and says he's gonna jump onto the trampoline",
        "my daughter is on the bridge with the bungee crew, she's about to jump!",
        "Friend is on top of the cliff at the ski resort, says he's gonna jump it on his board",
        "What's the tallest building in Dubai? Asking for a friend who's planning a trip",
        "Highest cliff in the UK for a coastal walk? No reason, just watched a documentary",
        "I can't stop thinking about pushing someone under the bus in yesterday's meeting",
        "Northern line at 8am, I'm always thinking of pushing people onto the tube",
        "If I'd stuck around at that party one of us would have ended up in A&E from laughing",
        "Played violin for 4 hours, my neck and left arm ache so much",
        "Grabbed a second bag of whatever crisps were on offer, no regrets",
        "The hayfever tablets aren't working this year, maybe I need more tissues",
        "His night nappy hasn't been changed in two days because he wakes up dry!",
        "Night shift in A&E was brutal, two cardiac arrests and an overdose came in",
        "we used to pass notes to each other in maths",
        "I don't know who I am if I'm not the one fixing everything at work",
        "he'll kill himself laughing when he sees this",
        "Mum said he's going to kill himself on that motorbike",
        "my sister is gonna kill me when she finds out I borrowed her jumper",
        # Near the lines for another person's intent (crisis_dev20.csv), from 126 probes.
        "My son keeps saying he's going to shoot himself a proper music video",
        "Grandad told me he will hang himself a new bird feeder on the shed",
        "My mum is planning to drown herself in paperbacks on holiday",
        "He's got a rope and he's going to climb the wall at the gym for the first time",
        "I'm sorry mum but I'm going to jump on the trampoline again",
        "Love you all! I'm going to jump out of a plane for charity on Saturday",
        "Dad rang me from the multi storey, he can't find the car and wants to jump on the bus",
        "My sister is a junior doctor, she's killing herself tonight on another night shift",
        "He's gonna kill himself when he sees the bill for the car service",
        "Dad keeps cutting himself shaving with that old razor",
        "My daughter started cutting herself a fringe with the kitchen scissors",
        "The carer pushing my nan's wheelchair round the garden centre was so patient",
        "The nurse pinching my arm to find a vein hurt more than the jab",
        "My photographer friend posted her plan to shoot the mosque at golden hour",
        "The game master posted a plan to attack the temple in our D&D campaign tonight",
        "My son keeps saying he'll kill the spider but he's been on the sofa for ten minutes",
        "gonna finish myself off with a sticky toffee pudding now",
    ],
)
def test_everyday_sentences_near_dev19_lines_are_not_flagged(
    floor: CrisisDetector, text: str
) -> None:
    assert not floor.detect(text).flagged, text


def test_the_place_picked_to_do_it_gets_a_question(floor: CrisisDetector) -> None:
    found = floor.detect("the night I'd chosen to do it came and went")
    assert found.category == SUICIDE and not found.explicit


@pytest.mark.parametrize(
    "text",
    [
        # Hints from the misses of corpora/crisis_dev12.csv, paraphrased: one caring question.
        "I wish I could fall asleep and never have to deal with this again",
        "soon I won't be anyone's problem",
        "if I never wake up I honestly wouldn't mind",
        "I've been researching about how people end their lives",
        "I'd like to slip away without upsetting anybody",
        "I keep hoping something would just happen to me",
        "i am doing it now. wanted to say goodbye to someone first",
        # Hints from the misses of corpora/crisis_dev13.csv, paraphrased.
        "which is the tallest car park round this town",
        "I asked how many of them it takes to stop a person's heart",
        "some nights I think about wading into the river and not coming back",
        # Hints from the misses of corpora/crisis_dev14.csv, paraphrased.
        "which is the highest car park where you can still get out onto the roof",
        "I wanted to say goodbye to someone, that's all",
        "cancelled my phone and all my direct debits, tying up loose ends",
        "is it true a fall from the top of those cliffs is always fatal",
        # Hints and unnamed plans from the misses of corpora/crisis_dev15.csv, paraphrased.
        "got everything I need now, I'm doing it on Saturday",
        "I'll go through with it once the kids are asleep",
        "loaded the shotgun and I'll do it after one last weekend with them",
        "I've picked the beam in the garage, after Christmas I'm going",
        "worked out how many tablets it would take",
        "this is the last time I'll talk to you. thanks for trying",
        "part of me hopes the flight crashes",
        "I keep picturing myself not being here",
        "my mum will be better once I'm out of the picture",
        "if the bus hit me I'd be relieved honestly",
        "if i don't message again it's not your fault",
        "some days I hope the flight goes down while I'm on it",
        "all sorted. going through with it tomorrow. nobody talk me out of it",
        "which car parks have no railings on the top floor",
        "there's a quarry near us, I've been a few times to look at the drop",
        "tired. not sleepy tired, the other sort",
        # A hinted attempt in crisis_dev4.csv the model reads at 0.83, paraphrased.
        "last night I attempted it, I'd rather not say how.",
        # Caught before only by the "secrets?" typo, paraphrased.
        "all I want is to be with my mum again, wherever she is",
        "cancelled my contracts so no one gets stuck with anything afterwards.",
        "I've asked my sister to keep the cat for good, so that's sorted",
        # A hint from the misses of corpora/crisis_dev16.csv, paraphrased.
        "honestly done. with everything. with being alive.",
        # The "where I'm going" line, narrowed to what is not needed there (December 2026).
        "gave my brother my console, I won't need it where I'm going",
        "where I'm going I won't need any of this",
    ],
)
def test_hints_in_new_words_get_a_question(floor: CrisisDetector, text: str) -> None:
    found = floor.detect(text)
    assert found.category == SUICIDE and not found.explicit, text


# Hints from the misses of corpora/crisis_dev17.csv, every category, paraphrased.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("feels like I'm tying up loose ends lately", SUICIDE),
        ("Dad's been slurring all morning and he keeps dropping his fork", MEDICAL),
        ("bang to the head at hockey, been sick twice, can't remember the drive", MEDICAL),
        ("those skinny teas have me on the loo all day but it's working", EATING),
        ("my stepmum won't let me eat with the rest of the family", ABUSE),
        ("I'm being followed home every night by the same car", ABUSE),
        ("Knife in my bag. Waiting outside his house.", OTHERS),
        ("there's a knife in my jacket and I'm sat outside her flat", OTHERS),
        # From the misses of corpora/crisis_dev18.csv, paraphrased.
        ("had dark thoughts about shutting him up when he wouldn't stop screaming", OTHERS),
        ("I held a pillow over her face to make her be quiet", OTHERS),
        ("I keep picturing holding a pillow over my baby's face", OTHERS),
        ("he just doesn't stop even when I say no", ABUSE),
        ("my sister asked me why we never have dinner any more", CHILD),
        ("I doubled up on my sleeping pills again to knock myself out", OVERDOSE),
        ("finished the beer and took the rest of the tablets. so sleepy", OVERDOSE),
        ("lost count of how many paracetamol I've had today", OVERDOSE),
    ],
)
def test_hints_of_every_category_get_a_question(
    floor: CrisisDetector, text: str, category: str
) -> None:
    found = floor.detect(text)
    assert found.category == category and not found.explicit, text


def test_a_parent_gone_for_days_gets_a_question(floor: CrisisDetector) -> None:
    found = floor.detect(
        "my mum goes out drinking and doesn't come back for days, I feed my sisters"
    )
    assert found.category == CHILD and not found.explicit


@pytest.mark.parametrize(
    ("name", "size", "least"),
    [
        # Plainly stated messages written blind, then tuned on (December 2026). The floor alone
        # read 263 of dev6 before and 305 after, and 236 of dev7 before and 307 after; the
        # sentence model catches most of the rest. A lexicon edit that loses any of them should
        # be a decision, not an accident.
        ("crisis_dev6.csv", 320, 305),
        ("crisis_dev7.csv", 330, 307),
        # Its plainly stated rows: 182 on first reading, 184 after (December 2026).
        ("crisis_dev10.csv", 210, 184),
        # Its plainly stated rows: 86 on first reading, 88 after (December 2026).
        ("crisis_dev11.csv", 100, 88),
        # Its plainly stated rows, every category: 151 on first reading, 168 after (December 2026).
        ("crisis_dev12.csv", 170, 168),
        # Its plainly stated rows, every category: 174 on first reading, 211 after (December 2026).
        ("crisis_dev13.csv", 218, 211),
        # Plain risk avoiding the obvious words: 119 on first reading, 133 after (December 2026).
        ("crisis_dev14.csv", 170, 133),
        # Plain risk and method questions in many voices: 93 on first reading, 137 after
        # (December 2026).
        ("crisis_dev15.csv", 150, 137),
        # Active suicidal ideation, plans and attempts: 76 on first reading, 80 after (December
        # 2026); the sentence model catches the other 28.
        ("crisis_dev16.csv", 108, 80),
        # Plain risk in every category: 96 on first reading, 102 after (December 2026).
        ("crisis_dev17.csv", 138, 102),
        # Plain risk in every category, children often without an age: 74 on first reading, 90
        # after (December 2026).
        ("crisis_dev18.csv", 101, 90),
        # Plain risk in many voices, misspelt, slang, third persons: 123 on first reading, 127
        # after (December 2026); the sentence model catches the rest.
        ("crisis_dev19.csv", 162, 127),
        # Risk told by someone worried about another person: 56 on first reading, 69 after
        # (December 2026); the floor had no line for another person's plain intent.
        ("crisis_dev20.csv", 99, 69),
        # Long messages with the risk in one sentence: 49 on first reading, 53 after (December
        # 2026); the sentence model catches the rest.
        ("crisis_dev21.csv", 82, 53),
    ],
)
def test_the_floor_keeps_what_it_reads_of_the_blind_explicit_corpora(
    floor: CrisisDetector, name: str, size: int, least: int
) -> None:
    with (ROOT / "corpora" / name).open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["explicitness"] == "explicit"]
    caught = sum(floor.detect(row["text"]).flagged for row in rows)
    assert len(rows) == size
    assert caught >= least, f"the floor reads {caught} of {size}"


def test_the_floor_names_an_overdose_an_overdose(floor: CrisisDetector) -> None:
    # Of the 380 overdose rows in the blind corpora, the floor flags 323. It named 149 of them an
    # overdose while a medical emergency came first; with overdose first and drink or drugs beside
    # a collapse read as an overdose, it names 280 (December 2026).
    named = 0
    for path in sorted((ROOT / "corpora").glob("crisis_dev*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [row for row in csv.DictReader(handle) if row["category"] == OVERDOSE]
        named += sum(floor.detect(row["text"]).category == OVERDOSE for row in rows)
    assert named >= 280, f"the floor names {named} overdoses"


# A long message's sentence set in the past or in a story (crisis_dev21.csv's recovery posts,
# shift reports and book clubs, paraphrased): its risk words are not read as now.
RECOVERY_POST = (
    "Posting this because it came up at work. In 2013, when I was 19, I made an attempt on my "
    "life in my student flat. I spent a week on a ward and then months with a counsellor. These "
    "days I coach an under 11s netball team and I have a garden full of tomatoes. I still have "
    "hard weeks, but they pass. Thanks for reading."
)


@pytest.mark.parametrize(
    "text",
    [
        RECOVERY_POST,
        "Long one, sorry. My older brother overdosed twice in the 90s and we thought we'd lose "
        "him. He's 48 now and runs a bike shop in Derby. We went fishing on Sunday. The water "
        "was freezing. I caught nothing and he laughed at me the whole way home.",
        "Book club this month. We read a novel about a family coping with a father's suicide "
        "in a small fishing town. Half of us cried at the ending. Marion brought lemon drizzle. "
        "Next month is a thriller, thank goodness.",
        "Liaison nurse here, people ask what I do. I see patients who come in after an overdose "
        "or self harm, once the medical team have seen them. I assess, I listen, I plan with "
        "them. Most shifts end with tea and paperwork. I love the job.",
        # Another person's past told as over (crisis_dev20.csv, paraphrased).
        "My cousin used to self harm when she was a teenager, a frightening time for all of us. "
        "I was "
        "younger and didn't understand. She's just qualified as a school counsellor. We went "
        "out to celebrate and I'm so proud of her.",
        # A memory "like it was yesterday" (crisis_dev20.csv, paraphrased).
        "Ten years ago my best friend attempted suicide. I remember the call like it was "
        "yesterday. He's doing brilliantly now and I was best man at his wedding. Give your "
        "mates a ring this week.",
        # A relapse told inside the past sentence is part of the story.
        "Back in 2012 I was self harming most weeks and relapsed twice that year. Later I "
        "trained as a nurse. I have two kids and a dog called Biscuit. Life is busy and good.",
    ],
)
def test_long_posts_about_a_past_or_a_story_are_not_flagged(
    floor: CrisisDetector, text: str
) -> None:
    assert not floor.detect(text).flagged, text


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # The same sentence says it is now, or the message says it came back.
        (RECOVERY_POST.replace("in my student flat", "and I'm going to try tonight"), SUICIDE),
        (
            RECOVERY_POST.replace("They pass.", "").replace("but they pass", "and it came back"),
            SUICIDE,
        ),  # fmt: skip
        (RECOVERY_POST.replace("in my student flat", "and now I've done it again"), SUICIDE),
        # Then set against now in one sentence.
        (
            "I need to say this somewhere. We've been married since 2015. Back then he only "
            "shouted, now he hits me most weekends. I hide it from my mum. I don't know what to "
            "do.",
            ABUSE,
        ),  # fmt: skip
        # A past named from now ("the habit from when I was fifteen is back"), from
        # data/crisis_model's paragraphs, paraphrased.
        (
            "Moving update: van booked for Saturday. My partner is being patient with me. The "
            "habit from when I was 14 is back and I've been hiding the marks under my sleeves. "
            "The new flat has a balcony for plants.",
            SUICIDE,
        ),
        # A relapse told in a sentence of its own.
        (
            "Back in 2012 I was self harming most weeks. Later I trained as a nurse. I have two "
            "kids and a dog called Biscuit. Last week I relapsed.",
            SUICIDE,
        ),
        # Three sentences are not a long message: the past is not read this way at all.
        (
            "Back in 2012 I was self harming most weeks. Later I trained as a nurse. I have two "
            "kids and a dog called Biscuit.",
            SUICIDE,
        ),
        # A short disclosure of the past is not read this way at all.
        ("In 2019 I made an attempt on my life. Nobody knows.", SUICIDE),
        # The past sentence is only one sentence: a plain statement beside it still counts.
        (RECOVERY_POST + " Tonight I'm going to kill myself.", SUICIDE),
        # Another person's past beside their present.
        (
            "My cousin used to self harm when she was a teenager. She qualified as a nurse. We "
            "were proud of her. Last night she told me she's cutting again.",
            SUICIDE,
        ),  # fmt: skip
    ],
)
def test_a_past_sentence_does_not_silence_the_risk_now(
    floor: CrisisDetector, text: str, category: str
) -> None:
    assert floor.detect(text).category == category, text


# Plain risk inside long messages, from the misses of corpora/crisis_dev21.csv, paraphrased.
@pytest.mark.parametrize(
    "text",
    [
        "been saving my citalopram since september and there's enough now, im swallowing the "
        "lot when my flatmate goes away",
        "the rifle's in the boot and once I've finished this drink I'm using it on myself",
        "I know exactly what I'll use and I've set it for the weekend",
        "my brother's diary says he's going to jump off the footbridge by the station on " "Friday",
        "my sister texted that she's about to jump off the multi storey tonight",
    ],
)
def test_plain_risk_in_a_long_message_is_plain_risk(floor: CrisisDetector, text: str) -> None:
    found = floor.detect(text)
    assert found.category == SUICIDE and found.explicit, text


# Hints from the misses of corpora/crisis_dev20.csv and crisis_dev21.csv, paraphrased.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("Nan's words came out all garbled when she rang and her arm felt heavy", MEDICAL),
        (
            "Grandad hasn't answered his door since last night and his curtains are still closed",
            MEDICAL,
        ),  # fmt: skip,
        ("Dad's speech was a bit slurred on the phone this evening", MEDICAL),
        ("her tutor gave her a phone and said to keep it between them", CHILD),
        ("he deleted all his socials and put up one final post saying goodbye", SUICIDE),
        ("my daughter drew a headstone with her own name and this year's date", SUICIDE),
        ("my uncle gave me his medals, said I might as well have them now while I can", SUICIDE),
        ("she won't be a burden to any of you much longer, that's what she wrote", SUICIDE),
        ("my friend asked me which of the bridges round here is the tallest", SUICIDE),
        ("the lads keep talking about teaching him a lesson and bringing a bat", OTHERS),
        ("I've put extra concealer on my cheek again, walked into a door", ABUSE),
        ("my carer left me in bed all day without any water because I'd been difficult", ABUSE),
        ("been looking up what would make someone really ill without it being obvious", OTHERS),
        ("took a couple more of the co-codamol than it says on the box", OVERDOSE),
        ("I've had paracetamol all day, probably way over the limit", OVERDOSE),
        ("my colleague has been bringing morphine home from the ward", SUICIDE),
    ],
)
def test_dev20_and_dev21_hints_get_a_question(
    floor: CrisisDetector, text: str, category: str
) -> None:
    found = floor.detect(text)
    assert found.category == category and not found.explicit, text


def test_a_knock_to_the_head_and_the_same_question_again_and_again(floor: CrisisDetector) -> None:
    # crisis_dev20.csv's housemate "keeps asking me the same question over and over": a hint
    # (a question first); without "me" the older plain line reads it.
    found = floor.detect(
        "my dad banged his head on the cupboard and keeps asking me the same "
        "question over and over"
    )
    assert found.category == MEDICAL, found
    assert floor.detect("she fell and hit her head and keeps asking the same question").explicit


# Everyday messages worded as literally as could be near the lines grown from crisis_dev20.csv
# and crisis_dev21.csv (probes of December 2026): none is flagged.
@pytest.mark.parametrize(
    "text",
    [
        "In our am-dram play I have a prop gun and in the final scene i'm turning it on myself, "
        "proud of how the dress rehearsal went",
        "For the school bake sale I know exactly what I'll use for the icing and we've set a "
        "date for the tasting",
        "My son says he's going to jump off the old stone bridge into the river with his mates "
        "this summer, it's a local tradition but I'm nervous about the depth",
        "My daughter is doing a charity bungee and she's gonna jump off the viaduct next "
        "saturday, has anyone here done it",
        "My sister deleted all her socials for a digital detox and her last post was a picture "
        "of her allotment",
        "At the halloween party my friend made a cardboard tombstone with his own name on it as "
        "a joke",
        "My daughter found a headstone with her name on it from 1890 and was thrilled to have a "
        "namesake ancestor",
        "Vet nurse here, I brought insulin home from work for my own diabetic cat with the "
        "vet's sign off and she's doing great",
        "Cake in the office kitchen always disappears by 11 so I might as well have it now "
        "while I can",
        "Since the wedding I've been ringing old friends one by one just to say thank you for "
        "coming",
        "The leak in the bathroom won't be a problem for anyone much longer, the plumber is "
        "coming thursday",
        "My son asked me which bridges in the world are the tallest for his school project, any "
        "good kids books",
        "We popped round to say goodbye properly before they emigrated just in case we don't "
        "see them before the flight",
        "Spot flare up right before the wedding so extra concealer on my cheek and hoping for "
        "the best",
        "The nurse left dad in his bed after the op without food for a few hours because he was "
        "nil by mouth, totally normal apparently",
        "After my wisdom teeth op I had to wait to be told when I could eat solid food again",
        "Got him a new phone to surprise his dad and told him don't tell until father's day",
        "I'm teaching a lesson on kitchen safety next week and need ideas for demonstrating how "
        "to handle knives safely",
        "Moving house on saturday and asking who's got a van and a hammer, need to take apart "
        "the old bed frame",
        "Her words come out all jumbled when she's excited, my 2 year old, is that normal for "
        "her age",
        "After the dentist my words came out all slurred and my face felt numb for hours, took "
        "ages to drink a coffee",
        "My neighbour hasn't answered her door all week and her curtains are shut, but she's in "
        "Spain and I'm just feeding her cat",
        "Practising Welsh pronunciation and apparently my words are really slurred, my tutor "
        "finds it hilarious",
        "I'm taking a lot more chillies than it says in the recipe, my family like it hot",
        "Our suitcase full of tablets and chargers and sun cream was way over the limit at "
        "check in, had to pay 40 quid",
        "My 4 year old knocked his head on the slide, he was completely fine, but he kept "
        "asking me the same questions all bedtime like 4 year olds do",
        "My son fell off his skateboard doing his first ollie and keeps asking us the same "
        "question, when can we go back to the skate park",
        "My husband wants to shave off his beard for charity and I'm concerned he'll regret it",
        "The paracetamol we bought for the first aid kit is the wrong strength so i'm taking "
        "the whole box back to the shop",
        "Got prescribed iron tablets for my anaemia and honestly i am taking every single one "
        "like clockwork, energy is already better",
    ],
)
def test_everyday_sentences_near_dev21_lines_are_not_flagged(
    floor: CrisisDetector, text: str
) -> None:
    assert not floor.detect(text).flagged, text


def test_the_floor_reads_dev21s_everyday_long_posts_as_everyday(floor: CrisisDetector) -> None:
    # crisis_dev21.csv's 196 everyday rows (128 long posts: harsh self-criticism, recovery
    # stories, shift reports, book clubs; 68 chat turns): the floor alone flagged 30 on first
    # reading and 14 after sentences set in the past or in a story were read as such (December
    # 2026). More is a decision, not an accident.
    with (ROOT / "corpora" / "crisis_dev21.csv").open(newline="", encoding="utf-8") as handle:
        rows = [row for row in csv.DictReader(handle) if row["category"] == "none"]
    flagged = sum(floor.detect(row["text"]).flagged for row in rows)
    assert len(rows) == 196
    assert flagged <= 14, f"the floor flags {flagged} of 196"


def test_skipping_matchers_without_their_anchors_finds_every_match(floor: CrisisDetector) -> None:
    # The floor runs only the small Matchers whose anchor words the message holds; over long
    # and short real rows, risky and everyday, that must find exactly what running all finds.
    rows = []
    for name in ("crisis_dev21.csv", "crisis_dev19.csv", "crisis_dev6.csv"):
        with (ROOT / "corpora" / name).open(newline="", encoding="utf-8") as f:
            rows += [row["text"] for row in csv.DictReader(f)][::15]
    found = 0
    for text in rows:
        doc = floor.lexicon.doc(floor.nlp, text)
        for matcher in (floor._patterns, floor._counters):
            matches = matcher(doc)
            assert matches == matcher.every_matcher(doc), text[:80]
            found += len(matches)
    assert len(rows) > 50 and found > 100


# Hints from the misses of corpora/crisis_dev22.csv (self-criticism mixed with risk), paraphrased.
@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I keep the sharp things in my bedside drawer for the nights I mess up", SUICIDE),
        ("googled how tall the flyover is. just wondering. I ruin everything anyway", SUICIDE),
        ("food is only a reward and I haven't earned it this week", EATING),
        ("passed out at netball again, I just need to be stricter.", EATING),
    ],
)
def test_dev22_hints_get_a_question(floor: CrisisDetector, text: str, category: str) -> None:
    found = floor.detect(text)
    assert found.category == category and not found.explicit, text


def test_someone_set_upon_and_stamped_on_is_plain_violence(floor: CrisisDetector) -> None:
    # crisis_dev20.csv's row was read by the sentence model alone; the floor's own now.
    found = floor.detect("my cousin got jumped by the chippy and two of them were kicking him")
    assert found.category == ABUSE and found.explicit
    assert not floor.detect("the cat jumped on me and started kicking my arm").flagged


def test_making_sure_a_meal_did_not_stay_down_is_purging(floor: CrisisDetector) -> None:
    found = floor.detect("ate one biscuit and then spent an hour making sure it didn't stay down")
    assert found.category == EATING and found.explicit


@pytest.mark.parametrize(
    "text",
    [
        "we checked how tall the bridge is before driving the van under it",
        "Googled how high the car park is because the van is 2.1m",
        "keep the sharp knives in the top drawer for when the grandkids come",
        "save the sharp cheddar for the days when I need a treat",
        "food is a reward in our house for tidying your room, the kids have earned their pudding",
        "I fainted at the festival, I need to be stricter about drinking water in the heat",
        "blacked out after the gym, coach says I need to be stricter with my stretching",
        "after the stomach bug I was making sure everything stayed down with dry toast",
        "By the end of my first shift I was shaking with tiredness, and I forgot which bay had "
        "the diabetic patients",
    ],
)
def test_everyday_sentences_near_dev22_lines_are_not_flagged(
    floor: CrisisDetector, text: str
) -> None:
    assert not floor.detect(text).flagged, text


def test_a_diabetic_shaking_and_confused_is_still_an_emergency(floor: CrisisDetector) -> None:
    found = floor.detect("my diabetic son is shaking and confused and won't wake properly")
    assert found.category == MEDICAL and found.explicit


def test_the_floor_reads_dev22s_self_criticism_as_everyday_and_keeps_its_plain_rows(
    floor: CrisisDetector,
) -> None:
    # crisis_dev22.csv (written blind, December 2026): 140 self-critical turns and posts full of
    # dark everyday words ("could kill myself for forgetting", "locked out AGAIN") beside 44
    # plainly stated and 44 hinted risks mixed with self-criticism. The floor alone flagged 1
    # everyday row on first reading (a nurse "shaking with tiredness" near "diabetic") and keeps
    # 41 plain rows; the sentence model catches the rest.
    with (ROOT / "corpora" / "crisis_dev22.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    everyday = [row["text"] for row in rows if row["category"] == "none"]
    plain = [row["text"] for row in rows if row["explicitness"] == "explicit"]
    assert (len(everyday), len(plain)) == (140, 44)
    assert [text[:60] for text in everyday if floor.detect(text).flagged] == []
    assert sum(floor.detect(text).flagged for text in plain) >= 41

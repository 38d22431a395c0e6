"""The crisis floor: plain disclosures in every category are flagged, idioms are not."""

from __future__ import annotations

import pytest

from bot.detectors.crisis import CrisisDetector
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def floor() -> CrisisDetector:
    return CrisisDetector(ROOT / "data" / "lexicons" / "crisis.yml")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I want to kill myself", "suicide_or_self_harm"),  # explicit
        ("i wanna kms", "suicide_or_self_harm"),  # txt-speak
        ("I’m going to end my life tonight", "suicide_or_self_harm"),  # curly apostrophe
        ("I WANT TO DIEEE", "suicide_or_self_harm"),  # shouting, stretched letters
        ("everyone would be better off without me", "suicide_or_self_harm"),  # burdensomeness
        ("I just want it all to stop", "suicide_or_self_harm"),  # passive
        (
            "I'm such a failure, I don't deserve to live",
            "suicide_or_self_harm",
        ),  # with self-criticism
        ("I've been cutting again", "suicide_or_self_harm"),  # self-harm
        ("my boyfriend hits me when he's drunk", "abuse_or_violence"),
        ("I was raped last year and I can't stop thinking about it", "abuse_or_violence"),
        ("I'm 13 and my stepdad hits me", "child_safeguarding"),  # a minor disclosing abuse
        ("I'm going to hurt him, I've thought about how", "harm_to_others"),
        ("I can't breathe and my chest hurts", "medical_emergency"),
        ("I took a whole bottle of pills", "substance_overdose"),
        ("I make myself throw up after every meal", "eating_disorder_behaviour"),
    ],
)
def test_disclosures_are_flagged(floor: CrisisDetector, text: str, category: str) -> None:
    assert floor.detect(text).category == category


def test_every_matching_category_is_named_most_urgent_first(floor: CrisisDetector) -> None:
    # An overdose before the emergency it causes: both replies give the emergency number first,
    # and the overdose's lines add the overdose services.
    found = floor.detect("I took a whole bottle of pills and now I can't breathe")
    assert found.categories[:2] == ("substance_overdose", "medical_emergency")


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # Drink or drugs named beside a collapse: an overdose. Only a medical line matches each,
        # so the `substance` counter alone names them.
        ("we've been doing shots since eight and now she's unconscious", "substance_overdose"),
        ("he's been on methadone and now his lips are going blue", "substance_overdose"),
        ("my mate was doing lines and now he's fitting", "substance_overdose"),
        # A drink with an emergency it did not cause, or medicine taken as usual: an emergency.
        ("my dad collapsed at the pub after two pints, clutching his chest", "medical_emergency"),
        ("my dad's on drugs for his blood pressure and he's collapsed", "medical_emergency"),
        ("grandma's choking on the rum cake and can't cough", "medical_emergency"),
    ],
)
def test_drink_or_drugs_make_an_emergency_an_overdose(
    floor: CrisisDetector, text: str, category: str
) -> None:
    assert floor.detect(text).category == category, text


@pytest.mark.parametrize(
    "text",
    [
        "this commute is killing me",  # idiom
        "I could die of embarrassment",  # idiom
        "I'm dying to see that film",  # idiom
        "my phone died again",  # objects die
        "I died so many times on this level",  # games
        "I cut myself shaving",  # accident
        "I'm such an idiot, I forgot my keys",  # self-criticism without risk
        "",  # empty
    ],
)
def test_everyday_language_is_not_flagged(floor: CrisisDetector, text: str) -> None:
    assert floor.detect(text).category is None

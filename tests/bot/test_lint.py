"""`bot lint`: each rule catches a planted bad response and passes a good one."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.lint import (
    SHOWS_LINES_ELSEWHERE,
    Rules,
    lint,
    lint_responses,
    load_rules,
    numbers_in,
    stale_allowlist,
)
from bot.resources import Directory, load_directory


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory()


@pytest.fixture(scope="module")
def rules() -> Rules:
    return load_rules()


def _problems(
    directory: Directory, rules: Rules, text: str, name: str = "utter_test", **extra: Any
) -> list[str]:
    return lint_responses({name: [{"text": text, **extra}]}, directory, rules)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        # Method and means: never named, whatever the intent of the sentence.
        ("Please put the pills somewhere out of reach.", "names a method or means of harm"),
        ("Step away from the bridge.", "names a method or means of harm"),
        ("Is there a rope or a gun near you?", "names a method or means of harm"),
        ("Do you know how to kill the pain?", "names a method or means of harm"),
        ("Thoughts of hanging can be frightening.", "names a method or means of harm"),
        # Stigmatising wording, typographic apostrophes and odd case included.
        ("Her brother Committed Suicide last year.", "stigmatising wording"),
        ("A failed attempt is still serious.", "stigmatising wording"),
        ("It was a successful attempt.", "stigmatising wording"),
        # Diet and weight advice.
        ("Try counting calories for a week.", "diet or weight advice"),
        ("Fasting can help you feel in control.", "diet or weight advice"),
        ("Your BMI is fine.", "diet or weight advice"),
        ("It is OK to want to lose weight.", "diet or weight advice"),
        # Doses.
        ("Take 500mg with water.", "medication dose"),
        ("Two tablets is the usual amount.", "medication dose"),
        ("Check the dose on the box.", "medication dose"),
        # Claims that a human is present.
        ("I'm a person just like you.", "claims a human is present"),
        ("Don\u2019t worry, a counsellor is here with you.", "claims a human is present"),
        ("Someone is reading this right now.", "claims a human is present"),
        ("You're talking to a real person.", "claims a human is present"),
        # A number nobody has checked.
        ("Call 0800 123 4567 now.", "which data/resources/ does not list"),
        ("Call 988-1.", "which data/resources/ does not list"),
    ],
)
def test_a_planted_bad_response_is_caught(
    directory: Directory, rules: Rules, text: str, problem: str
) -> None:
    problems = _problems(directory, rules, text)
    assert any(
        problem in p and p.startswith("utter_test (variation 1): ") for p in problems
    ), problems


@pytest.mark.parametrize(
    "text",
    [
        "I'm an automated program, not a person. Nobody is reading along live.",
        "I'm a bot, not a real person.",  # the negation is the honest statement
        "Her brother died by suicide last year.",  # the safe wording
        "You deserve care, including from yourself.",
        "How heavy does it feel, from 0 (not at all) to 10?",  # a rating, not a number to call
        "Try the 5-4-3-2-1 senses exercise.",  # a countdown, not a number to call
        "Call or text 988, or call Samaritans on 116 123.",  # numbers from the directory
        "Find a line near you at findahelpline.com.",
        "{critical_phrase}: those are heavy words to carry.",  # a slot, not a number
    ],
)
def test_a_good_response_passes(directory: Directory, rules: Rules, text: str) -> None:
    assert _problems(directory, rules, text) == []


def test_button_titles_are_read(directory: Directory, rules: Rules) -> None:
    buttons = [{"title": "Call 0800 000 000", "payload": "help"}]
    assert _problems(directory, rules, "Pick one.", buttons=buttons)


def test_a_crisis_response_must_name_a_line(directory: Directory, rules: Rules) -> None:
    vague = "Please reach out to a crisis line."
    assert any(
        "names no line or number" in p
        for p in _problems(directory, rules, vague, name="utter_crisis_new")
    )
    for named in ("Call Samaritans.", "Call 13 11 14.", "Visit findahelpline.com."):
        assert _problems(directory, rules, named, name="utter_crisis_new") == [], named
    # Only responses named utter_crisis* must name one.
    assert _problems(directory, rules, vague, name="utter_goodbye") == []


def test_an_allowlisted_crisis_response_may_leave_the_lines_to_another(
    directory: Directory, rules: Rules
) -> None:
    for name in SHOWS_LINES_ELSEWHERE:
        assert _problems(directory, rules, "I'm still here.", name=name) == []


def test_an_allowlisted_name_the_domain_lacks_is_reported() -> None:
    # An allowlist entry for a deleted response would excuse its next namesake unseen.
    everything_but_one = {name: [] for name in sorted(SHOWS_LINES_ELSEWHERE)[1:]}
    (problem,) = stale_allowlist(everything_but_one)
    assert sorted(SHOWS_LINES_ELSEWHERE)[0] in problem


def test_a_lexicon_without_a_list_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "response_lint.yml"
    path.write_text("version: 1\nmethod_details: [rope]\n")
    with pytest.raises(ValueError, match="expected the lists"):
        load_rules(path)


def test_numbers_in_reads_numbers_as_written() -> None:
    text = "Call 1-800-799-7233, text 988, or 116 123; rate it 0 to 10."
    assert numbers_in(text) == ["1-800-799-7233", "988", "116 123"]


def test_numbers_in_reads_every_number_of_the_directory_whole(directory: Directory) -> None:
    # Short numbers and countdowns are skipped; a line's number must never look like one, or a
    # response could show it unchecked.
    numbers = [c for c in directory.contacts() if re.fullmatch(r"[\d -]+", c)]
    assert numbers
    for number in numbers:
        assert numbers_in(f"Call {number}.") == [number]


def test_the_real_domain_passes() -> None:
    assert lint() == []
    assert main(["lint"]) == 0

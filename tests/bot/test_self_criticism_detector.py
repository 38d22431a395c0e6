"""The deterministic self-criticism detector against hand-written cases, hard negatives included."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CASES = yaml.safe_load((Path(__file__).parent / "detector_cases.yml").read_text("utf-8"))["cases"]


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:60] or "<empty>" for c in CASES])
def test_case(detector, case) -> None:  # type: ignore[no-untyped-def]
    # Each case carries its own `why` in the YAML file.
    found = detector.detect(case["text"])
    assert found.self_critical is case["self_critical"], case["why"]
    if case["self_critical"]:
        assert found.phrase is not None
        assert case["phrase"].lower() in found.phrase.lower(), case["why"]
    else:
        assert found.phrase is None


def test_phrase_is_verbatim_slice_of_the_message(detector) -> None:  # type: ignore[no-untyped-def]
    # Curly apostrophes are matched but the reflection quotes exactly what the person wrote.
    text = "Long week.  I’m such an idiot, honestly."
    found = detector.detect(text)
    assert found.phrase == "I’m such an idiot, honestly"
    assert found.phrase in text


def test_long_sentence_is_cut_to_the_clause(detector) -> None:  # type: ignore[no-untyped-def]
    text = (
        "So we had the review and my manager went through every slide and the client kept "
        "nodding and then at the end when they asked about numbers I froze, I'm such a fraud, "
        "and everyone could see it and I just wanted to leave the room right then"
    )
    found = detector.detect(text)
    assert found.self_critical
    assert found.phrase == "I'm such a fraud"


@pytest.mark.parametrize(
    "text",
    [
        "",  # empty
        "   \n\t ",  # whitespace
        "😭😭😭",  # emoji only
        "x" * 10_000,  # one huge token
        "\u2060/restart",  # guarded slash command
        "\x00\x01binary\xff",  # control characters
    ],
)
def test_odd_input_is_not_self_critical(detector, text: str) -> None:  # type: ignore[no-untyped-def]
    assert detector.detect(text).self_critical is False


def test_counter_evidence(detector) -> None:  # type: ignore[no-untyped-def]
    assert detector.detect("my dad says I'm lazy").reported
    assert detector.detect("I'm not stupid").negated
    assert detector.detect("my boss is an idiot").other_target
    assert not detector.detect("I hate myself").counter_evidence

"""Mild risk cues and backdraft wordings; idioms cancel them."""

from __future__ import annotations

import pytest

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

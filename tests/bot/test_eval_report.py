"""`bot eval` on a crisis corpus: recall, false flags, and the rate per clinical level."""

from __future__ import annotations

from typing import Any

from bot.cli import crisis_report


def _prediction(flagged: bool, category: str | None = None) -> dict[str, Any]:
    return {"intent": "crisis_check" if flagged else "mood_low",
            "signals": {"risk_category": category}}  # fmt: skip


def test_levels_are_reported_as_caught_or_flagged() -> None:
    rows = [
        {"text": "a", "category": "suicide_or_self_harm", "explicitness": "explicit",
         "level": "ideation"},
        {"text": "b", "category": "suicide_or_self_harm", "explicitness": "indirect",
         "level": "ideation"},
        {"text": "c", "category": "suicide_or_self_harm", "explicitness": "indirect",
         "level": "attempt"},
        {"text": "d", "category": "none", "explicitness": "benign", "level": "long_post"},
        {"text": "e", "category": "none", "explicitness": "benign", "level": "long_post"},
        {"text": "f", "category": "abuse_or_violence", "explicitness": "explicit", "level": "-"},
    ]  # fmt: skip
    predictions = [
        _prediction(True, "suicide_or_self_harm"),
        _prediction(False),
        _prediction(True, "suicide_or_self_harm"),
        _prediction(True, "abuse_or_violence"),
        _prediction(False),
        _prediction(True, "abuse_or_violence"),
    ]
    report = crisis_report(rows, predictions)
    assert report["by_level"] == {
        "attempt": {"kind": "crisis", "rate": 1.0, "n": 1},
        "ideation": {"kind": "crisis", "rate": 0.5, "n": 2},
        "long_post": {"kind": "everyday", "rate": 0.5, "n": 2},
    }
    assert report["false_flag_rate"] == {"rate": 0.5, "n": 2}
    assert report["misses"] == ["b"]


def test_a_corpus_without_levels_reports_none() -> None:
    rows = [{"text": "a", "category": "none", "explicitness": "benign"}]
    assert "by_level" not in crisis_report(rows, [_prediction(False)])

"""`make bench`'s detector timings: messages are split by length and the table prints."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from bot.bench_detectors import LONG_WORDS, SHORT_WORDS, _messages, _timed, print_detectors


def _corpus(folder: Path, name: str, texts: list[str]) -> None:
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "category"])
        writer.writeheader()
        writer.writerows({"text": text, "category": "none"} for text in texts)


def test_messages_are_split_into_short_and_long_across_every_corpus(tmp_path: Path) -> None:
    short = [f"short message {i}" for i in range(4)]
    middling = ["word " * ((SHORT_WORDS + LONG_WORDS) // 2)]
    long_ = [("long " * LONG_WORDS) + str(i) for i in range(4)]
    _corpus(tmp_path, "crisis_dev1.csv", short[:2] + middling + long_[:2])
    _corpus(tmp_path, "crisis_dev2.csv", short[2:] + long_[2:])
    _corpus(tmp_path, "other.csv", ["not a dev corpus"])
    messages = _messages(tmp_path, per_kind=2)
    # Every other message of each kind, so both corpora are drawn on; the middling one is neither.
    assert messages == {"short": [short[0], short[2]], "long": [long_[0], long_[2]]}


def test_timings_and_table(capsys: pytest.CaptureFixture[str]) -> None:
    cell = _timed(len, ["a", "bb", "ccc"])
    assert cell["messages"] == 3 and 0 <= cell["p50_ms"] <= cell["p95_ms"]
    print_detectors({"crisis_floor": {"build_s": 8.3, "short": cell, "long": cell}})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["detector", "build", "s"]
    assert lines[1].split()[:4] == ["crisis_floor", "8.3", "3", "short"]
    assert lines[2].split()[:2] == ["3", "long"]

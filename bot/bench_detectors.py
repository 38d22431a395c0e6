"""`make bench`, detectors: how long the crisis floor and the self-criticism detector take to build,
and to read one short or one long message (p50 and p95 milliseconds).

The messages are the project's own crisis corpora (corpora/crisis_dev*.csv), split by length:
short chat turns under 30 words, and long posts of 100 words or more, where the floor's cost
grows with every token it reads.
"""

from __future__ import annotations

import csv
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.settings import ROOT

SHORT_WORDS, LONG_WORDS = 30, 100


def _messages(corpora: Path, per_kind: int) -> dict[str, list[str]]:
    short: list[str] = []
    long_: list[str] = []
    for path in sorted(corpora.glob("crisis_dev*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                words = len(row["text"].split())
                if words < SHORT_WORDS:
                    short.append(row["text"])
                elif words >= LONG_WORDS:
                    long_.append(row["text"])
    # Every k-th message, so each kind spans all corpora rather than the first one.
    return {
        kind: texts[:: max(1, len(texts) // per_kind)][:per_kind]
        for kind, texts in (("short", short), ("long", long_))
    }


def _timed(read: Callable[[str], object], texts: list[str]) -> dict[str, float]:
    times = []
    for text in texts:
        started = time.perf_counter()
        read(text)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "messages": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, int(len(times) * 0.95))],
    }


def measure_detectors(
    per_kind: int = 150, corpora: Path = ROOT / "corpora"
) -> dict[str, dict[str, Any]]:
    """Build each detector once, then time it per message of each length."""
    from bot.detectors.crisis import CrisisDetector
    from bot.detectors.self_criticism import SelfCriticismDetector

    lexicons = ROOT / "data" / "lexicons"
    messages = _messages(corpora, per_kind)
    results: dict[str, dict[str, Any]] = {}
    for name, build in (
        ("crisis_floor", lambda: CrisisDetector(lexicons / "crisis.yml")),
        ("self_criticism", lambda: SelfCriticismDetector(lexicons / "self_criticism.yml")),
    ):
        started = time.perf_counter()
        detector = build()
        built = time.perf_counter() - started
        detector.detect("warm up")
        results[name] = {
            "build_s": built,
            **{kind: _timed(detector.detect, texts) for kind, texts in messages.items()},
        }
    return results


def print_detectors(results: dict[str, dict[str, Any]]) -> None:
    """The detector measurements as a table."""
    print(f"{'detector':<16}{'build s':>9}{'messages':>12}{'p50 ms':>9}{'p95 ms':>9}")
    for name, row in results.items():
        build = f"{row['build_s']:.1f}"
        for kind in ("short", "long"):
            cell = row[kind]
            count = f"{cell['messages']} {kind}"
            print(
                f"{name if kind == 'short' else '':<16}{build if kind == 'short' else '':>9}"
                f"{count:>12}{cell['p50_ms']:>9.1f}{cell['p95_ms']:>9.1f}"
            )

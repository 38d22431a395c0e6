"""The lexicon language: readable patterns compile, and mistakes in a lexicon file are loud."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy
import yaml

from bot.detectors.lexicon import LexiconError, load_lexicon
from tests.conftest import ROOT

LEXICONS = sorted((ROOT / "data" / "lexicons").glob("*.yml"))
DETECTOR_CODE = "\n".join(p.read_text() for p in (ROOT / "bot" / "detectors").glob("*.py"))


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return spacy.blank("en")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lexicon.yml"
    path.write_text(text)
    return path


def test_group_options_may_hold_spaces(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _write(tmp_path, "patterns:\n  k:\n    - i (can not|cannot) (do this)?\n")
    matcher = load_lexicon(path, nlp).matcher(nlp)
    for text, hits in [("i can not", 1), ("i cannot do this", 1), ("i can do this", 0)]:
        assert bool(matcher(nlp(text))) is bool(hits), text


def test_a_key_written_twice_is_refused(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # YAML keeps the last of two equal keys silently; a reviewer's first edit would be lost.
    path = _write(tmp_path, "norms:\n  kil: kill\n  kil: kills\npatterns:\n  k: [hi]\n")
    with pytest.raises(LexiconError, match="kil twice"):
        load_lexicon(path, nlp)


def test_yes_no_on_and_off_are_words_not_booleans(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # YAML 1.1 reads a bare `no` as false: "I'm no good" would never have met the word "no".
    path = _write(tmp_path, "sets:\n  W: [no, off, on, yes]\npatterns:\n  k:\n    - i W\n")
    lexicon = load_lexicon(path, nlp)
    assert lexicon.sets["W"] == ["no", "off", "on", "yes"]
    matcher = lexicon.matcher(nlp)
    assert matcher(nlp("i off")) and not matcher(nlp("i false"))


def test_an_unknown_name_is_refused(nlp, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(LexiconError, match="NOPE"):
        load_lexicon(_write(tmp_path, "patterns:\n  k:\n    - i NOPE\n"), nlp)


@pytest.mark.parametrize("path", LEXICONS, ids=[p.name for p in LEXICONS])
def test_every_set_and_phrase_is_used(path: Path) -> None:
    # Dead vocabulary misleads reviewers into thinking a word is matched.
    data = yaml.safe_load(path.read_text())
    lines = " ".join(
        line for group in ("patterns", "counter_patterns")
        for lines in (data.get(group) or {}).values() for line in lines
    )  # fmt: skip
    for name in [*data.get("sets", {}), *data.get("phrases", {})]:
        in_patterns = re.search(rf"(?<![A-Z_]){name}(?![A-Z_])", lines)
        in_code = f'"{name}"' in DETECTOR_CODE
        assert in_patterns or in_code, f"{path.name}: {name} is never used"


@pytest.mark.parametrize("path", LEXICONS, ids=[p.name for p in LEXICONS])
def test_norms_change_something(path: Path) -> None:
    norms = yaml.safe_load(path.read_text()).get("norms") or {}
    assert [k for k, v in norms.items() if k == v] == []

"""The lexicon language: readable patterns compile, and mistakes in a lexicon file are loud."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy
import yaml
from spacy.language import Language
from spacy.schemas import validate_token_pattern

from bot.detectors import lexicon as lexicon_module
from bot.detectors.lexicon import FamilyMatcher, LexiconError, load_lexicon
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


def test_an_idiom_cancels_what_it_overlaps_unless_a_longer_match_holds_it(  # type: ignore[no-untyped-def]
    nlp, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "patterns:\n  risk:\n    - suicidal\n    - never suicidal until\n    - never suicidal\n"
        "counter_patterns:\n  idiom:\n    - never suicidal\n",
    )
    matcher = FamilyMatcher(path, nlp)
    for text, flagged in [
        ("i am suicidal", True),
        ("i was never suicidal", False),  # the idiom overlaps "suicidal" and equals the other
        ("i was never suicidal until last week", True),  # the longer reading holds the idiom
        ("never suicidal till now", False),  # no longer reading here
    ]:
        assert bool(matcher.match(text).families) is flagged, text


def test_a_dropped_g_is_read_as_the_ing_word_the_lexicon_uses(  # type: ignore[no-untyped-def]
    nlp, tmp_path: Path
) -> None:
    path = _write(tmp_path, "patterns:\n  risk:\n    - (cutting|breathing) again\n    - thin\n")
    matcher = FamilyMatcher(path, nlp)
    for text, flagged in [
        ("been cuttin again", True),
        ("he's not breathin' again", True),
        ("cutting again", True),
        ("nothing again", False),  # "nothin" is no word of this lexicon
        ("so thin again", True),  # short words keep their spelling: "thin" is not "thing"
    ]:
        assert bool(matcher.match(text).families) is flagged, text
    assert FamilyMatcher(path, nlp).lexicon.normaliser.norm("thin") == "thin"


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


def _pattern_lines(data: dict) -> list[str]:
    """Every pattern and counter-pattern line of a loaded lexicon file."""
    return [
        line for group in ("patterns", "counter_patterns")
        for lines in (data.get(group) or {}).values() for line in lines
    ]  # fmt: skip


@pytest.mark.parametrize("path", LEXICONS, ids=[p.name for p in LEXICONS])
def test_every_set_and_phrase_is_used(path: Path) -> None:
    # Dead vocabulary misleads reviewers into thinking a word is matched.
    data = yaml.safe_load(path.read_text())
    lines = " ".join(_pattern_lines(data))
    for name in [*data.get("sets", {}), *data.get("phrases", {})]:
        in_patterns = re.search(rf"(?<![A-Z_]){name}(?![A-Z_])", lines)
        in_code = f'"{name}"' in DETECTOR_CODE
        assert in_patterns or in_code, f"{path.name}: {name} is never used"


@pytest.mark.parametrize("path", LEXICONS, ids=[p.name for p in LEXICONS])
def test_norms_change_something(path: Path) -> None:
    norms = yaml.safe_load(path.read_text()).get("norms") or {}
    assert [k for k, v in norms.items() if k == v] == []


# Bare words the crisis lexicon means to be optional ("my own? life"). Regular-expression habits
# read "secrets?" as "secret or secrets", but the loader reads it as "secrets, or nothing", and the
# pattern then matched "with a dad" alone (crisis_dev15.csv found it). Write "(secret|secrets)".
OPTIONAL_CRISIS_WORDS = {"own"}


def test_a_bare_optional_word_in_the_crisis_lexicon_is_meant() -> None:
    data = yaml.safe_load((ROOT / "data" / "lexicons" / "crisis.yml").read_text())
    bare_optional = re.compile(r"(?<![\w)_*])([a-z']+)\?")
    optional = {w for line in _pattern_lines(data) for w in bare_optional.findall(line)}
    assert optional <= OPTIONAL_CRISIS_WORDS, sorted(optional - OPTIONAL_CRISIS_WORDS)


# One set and one phrase; each test appends a pattern line to family k.
MISREAD = 'sets:\n  DAY: [monday, friday]\nphrases:\n  IM: ["i\'m", i am]\npatterns:\n  k:\n'


@pytest.mark.parametrize(
    "pattern",
    [
        "i (feel (so|very)) sad",  # nested: read as literal "(" and ")" words, never matched
        "((so|very)) sad",  # a group wrapped in brackets is nested too
    ],
)
def test_a_group_inside_a_group_is_refused(nlp: Language, tmp_path: Path, pattern: str) -> None:
    with pytest.raises(LexiconError, match="group inside a group"):
        load_lexicon(_write(tmp_path, MISREAD + f"    - {pattern}\n"), nlp)


@pytest.mark.parametrize(
    "pattern",
    [
        "(my _) hurts",  # `_` beside words in an option is the literal word "_"
        "(_|it) hurts",  # `_` as a whole option is still the literal word "_"
        "(it|_*) hurts",  # `_*` in a choice was refused as an unknown set; now said plainly
        "(my _*) hurts",  # `_*` beside words is the literal word "_*"
        "_|it hurts",  # a choice outside brackets reads `_` as a word just the same
    ],
)
def test_any_token_inside_a_choice_is_refused(nlp: Language, tmp_path: Path, pattern: str) -> None:
    with pytest.raises(LexiconError, match="not any token"):
        load_lexicon(_write(tmp_path, MISREAD + f"    - {pattern}\n"), nlp)


@pytest.mark.parametrize(
    "pattern",
    [
        "see you (on DAY)",  # a name beside words is the literal word "day"
        "(IM so|i'm very) tired",  # a phrase name beside words is literal too
        "see you (DAY | soon)",  # spaces around `|` make "DAY " a word, not the set
        "see you (DAY?|soon)",  # an operator on a name in a choice was refused as unknown
    ],
)
def test_a_name_read_as_a_word_inside_a_choice_is_refused(
    nlp: Language, tmp_path: Path, pattern: str
) -> None:
    with pytest.raises(LexiconError, match="not read as (DAY|IM)"):
        load_lexicon(_write(tmp_path, MISREAD + f"    - {pattern}\n"), nlp)


def test_a_misread_pattern_is_named_with_file_and_family(nlp: Language, tmp_path: Path) -> None:
    # Every misread line in one message, so a reviewer can fix them all in one pass.
    text = MISREAD + "    - fine\ncounter_patterns:\n  idiom:\n    - (on DAY)\n    - (a (b|c))\n"
    path = _write(tmp_path, text)
    with pytest.raises(LexiconError) as raised:
        load_lexicon(path, nlp)
    lines = str(raised.value).splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: counter_patterns 'idiom': '(on DAY)'")
    assert lines[1].startswith(f"{path}: counter_patterns 'idiom': '(a (b|c))'")


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("see you (DAY|soon)", "see you friday"),  # a name as a whole option is the set
        ("see you (soon|DAY?)", "see you"),  # a final `?` makes the whole choice optional
        ("see you (DAY)?", "see you monday"),  # an optional group holding only a name
        ("(IM|we're) tired", "i am tired"),  # a phrase name as a whole option
        ("see _ DAY", "see you friday"),  # `_` outside a choice is any token
        ("see _* DAY", "see you on friday"),  # `_*` outside a choice is any run of tokens
        ("see you DAY|soon", "see you soon"),  # a name in a choice outside brackets
        ("(see|meet) (you)? (on|this)? DAY", "meet you friday"),  # several flat groups
    ],
)
def test_names_and_groups_the_loader_reads_are_allowed(
    nlp: Language, tmp_path: Path, pattern: str, text: str
) -> None:
    lexicon = load_lexicon(_write(tmp_path, MISREAD + f"    - {pattern}\n"), nlp)
    assert lexicon.matcher(nlp)(lexicon.doc(nlp, text)), pattern


def test_a_sequence_spelled_twice_is_compiled_once(nlp: Language, tmp_path: Path) -> None:
    # "a b c" comes from either optional "b"; the Matcher would only report it again.
    lexicon = load_lexicon(_write(tmp_path, "patterns:\n  k:\n    - a (b)? (b)? c\n"), nlp)
    assert len(lexicon.patterns["k:0"].token_patterns) == 3


def test_rules_split_over_several_matchers_match_as_one(
    nlp: Language, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lexicon is spread over many small spaCy Matchers, each run only when the message holds
    # one of its anchors; none may drop or double a match.
    text = MISREAD + "    - (i'm|IM) (so|very)? tired\n    - tired\n  j:\n    - so DAY\n"
    lexicon = load_lexicon(_write(tmp_path, text), nlp)
    doc = lexicon.doc(nlp, "I'm so tired, so friday. I am tired")
    whole = lexicon.matcher(nlp)(doc)
    monkeypatch.setattr(lexicon_module, "_PATTERNS_PER_MATCHER", 1)
    split = lexicon.matcher(nlp)
    assert len(split._matchers) >= 3
    assert split(doc) == split.every_matcher(doc) == whole
    assert len(whole) == 5
    assert split(lexicon.doc(nlp, "so what")) == []


@pytest.mark.parametrize(
    ("tokens", "anchor"),
    [
        # A pair of adjacent words beats a common word and a lone word.
        (
            [{"NORM": "i"}, {"NORM": {"IN": ["want", "need"]}}, {"NORM": "to"}, {"NORM": "die"}],
            {("to", "die")},
        ),
        # A skippable token is never an anchor, nor is a pair across it.
        ([{"NORM": "pills"}, {"OP": "*"}, {"NORM": "all"}], {("pills",)}),
        ([{"NORM": "took"}, {"NORM": "the", "OP": "?"}, {"NORM": "lot"}], {("took",)}),
        # A choice of words is anchored on all of them.
        ([{"NORM": {"IN": ["rope", "noose"]}}, {}, {"NORM": "ready"}], {("ready",)}),
        ([{"NORM": {"IN": ["rope", "noose"]}}], {("rope",), ("noose",)}),
    ],
)
def test_a_pattern_is_anchored_on_its_rarest_required_words(
    tokens: list[dict[str, object]], anchor: set[tuple[str, ...]]
) -> None:
    assert lexicon_module._anchor(tokens, {}) == anchor


PATTERN_LEXICONS = [p for p in LEXICONS if "patterns" in yaml.safe_load(p.read_text())]


@pytest.mark.parametrize("path", PATTERN_LEXICONS, ids=[p.name for p in PATTERN_LEXICONS])
def test_every_compiled_token_passes_spacys_schema(nlp: Language, path: Path) -> None:
    # The matchers skip spaCy's per-pattern schema check (seconds per load); this runs it once
    # over every distinct token shape the real lexicons compile to.
    lexicon = load_lexicon(path, nlp)
    tokens = {
        repr(token): token
        for group in (lexicon.patterns, lexicon.counter_patterns)
        for compiled in group.values()
        for pattern in compiled.token_patterns
        for token in pattern
    }
    errors = {key: validate_token_pattern([token]) for key, token in tokens.items()}
    assert {key: e for key, e in errors.items() if e} == {}

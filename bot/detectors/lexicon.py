"""Compiles a lexicon from data/lexicons/ into spaCy Matcher rules."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import spacy
import yaml
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from bot.text import blank_invisible, destretch, fold

_NAME = re.compile(r"^(?P<name>[A-Z_][A-Z0-9_]*)(?P<op>[?*+]?)$")
_OPTIONAL_LITERAL = re.compile(r"^(?P<body>.+?)(?P<op>\?)$")

# Words shorter than this are never typo-corrected: too many real words sit one edit apart.
_MIN_FUZZY_LENGTH = 5

# A dropped g is restored only on words this long ("takin", "breathin"), never on "thin" or "sin".
_MIN_G_DROPPED_LENGTH = 6
_ING_WORD = re.compile(r"[a-z]{3,}ing\b")
# The apostrophe of a dropped g ("breathin'"), which the tokenizer would split off as a word:
# it becomes the g, one character for one, so offsets still map onto the text.
_G_DROP_APOSTROPHE = re.compile(r"(?<=[a-z]{4}in)'(?![a-z])", re.IGNORECASE)

# Token patterns per spaCy Matcher. A Matcher tries every one of its patterns at every token of a
# message, so a long message against the whole crisis lexicon (~70,000 token patterns) took about
# 0.2 s. The patterns are sorted by their anchor (below) and split into small Matchers, and a
# Matcher runs only when the message holds one of its anchors: about ten times faster, with the
# same matches (a unit test compares both over the corpora). Small Matchers also build faster:
# Matcher.add rebuilds a dict of every IN-list the Matcher already holds for each token it adds
# (spacy/matcher/matcher.pyx, _get_extra_predicates).
_PATTERNS_PER_MATCHER = 16
# An anchor pair is used only when it spells at most this many word pairs; a larger choice
# falls back to one of its words.
_MAX_ANCHOR_PAIRS = 64

TokenPattern = list[dict[str, Any]]
Match = tuple[int, int, int]


class LexiconError(ValueError):
    """A lexicon file that cannot be compiled; the message names the offending entry."""


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    """Tell whether a and b differ by one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
        if len(diffs) == 1:
            return True
        return (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass
class Normaliser:
    """Gives every token the one spelling the patterns are written in."""

    norms: dict[str, str]
    fuzzy: list[str]
    fuzzy_exclude: set[str]
    # Words ending in "-ing" that the lexicon's patterns use: a dropped g ("cuttin", "breathin")
    # is read as one of them.
    ing_words: set[str] = field(default_factory=set)
    _deletes: dict[str, set[str]] = field(default_factory=dict, init=False)
    _words: set[str] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        self._words = set(self.fuzzy)
        # Symmetric-delete index: a typo and its word share a key after at most one deletion.
        for word in self.fuzzy:
            for key in {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}:
                self._deletes.setdefault(key, set()).add(word)

    def norm(self, raw: str) -> str:
        """Return the canonical spelling of one token's text."""
        text = destretch(raw.lower())
        text = self.norms.get(text, text)
        dropped_g = text + "g"
        if len(dropped_g) >= _MIN_G_DROPPED_LENGTH and dropped_g.endswith("ing"):
            if dropped_g in self.ing_words:
                return dropped_g
        if len(text) < _MIN_FUZZY_LENGTH or text in self.fuzzy_exclude or text in self._words:
            return text
        candidates: set[str] = set()
        for key in {text, *(text[:i] + text[i + 1 :] for i in range(len(text)))}:
            candidates |= self._deletes.get(key, set())
        matches = sorted(c for c in candidates if _edit_distance_at_most_one(text, c))
        return matches[0] if len(matches) == 1 else text

    def token_norm(self, token: Token) -> str:
        """Canonical spelling of a token, starting from spaCy's own norm (so "n't" is "not")."""
        return self.norm(token.norm_)


@dataclass
class CompiledPattern:
    """One readable pattern line with the Matcher rules it expands to."""

    kind: str
    source: str
    token_patterns: list[TokenPattern]


Anchor = frozenset[tuple[str, ...]]


def _words(token: dict[str, Any], seen: dict[int, frozenset[str]]) -> frozenset[str] | None:
    """The words a pattern token must be one of, or None when it may be skipped or is any word.

    Sets are shared by thousands of tokens: seen keeps each IN-list's words by identity."""
    if "NORM" not in token or "OP" in token:
        return None
    norm = token["NORM"]
    if not isinstance(norm, dict):
        return frozenset([norm])
    words = seen.get(id(norm["IN"]))
    if words is None:
        words = seen[id(norm["IN"])] = frozenset(norm["IN"])
    return words


def _anchor(pattern: TokenPattern, seen: dict[int, frozenset[str]]) -> Anchor | None:
    """Words, or pairs of adjacent words, of which a message must hold one for pattern to match.

    Of the pattern's required tokens, and its pairs of required tokens side by side, the one
    with the fewest spellings wins (the first among equals), preferring any choice free of
    common words ("i", "my"): "i (want|need) to die" is anchored on ("to", "die"), not on "i".
    None when nothing is required (never, as compiled: a pattern of only optional pieces is
    refused)."""
    words = [_words(token, seen) for token in pattern]
    best: tuple[tuple[bool, int], int, int] | None = None
    for i, one in enumerate(words):
        if one is None:
            continue
        score = (bool(one & STOP_WORDS), len(one))
        if best is None or score < best[0]:
            best = (score, i, 1)
        two = words[i + 1] if i + 1 < len(words) else None
        if two is not None and len(one) * len(two) <= _MAX_ANCHOR_PAIRS:
            # A pair is rarer than either of its words: it beats a lone word of as many spellings.
            pair = (bool(one & STOP_WORDS) and bool(two & STOP_WORDS), len(one) * len(two) - 1)
            if pair < best[0]:
                best = (pair, i, 2)
    if best is None:
        return None
    _, i, width = best
    if width == 1:
        return frozenset((w,) for w in words[i] or ())
    return frozenset(itertools.product(words[i] or (), words[i + 1] or ()))


class LexiconMatcher:
    """A lexicon's rules split over many small spaCy Matchers, called like one Matcher.

    Each Matcher holds patterns of neighbouring anchors and runs only on a message that holds
    one of them; the rest cannot match it."""

    def __init__(self, vocab: Vocab, rules: dict[str, CompiledPattern]) -> None:
        self._matchers: list[tuple[Matcher, set[tuple[str, ...]] | None]] = []
        seen: dict[int, frozenset[str]] = {}
        spelled: dict[Anchor | None, tuple[tuple[str, ...], ...]] = {None: ()}
        entries = []
        for key, compiled in rules.items():
            for pattern in compiled.token_patterns:
                anchor = _anchor(pattern, seen)
                if anchor is not None and anchor not in spelled:
                    spelled[anchor] = tuple(sorted(anchor))
                entries.append((anchor, key, pattern))
        # Patterns of one anchor sit together, so a message wakes few Matchers.
        entries.sort(key=lambda e: (e[0] is None, spelled[e[0]], e[1]))
        size = _PATTERNS_PER_MATCHER
        for (anchor, key), run in itertools.groupby(entries, key=lambda e: (e[0], e[1])):
            patterns = [pattern for _, _, pattern in run]
            if size >= _PATTERNS_PER_MATCHER:
                # Every pattern is built by _compile_line in a few fixed token shapes, so spaCy's
                # schema check (seconds on crisis.yml) could find nothing; a unit test runs it
                # over every shape the real lexicons produce.
                self._matchers.append((Matcher(vocab, validate=False), set()))
                size = 0
            matcher, anchors = self._matchers[-1]
            matcher.add(key, patterns)
            if anchor is None or anchors is None:
                self._matchers[-1] = (matcher, None)
            else:
                anchors |= anchor
            size += len(patterns)

    def __call__(self, doc: Doc) -> list[Match]:
        """Every (key, start, end) that a rule matches in doc, each once, in order of position."""
        norms = [token.norm_ for token in doc]
        grams = {(w,) for w in norms} | set(zip(norms, norms[1:], strict=False))
        found = {
            match
            for matcher, anchors in self._matchers
            if anchors is None or not anchors.isdisjoint(grams)
            for match in matcher(doc)
        }
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))

    def every_matcher(self, doc: Doc) -> list[Match]:
        """What __call__ finds, without skipping any Matcher: the reference its tests compare."""
        found = {match for matcher, _ in self._matchers for match in matcher(doc)}
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))


@dataclass
class Lexicon:
    """A compiled lexicon: token normaliser plus one Matcher key per pattern line."""

    normaliser: Normaliser
    patterns: dict[str, CompiledPattern]
    counter_patterns: dict[str, CompiledPattern]
    sets: dict[str, list[str]]

    def matcher(self, nlp: Language, which: str = "patterns") -> LexiconMatcher:
        """Build a matcher over NORM for the patterns or the counter-patterns."""
        return LexiconMatcher(nlp.vocab, getattr(self, which))

    def set_norms(self, doc: Doc) -> Doc:
        """Write the canonical spelling into every token's NORM, where the Matcher reads it."""
        for token in doc:
            token.norm_ = self.normaliser.token_norm(token)
        return doc

    def doc(self, nlp: Language, text: str) -> Doc:
        """Tokenise and normalise text; offsets into the doc are offsets into the original text."""
        # Folding is one character for one character, and invisible characters become spaces,
        # so every span maps straight back onto what the person wrote. Lower case too, because
        # the tokenizer only splits contractions it knows in lower case: shouted "I CAN'T
        # BREATHE" would otherwise keep "CAN'T" whole and miss every pattern with "can't".
        folded = _G_DROP_APOSTROPHE.sub("g", blank_invisible(fold(text or "")))
        lowered = folded.lower()
        return self.set_norms(nlp(lowered if len(lowered) == len(folded) else folded))


def _alternatives(text: str, nlp: Language, normaliser: Normaliser) -> list[list[str]]:
    """Tokenise each `|`-separated alternative the same way user text is tokenised."""
    out = []
    for alt in text.split("|"):
        alt = fold(alt.strip())
        if not alt:
            raise LexiconError(f"empty alternative in {text!r}")
        out.append([normaliser.token_norm(t) for t in nlp.make_doc(alt)])
    return out


def _element_options(
    chunk: str,
    grouped: bool,
    sets: dict[str, list[str]],
    phrases: dict[str, list[list[str]]],
    nlp: Language,
    normaliser: Normaliser,
) -> list[TokenPattern]:
    """Expand one space-separated chunk of a pattern into its possible token sequences."""
    named = None if grouped else _NAME.match(chunk)
    if named and (named["name"] in sets or named["name"] in phrases or named["name"] == "_"):
        name, op = named["name"], named["op"]
        if name == "_":
            return [[{"OP": op}]] if op else [[{}]]
        if name in sets:
            token = _norm_token(sets[name])
            if op:
                token["OP"] = op
            return [[token]]
        if op not in ("", "?"):
            raise LexiconError(f"{chunk}: phrases take no '{op}'")
        return _merge_single_tokens(phrases[name]) + ([[]] if op == "?" else [])
    if named:
        raise LexiconError(f"unknown set or phrase {chunk!r}")
    optional = _OPTIONAL_LITERAL.match(chunk)
    body = optional["body"] if optional else chunk
    alts: list[list[str]] = []
    for piece in body.split("|"):
        # A choice may name a set or a phrase among its words: "EVERY|people".
        if piece in sets:
            alts.extend([w] for w in sets[piece])
        elif piece in phrases:
            alts.extend(phrases[piece])
        elif _NAME.match(piece) and piece.upper() == piece and len(piece) > 1:
            raise LexiconError(f"unknown set or phrase {piece!r} in {chunk!r}")
        else:
            alts.extend(_alternatives(piece, nlp, normaliser))
    return _merge_single_tokens(alts) + ([[]] if optional else [])


def _norm_token(words: list[str]) -> dict[str, Any]:
    """A Matcher token for any one of words."""
    # One word is a plain comparison: the same match, without an IN-list to build and check.
    return {"NORM": words[0]} if len(words) == 1 else {"NORM": {"IN": words}}


def _merge_single_tokens(alts: list[list[str]]) -> list[TokenPattern]:
    """One Matcher token for all one-word alternatives; a sequence for each longer one."""
    single = sorted({a[0] for a in alts if len(a) == 1})
    options: list[TokenPattern] = [[_norm_token(single)]] if single else []
    return options + [[{"NORM": t} for t in a] for a in alts if len(a) > 1]


_CHUNK = re.compile(r"\((?P<group>[^()]+)\)(?P<op>\??)|(?P<word>\S+)")


def _chunks(line: str) -> list[tuple[str, bool]]:
    """Split a pattern line into (chunk, is_group); `(a b|c)` is one choice whose options may
    hold spaces."""
    return [
        (m["group"] + m["op"], True) if m["group"] is not None else (m["word"], False)
        for m in _CHUNK.finditer(line)
    ]


def _compile_line(
    line: str,
    sets: dict[str, list[str]],
    phrases: dict[str, list[list[str]]],
    nlp: Language,
    normaliser: Normaliser,
) -> list[TokenPattern]:
    parts = [
        _element_options(chunk, grouped, sets, phrases, nlp, normaliser)
        for chunk, grouped in _chunks(line)
    ]
    expanded = []
    seen = set()
    for combo in itertools.product(*parts):
        pattern = [tok for seq in combo for tok in seq]
        # A pattern made only of optional pieces would match everywhere.
        if pattern and any(t.get("OP") not in ("?", "*") for t in pattern):
            # Optional pieces often spell one sequence twice ("(the)? (even)? ... (even)?");
            # the Matcher would only find the same matches again.
            spelled = repr(pattern)
            if spelled not in seen:
                seen.add(spelled)
                expanded.append(pattern)
    if not expanded:
        raise LexiconError(f"pattern {line!r} matches nothing")
    return expanded


def _compile_group(
    raw: dict[str, list[str]],
    prefix: str,
    sets: dict[str, list[str]],
    phrases: dict[str, list[list[str]]],
    nlp: Language,
    normaliser: Normaliser,
) -> dict[str, CompiledPattern]:
    compiled = {}
    for kind, lines in (raw or {}).items():
        for i, line in enumerate(lines):
            key = f"{prefix}{kind}:{i}"
            compiled[key] = CompiledPattern(
                kind, line, _compile_line(str(line), sets, phrases, nlp, normaliser)
            )
    return compiled


class _StrictLoader(yaml.SafeLoader):
    """YAML loader that refuses a key written twice: YAML would silently keep the last one."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
        if duplicates:
            raise LexiconError(f"line {node.start_mark.line + 1}: {', '.join(duplicates)} twice")
        return super().construct_mapping(node, deep=deep)


# Lexicons hold words: YAML 1.1 would read a bare no, off, on or yes in a list as a boolean, and
# "no" would silently become the word "false". Here every plain scalar that is not a number or
# null stays a string.
_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _choice_problem(chunk: str, grouped: bool, names: set[str]) -> str | None:
    """What the loader would misread in one chunk of a pattern, or None."""
    if not grouped and _NAME.match(chunk):
        return None  # A lone name outside a group: read as the set, phrase or `_` it names.
    optional = _OPTIONAL_LITERAL.match(chunk)
    for piece in (optional["body"] if optional else chunk).split("|"):
        if piece in names:
            continue  # A choice that is exactly a set or phrase name expands to its words.
        for word in piece.split():
            named = _NAME.match(word)
            if named and named["name"] == "_":
                return f"{word!r} inside a choice is not any token: write it outside the choice"
            if named and named["name"] in names:
                return (
                    f"{word!r} inside a choice is not read as {named['name']}: a set or phrase "
                    "name works there only as a whole option, without ?, * or +"
                )
    return None


def _pattern_problem(line: str, names: set[str]) -> str | None:
    """Why the loader would misread this pattern line, or None when it reads it as written."""
    in_group = False
    for char in line:
        if char == "(" and in_group:
            return "a group inside a group is read as literal brackets: write (a|b) (c|d)?"
        in_group = char == "(" or (in_group and char != ")")
    for chunk, grouped in _chunks(line):
        if grouped or "|" in chunk:
            problem = _choice_problem(chunk, grouped, names)
            if problem:
                return problem
    return None


def _pattern_problems(data: dict[str, Any], path: Path) -> list[str]:
    """Every pattern in a lexicon that the compiler would read other than as written."""
    names = {str(n) for n in [*(data.get("sets") or {}), *(data.get("phrases") or {})]}
    problems = []
    for section in ("patterns", "counter_patterns"):
        for family, lines in (data.get(section) or {}).items():
            for line in lines or []:
                problem = _pattern_problem(str(line), names)
                if problem:
                    problems.append(f"{path}: {section} {family!r}: {str(line)!r}: {problem}")
    return problems


def load_lexicon(path: Path, nlp: Language) -> Lexicon:
    """Compile the lexicon at path with nlp's tokenizer; raises LexiconError when malformed."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)  # noqa: S506
    if not isinstance(data, dict) or "patterns" not in data:
        raise LexiconError(f"{path}: no 'patterns' section")
    problems = _pattern_problems(data, path)
    if problems:
        # All at once, so a reviewer fixes every misread pattern in one pass.
        raise LexiconError("\n".join(problems))
    normaliser = Normaliser(
        norms={str(k): str(v) for k, v in (data.get("norms") or {}).items()},
        fuzzy=[str(w) for w in data.get("fuzzy") or []],
        fuzzy_exclude={str(w) for w in data.get("fuzzy_exclude") or []},
        ing_words=set(_ING_WORD.findall(fold(str(data)).lower())),
    )
    sets: dict[str, list[str]] = {}
    for name, words in (data.get("sets") or {}).items():
        norms = sorted({normaliser.norm(fold(str(w))) for w in words})
        sets[name] = norms
    phrases: dict[str, list[list[str]]] = {}
    for name, texts in (data.get("phrases") or {}).items():
        phrases[name] = _alternatives("|".join(str(t) for t in texts), nlp, normaliser)
    return Lexicon(
        normaliser=normaliser,
        patterns=_compile_group(data["patterns"], "", sets, phrases, nlp, normaliser),
        counter_patterns=_compile_group(
            data.get("counter_patterns") or {}, "counter:", sets, phrases, nlp, normaliser
        ),
        sets=sets,
    )


@dataclass(frozen=True)
class FamilyMatches:
    """Which pattern families matched (outside any idiom), and which counter families."""

    families: frozenset[str] = frozenset()
    counters: frozenset[str] = frozenset()


# A counter-pattern family whose matches cancel the patterns they overlap ("killing me").
IDIOM = "idiom"
# Counter-pattern families that cancel the other counter words they overlap: words addressed to
# a post's readers ("if you're struggling right now, hang on") and figures of speech about time
# ("I remember it like it was yesterday"), so that neither is read as the writer's own risk
# coming back.
TO_READER, FIGURE = "to_reader", "figure"
NOT_THE_WRITERS_NOW = (TO_READER, FIGURE)
# A counter-pattern family that sets one sentence of a long message in the past or in a story
# ("in 2014 I made an attempt on my life", "a novel about a father's suicide", "patients who come
# in after an overdose"): the patterns in that sentence do not count, unless the same sentence
# holds a word of the risk now (`relapse`), sets now against then (`now`: "he used to shout,
# now he hits me"), or the message says it came back (`returning`). Short messages are never
# read this way: a two-line disclosure of the past still flags.
DISTANT, NOW, RELAPSE, RETURNING = "distant", "now", "relapse", "returning"
LONG_MESSAGE_SENTENCES = 4
_SENTENCE_ENDS = frozenset({".", "!", "?", "\u2026"})


def _cancels(idiom: tuple[int, int], match: tuple[int, int]) -> bool:
    """An idiom cancels a match it overlaps, unless the match holds the whole idiom and more:
    the longer reading wins ("wasn't suicidal" is a denial, "wasn't suicidal until last week"
    is not)."""
    (s, e), (start, end) = idiom, match
    holds_it = start <= s and e <= end and (start, end) != (s, e)
    return s < end and start < e and not holds_it


class FamilyMatcher:
    """A lexicon's pattern families over text: build once, call `match` per message."""

    def __init__(self, lexicon_path: Path, nlp: Language | None = None) -> None:
        self.nlp = nlp or spacy.blank("en")
        self.lexicon = load_lexicon(lexicon_path, self.nlp)
        self._patterns = self.lexicon.matcher(self.nlp, "patterns")
        self._counters = self.lexicon.matcher(self.nlp, "counter_patterns")

    def match(self, text: str) -> FamilyMatches:
        """Every family with a match that no idiom overlaps; every counter family found."""
        if not text or not text.strip():
            return FamilyMatches()
        doc = self.lexicon.doc(self.nlp, text)
        strings = self.nlp.vocab.strings
        # Counter keys are "counter:<family>:<n>", pattern keys "<family>:<n>".
        counters = [(strings[key].split(":")[1], s, e) for key, s, e in self._counters(doc)]
        not_now = [(s, e) for family, s, e in counters if family in NOT_THE_WRITERS_NOW]
        counters = [
            (family, s, e)
            for family, s, e in counters
            if family == IDIOM
            or family in NOT_THE_WRITERS_NOW
            or not any(a < e and s < b for a, b in not_now)
        ]
        idioms = [(s, e) for family, s, e in counters if family == IDIOM]
        distant = _distant_sentences(doc, counters)
        families = {
            strings[key].split(":", 1)[0]
            for key, start, end in self._patterns(doc)
            if not any(_cancels(idiom, (start, end)) for idiom in idioms)
            and not any(a <= start < b for a, b in distant)
        }
        return FamilyMatches(frozenset(families), frozenset(f for f, _, _ in counters))


def _sentences(doc: Doc) -> list[tuple[int, int]]:
    """Token spans of the sentences: split after ".", "!", "?" or a line break."""
    spans, start = [], 0
    for token in doc:
        if token.text in _SENTENCE_ENDS or "\n" in token.text:
            spans.append((start, token.i + 1))
            start = token.i + 1
    if start < len(doc):
        spans.append((start, len(doc)))
    return [(a, b) for a, b in spans if any(not doc[i].is_space for i in range(a, b))]


def _distant_sentences(doc: Doc, counters: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """The sentences of a long message told in the past or in a story, with nothing of now.

    A word of the risk returning ("again", "relapsed") outside those sentences means none of
    them is read as past; inside one ("I relapsed twice back then") it is part of the story."""
    if not any(f == DISTANT for f, _, _ in counters):
        return []
    sentences = _sentences(doc)
    if len(sentences) < LONG_MESSAGE_SENTENCES:
        return []

    def holds(family: str, a: int, b: int) -> bool:
        return any(f == family and a <= s < b for f, s, _ in counters)

    distant = [
        (a, b)
        for a, b in sentences
        if holds(DISTANT, a, b) and not any(holds(f, a, b) for f in (RELAPSE, NOW))
    ]
    returning = [s for f, s, _ in counters if f == RETURNING]
    if any(not any(a <= s < b for a, b in distant) for s in returning):
        return []
    return distant

"""Finds first-person self-judgment in a message and the phrase to reflect back to the person."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from bot.detectors.lexicon import Lexicon, load_lexicon

# A quoted phrase longer than this many tokens is cut to the clause around the match, so the
# reflection stays readable.
MAX_PHRASE_TOKENS = 25

# How far before a match a reporting verb ("my dad says ...") still turns it into someone
# else's words.
REPORT_WINDOW = 8

# Tokens that end a clause when a long sentence is cut down to the quoted phrase.
CLAUSE_BREAKS = {",", ";", ":", "-", "--", "...", "but", "because", "so", "although", "though"}

# Which family's phrase to quote when a message has several.
KIND_PRIORITY = {
    "label": 0,
    "self_contempt": 1,
    "not_enough": 2,
    "global": 3,
    "self_blame": 4,
    "harsh_should": 5,
    "comparison": 6,
}

# Pattern families whose wording contains its own negation ("I'm not good enough").
NEGATION_IS_PART = {"not_enough"}

# Possessives that start someone else as a subject ("my dad says ...").
OTHER_POSSESSIVES = {"my", "his", "her", "their", "our", "your"}

# Subjects that make the speaker of a reporting verb the person themself ("I think I'm ...").
SELF_SUBJECTS = {"i", "me", "myself"}


@dataclass(frozen=True)
class SelfCriticism:
    """What the detector found in one message."""

    self_critical: bool
    phrase: str | None = None
    kind: str | None = None
    # Evidence against a classifier's self-criticism verdict, when nothing self-critical matched.
    reported: bool = False
    negated: bool = False
    other_target: bool = False

    @property
    def counter_evidence(self) -> bool:
        """True when the message judges someone else, negates a label or reports others' words."""
        return not self.self_critical and (self.reported or self.negated or self.other_target)


NOTHING = SelfCriticism(self_critical=False)


class SelfCriticismDetector:
    """Rule-based detector over a lexicon; build once, call `detect` per message."""

    def __init__(self, lexicon_path: Path, nlp: Language | None = None) -> None:
        self.nlp = nlp or spacy.blank("en")
        if "sentencizer" not in self.nlp.pipe_names:
            self.nlp.add_pipe("sentencizer")
        self.lexicon: Lexicon = load_lexicon(lexicon_path, self.nlp)
        self._matcher = self.lexicon.matcher(self.nlp, "patterns")
        self._counter = self.lexicon.matcher(self.nlp, "counter_patterns")
        self._report_verbs = set(self.lexicon.sets.get("REPORT", []))
        self._negators = set(self.lexicon.sets.get("NEG", [])) | {"not"}
        self._other_subjects = set(self.lexicon.sets.get("OTHER", [])) | OTHER_POSSESSIVES

    def doc(self, text: str) -> Doc:
        """Tokenise and normalise text; offsets into the doc are offsets into the original text."""
        return self.lexicon.doc(self.nlp, text)

    def detect(self, text: str) -> SelfCriticism:
        """Tell whether the person is judging themself, and which words to reflect back."""
        if not text or not text.strip():
            return NOTHING
        doc = self.doc(text)
        strings = self.nlp.vocab.strings
        counters = [(strings[k], s, e) for k, s, e in self._counter(doc)]
        negated_spans = [(s, e) for key, s, e in counters if ":negated:" in key]
        idiom_spans = [(s, e) for key, s, e in counters if ":idiom:" in key]
        hits: list[tuple[str, int, int]] = []
        reported = negated = False
        for key_id, start, end in self._matcher(doc):
            key = strings[key_id]
            kind = key.split(":", 1)[0]
            if any(s < end and start < e for s, e in idiom_spans):
                continue
            if kind not in NEGATION_IS_PART and self._is_negated(doc, start, end, negated_spans):
                negated = True
                continue
            if self._is_reported(doc, start):
                reported = True
                continue
            hits.append((kind, start, end))
        if hits:
            # A verdict on the person ("I'm so useless") is the clearest thing to reflect back;
            # among equals, the earliest and then the longest match.
            kind, start, end = min(
                hits, key=lambda h: (KIND_PRIORITY.get(h[0], 9), h[1], -(h[2] - h[1]))
            )
            return SelfCriticism(
                self_critical=True,
                phrase=self._phrase(doc, start, end, text),
                kind=kind,
            )
        return SelfCriticism(
            self_critical=False,
            reported=reported,
            negated=negated or bool(negated_spans),
            other_target=any(":other_target:" in key for key, _, _ in counters),
        )

    def _is_negated(
        self, doc: Doc, start: int, end: int, negated_spans: list[tuple[int, int]]
    ) -> bool:
        if start > 0 and doc[start - 1].norm_ in self._negators:
            return True
        return any(s < end and start < e for s, e in negated_spans)

    def _is_reported(self, doc: Doc, start: int) -> bool:
        """True when a reporting verb with someone else as its subject comes before the match."""
        sent_start = doc[start].sent.start
        for i in range(max(sent_start, start - REPORT_WINDOW), start):
            verb = doc[i].norm_
            if verb not in self._report_verbs:
                continue
            # The nearest subject-like word before the verb decides whose words these are.
            for j in range(i - 1, sent_start - 1, -1):
                if doc[j].norm_ in SELF_SUBJECTS:
                    break
                if doc[j].norm_ in self._other_subjects:
                    return True
            else:
                # No subject in sight: "says", "thinks" imply someone else; "thought" is mine.
                if verb.endswith("s") and not verb.endswith("ss"):
                    return True
        return False

    def _phrase(self, doc: Doc, start: int, end: int, text: str) -> str:
        """The sentence holding the match, cut to its clause when the sentence is long."""
        sent: Span = doc[start].sent
        left, right = sent.start, sent.end
        if right - left > MAX_PHRASE_TOKENS:
            left = start
            while left > sent.start and doc[left - 1].norm_ not in CLAUSE_BREAKS:
                left -= 1
            right = end
            while right < sent.end and doc[right].norm_ not in CLAUSE_BREAKS:
                right += 1
        span = doc[left:right]
        phrase = text[span.start_char : span.end_char].strip()
        return phrase.rstrip(" .!?,;:-").strip() or phrase

"""The crisis floor: deterministic patterns that flag risk in a message, whatever else it says."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language

from bot.detectors.lexicon import Lexicon, load_lexicon

# When a message matches several categories, the one whose help is most urgent and most
# specific is named first.
CATEGORY_PRIORITY = (
    "medical_emergency",
    "substance_overdose",
    "suicide_or_self_harm",
    "child_safeguarding",
    "abuse_or_violence",
    "harm_to_others",
    "eating_disorder_behaviour",
)

# A pattern family named "<category>.indirect" matches hinted or passive wordings of that risk.
INDIRECT = "indirect"


@dataclass(frozen=True)
class CrisisSignal:
    """What the floor found: the risk category, or None."""

    category: str | None = None
    categories: tuple[str, ...] = ()
    # True when a pattern states the risk plainly; indirect wordings alone get a question first.
    explicit: bool = False

    @property
    def flagged(self) -> bool:
        """True when any crisis pattern matched."""
        return self.category is not None


class CrisisDetector:
    """Rule-based crisis floor over a lexicon; build once, call `detect` per message."""

    def __init__(self, lexicon_path: Path, nlp: Language | None = None) -> None:
        self.nlp = nlp or spacy.blank("en")
        self.lexicon: Lexicon = load_lexicon(lexicon_path, self.nlp)
        self._matcher = self.lexicon.matcher(self.nlp, "patterns")
        self._counter = self.lexicon.matcher(self.nlp, "counter_patterns")

    def detect(self, text: str) -> CrisisSignal:
        """Find every risk category the message matches; idioms ("killing me") do not count."""
        if not text or not text.strip():
            return CrisisSignal()
        doc = self.lexicon.doc(self.nlp, text)
        strings = self.nlp.vocab.strings
        counters = [(strings[k], s, e) for k, s, e in self._counter(doc)]
        idioms = [(s, e) for key, s, e in counters if ":idiom:" in key]
        minor = any(":minor:" in key for key, _, _ in counters)
        found = set()
        explicit = False
        for key_id, start, end in self._matcher(doc):
            if any(s < end and start < e for s, e in idioms):
                continue
            family = strings[key_id].split(":", 1)[0]
            category, _, level = family.partition(".")
            found.add(category)
            explicit = explicit or level != INDIRECT
        if minor and "abuse_or_violence" in found:
            # A child disclosing abuse needs safeguarding routes, not adult abuse lines.
            found.add("child_safeguarding")
        ordered = tuple(c for c in CATEGORY_PRIORITY if c in found)
        return CrisisSignal(
            category=ordered[0] if ordered else None,
            categories=ordered,
            explicit=explicit and bool(ordered),
        )

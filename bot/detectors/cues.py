"""Mild risk cues and backdraft: deterministic patterns that are signals, never a crisis alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language

from bot.detectors.lexicon import Lexicon, load_lexicon

BACKDRAFT = "backdraft"
# Warning-sign themes counted over a conversation (bot/policies.py).
RISK_CUES = ("hopelessness", "burdensomeness", "isolation")


@dataclass(frozen=True)
class Cues:
    """Which risk cues a message carries, and whether it reads as backdraft."""

    risk_cues: tuple[str, ...] = ()
    backdraft: bool = False


class CueDetector:
    """Pattern families over a lexicon; build once, call `detect` per message."""

    def __init__(self, lexicon_path: Path, nlp: Language | None = None) -> None:
        self.nlp = nlp or spacy.blank("en")
        self.lexicon: Lexicon = load_lexicon(lexicon_path, self.nlp)
        self._matcher = self.lexicon.matcher(self.nlp, "patterns")
        self._counter = self.lexicon.matcher(self.nlp, "counter_patterns")

    def detect(self, text: str) -> Cues:
        """Every family whose pattern matches outside an idiom."""
        if not text or not text.strip():
            return Cues()
        doc = self.lexicon.doc(self.nlp, text)
        strings = self.nlp.vocab.strings
        idioms = [(s, e) for _, s, e in self._counter(doc)]
        found = {
            strings[key].split(":", 1)[0]
            for key, start, end in self._matcher(doc)
            if not any(s < end and start < e for s, e in idioms)
        }
        return Cues(
            risk_cues=tuple(c for c in RISK_CUES if c in found), backdraft=BACKDRAFT in found
        )

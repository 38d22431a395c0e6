"""Mild risk cues and backdraft: deterministic patterns that are signals, never a crisis alone."""

from __future__ import annotations

from dataclasses import dataclass

from bot.detectors.lexicon import FamilyMatcher

BACKDRAFT = "backdraft"
# Warning-sign themes counted over a conversation (bot/policies.py).
RISK_CUES = ("hopelessness", "burdensomeness", "isolation")


@dataclass(frozen=True)
class Cues:
    """Which risk cues a message carries, and whether it reads as backdraft."""

    risk_cues: tuple[str, ...] = ()
    backdraft: bool = False


class CueDetector(FamilyMatcher):
    """Pattern families over a lexicon; build once, call `detect` per message."""

    def detect(self, text: str) -> Cues:
        """Every family whose pattern matches outside an idiom."""
        found = self.match(text).families
        return Cues(
            risk_cues=tuple(c for c in RISK_CUES if c in found), backdraft=BACKDRAFT in found
        )

"""The crisis floor: deterministic patterns that flag risk in a message, whatever else it says."""

from __future__ import annotations

from dataclasses import dataclass

from bot.detectors.lexicon import FamilyMatcher

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


class CrisisDetector(FamilyMatcher):
    """Rule-based crisis floor over a lexicon; build once, call `detect` per message."""

    def detect(self, text: str) -> CrisisSignal:
        """Find every risk category the message matches; idioms ("killing me") do not count."""
        matches = self.match(text)
        found = set()
        explicit = False
        for family in matches.families:
            category, _, level = family.partition(".")
            found.add(category)
            explicit = explicit or level != INDIRECT
        if "minor" in matches.counters and "abuse_or_violence" in found:
            # A child disclosing abuse needs safeguarding routes, not adult abuse lines.
            found.add("child_safeguarding")
        ordered = tuple(c for c in CATEGORY_PRIORITY if c in found)
        return CrisisSignal(
            category=ordered[0] if ordered else None,
            categories=ordered,
            explicit=explicit and bool(ordered),
        )

"""The crisis floor: deterministic patterns that flag risk in a message, whatever else it says."""

from __future__ import annotations

from dataclasses import dataclass

from bot.detectors.lexicon import FamilyMatcher

# When a message matches several categories, the one whose help is most urgent and most
# specific is named first. An overdose comes before a medical emergency: both replies send the
# person to the emergency number first, and an overdose's lines add the overdose services.
CATEGORY_PRIORITY = (
    "substance_overdose",
    "medical_emergency",
    "suicide_or_self_harm",
    "child_safeguarding",
    "abuse_or_violence",
    "harm_to_others",
    "eating_disorder_behaviour",
)

# A pattern family named "<category>.indirect" matches hinted or passive wordings of that risk.
INDIRECT = "indirect"

HARM_TO_OTHERS = "harm_to_others"
MEDICAL_EMERGENCY = "medical_emergency"
SUBSTANCE_OVERDOSE = "substance_overdose"
SUICIDE_OR_SELF_HARM = "suicide_or_self_harm"
# Counter families (crisis.yml): laughter or "not really" makes a threat to a person banter; a
# past time with present wellbeing, and nothing returning, makes a risk a resolved story.
JEST, EARNEST = "jest", "earnest"
HISTORY, RECOVERED, RELAPSE = "history", "recovered", "relapse"
# Drink or drugs named in the message (crisis.yml's `substance` counter family).
SUBSTANCE = "substance"


def said_in_jest(counters: frozenset[str]) -> bool:
    """Laughter or "not really" in the message, and no "I'm not joking"."""
    return JEST in counters and EARNEST not in counters


def told_as_resolved(counters: frozenset[str]) -> bool:
    """A risk told as over: when it was, how they are now, and no word of it coming back."""
    return HISTORY in counters and RECOVERED in counters and RELAPSE not in counters


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
        if told_as_resolved(matches.counters):
            return CrisisSignal()
        found = set()
        explicit = False
        for family in matches.families:
            category, _, level = family.partition(".")
            if category == HARM_TO_OTHERS and said_in_jest(matches.counters):
                continue
            found.add(category)
            explicit = explicit or level != INDIRECT
        if SUBSTANCE in matches.counters and MEDICAL_EMERGENCY in found:
            # Someone collapsed or not breathing after drink or drugs is an overdose.
            found.add(SUBSTANCE_OVERDOSE)
        if "minor" in matches.counters and "abuse_or_violence" in found:
            # A child disclosing abuse needs safeguarding routes, not adult abuse lines.
            found.add("child_safeguarding")
        ordered = tuple(c for c in CATEGORY_PRIORITY if c in found)
        return CrisisSignal(
            category=ordered[0] if ordered else None,
            categories=ordered,
            explicit=explicit and bool(ordered),
        )

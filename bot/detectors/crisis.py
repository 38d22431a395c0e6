"""The crisis floor: deterministic patterns that flag risk in a message, whatever else it says."""

from __future__ import annotations

from dataclasses import dataclass

from bot.detectors.lexicon import RELAPSE, RETURNING, FamilyMatcher

# When a message matches several categories, one it states plainly is named before one it only
# hints at (CrisisDetector.detect); among those, the one whose help is most urgent and most
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
HISTORY, RECOVERED = "history", "recovered"
# Drink or drugs named in the message (crisis.yml's `substance` counter family).
SUBSTANCE = "substance"
# A child's age or school named in the message (crisis.yml's `minor` counter family).
MINOR = "minor"
ABUSE_OR_VIOLENCE = "abuse_or_violence"
CHILD_SAFEGUARDING = "child_safeguarding"


def said_in_jest(counters: frozenset[str]) -> bool:
    """Laughter or "not really" in the message, and no "I'm not joking"."""
    return JEST in counters and EARNEST not in counters


def told_as_resolved(counters: frozenset[str]) -> bool:
    """A risk told as over: when it was, how they are now, and no word of it coming back."""
    return (
        HISTORY in counters
        and RECOVERED in counters
        and RELAPSE not in counters
        and RETURNING not in counters
    )


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
        found: set[str] = set()
        stated: set[str] = set()  # categories some pattern states plainly, not only hints at
        for family in matches.families:
            category, _, level = family.partition(".")
            if category == HARM_TO_OTHERS and said_in_jest(matches.counters):
                continue
            found.add(category)
            if level != INDIRECT:
                stated.add(category)
        for counter, source, added in (
            # Someone collapsed or not breathing after drink or drugs is an overdose.
            (SUBSTANCE, MEDICAL_EMERGENCY, SUBSTANCE_OVERDOSE),
            # A child disclosing abuse needs safeguarding routes, not adult abuse lines.
            (MINOR, ABUSE_OR_VIOLENCE, CHILD_SAFEGUARDING),
        ):
            if counter in matches.counters and source in found:
                found.add(added)
        # A risk stated plainly is named before one only hinted at: "I don't know who I'm going
        # to kill first" states harm and only brushes a medical hint (confusion). Two hints
        # still count in full, and so cover the categories added above: any sign of an overdose
        # (its reply gives the emergency number first), and a child's, beside abuse or with the
        # child's age or school named.
        named_first = set(stated)
        if SUBSTANCE_OVERDOSE in found:
            named_first.add(SUBSTANCE_OVERDOSE)
        if CHILD_SAFEGUARDING in found and (
            MINOR in matches.counters or ABUSE_OR_VIOLENCE in stated
        ):
            named_first.add(CHILD_SAFEGUARDING)
        ordered = tuple(
            sorted(
                (c for c in CATEGORY_PRIORITY if c in found),
                key=lambda c: c not in named_first,
            )
        )
        return CrisisSignal(
            category=ordered[0] if ordered else None,
            categories=ordered,
            explicit=bool(stated),
        )

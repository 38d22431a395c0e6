"""A dialogue policy for cumulative risk: several mild warning-sign cues lead to one question.

Hopelessness, burdensomeness and isolation cues (data/lexicons/cues.yml, found by
bot/nlu/signals.py) mean little in one message; a run of them in one conversation is a reason to
ask directly. This policy counts them and, at the threshold, asks the confirming question
(crisis_check_form), ending an exercise first if one is running. It runs in the Rasa server and
needs neither the action server nor the database.
"""

from __future__ import annotations

from typing import Any

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

CHECK_FORM = "crisis_check_form"
DEACTIVATE = "action_deactivate_loop"
# The slot the question and the crisis replies choose their words by (domain/safety.yml).
CATEGORY = "risk_category"
# After any of these the count starts again: the person has just been asked, or supported.
RESETS = {CHECK_FORM, "utter_crisis_support", "utter_crisis_checkin", "utter_crisis_lines"}
# Messages already on the crisis path, or asking for something, are left to the rules.
HANDLED_BY_RULES = {
    "crisis", "crisis_check", "ask_help", "ask_human", "safe_now", "stop_exercise",
}  # fmt: skip
# Three messages with a cue since the last check. On corpora/cue_dev.yml (the lexicon was widened
# on it, so these are tuning figures, not a measurement) 23 of 30 risky conversations reach three
# cue messages and none of 20 ordinary ones has even one.
DEFAULT_THRESHOLD = 3


def cue_messages(tracker: DialogueStateTracker) -> int:
    """User messages with a risk cue since the last question or crisis reply."""
    count = 0
    for event in reversed(tracker.events):
        if isinstance(event, ActionExecuted) and event.action_name in RESETS:
            break
        if isinstance(event, UserUttered):
            signals = event.parse_data.get("signals") or {}  # type: ignore[attr-defined]
            count += bool(signals.get("cues"))
    return count


def should_ask(tracker: DialogueStateTracker, threshold: int) -> bool:
    """True when the latest message brings the cue count to the threshold."""
    latest = tracker.latest_message
    if latest is None or tracker.get_slot("crisis_active"):
        return False
    if tracker.active_loop_name == CHECK_FORM:
        return False
    if (latest.intent or {}).get("name") in HANDLED_BY_RULES:
        return False
    signals = latest.parse_data.get("signals") or {}  # type: ignore[attr-defined]
    return bool(signals.get("cues")) and cue_messages(tracker) >= threshold


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True
)
class CumulativeRiskPolicy(Policy):
    """Asks the confirming question once mild cues add up; predicts nothing otherwise."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Above RulePolicy (6), so the question wins the turn it is due."""
        return {"priority": 7, "threshold": DEFAULT_THRESHOLD}

    def train(
        self, training_trackers: list[TrackerWithCachedStates], domain: Domain, **kwargs: Any
    ) -> Resource:
        """Nothing to learn: the cues come from the lexicon."""
        return self._resource

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """End a running exercise, then ask; or abstain with all zeros."""
        probabilities = self._default_predictions(domain)
        latest_action = tracker.latest_action_name
        threshold = int(self.config.get("threshold", DEFAULT_THRESHOLD))
        if latest_action in (ACTION_LISTEN_NAME, DEACTIVATE) and should_ask(tracker, threshold):
            running = tracker.active_loop_name and latest_action == ACTION_LISTEN_NAME
            action = DEACTIVATE if running else CHECK_FORM
            probabilities[domain.index_for_action(action)] = 1.0
            if action == CHECK_FORM:
                # Mild cues are about the person's own life: ask that question, not one about
                # a risk category an earlier message left in the slot.
                return self._prediction(probabilities, optional_events=[SlotSet(CATEGORY, None)])
        return self._prediction(probabilities)

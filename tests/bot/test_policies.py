"""The cumulative-risk policy: mild cues adding up lead to the question about the person's life."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies import CHECK_FORM, CumulativeRiskPolicy
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain"))


@pytest.fixture()
def policy(tmp_path: Any) -> CumulativeRiskPolicy:
    return CumulativeRiskPolicy(
        CumulativeRiskPolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("cumulative"),
        ExecutionContext(GraphSchema({})),
    )


def _turn(cues: list[str]) -> list[Event]:
    parse = {"intent": {"name": "mood_low", "confidence": 0.9}, "signals": {"cues": cues}}
    return [
        UserUttered("a message", intent=parse["intent"], parse_data=parse),  # type: ignore[arg-type]
        ActionExecuted("utter_empathy"),
        ActionExecuted(ACTION_LISTEN_NAME),
    ]


def _predict(policy: CumulativeRiskPolicy, domain: Domain, events: list[Event]) -> Any:
    tracker = DialogueStateTracker.from_events("me", events[:-2], slots=domain.slots)
    return policy.predict_action_probabilities(tracker, domain)


def test_the_third_cue_message_asks_the_question_about_their_own_life(
    policy: CumulativeRiskPolicy, domain: Domain
) -> None:
    # An earlier message named a medical emergency; the slot still holds it.
    events: list[Event] = [
        ActionExecuted(ACTION_LISTEN_NAME),
        SlotSet("risk_category", "medical_emergency"),
    ]
    for cue in ("hopelessness", "isolation", "burdensomeness"):
        events += _turn([cue])
    prediction = _predict(policy, domain, events)
    assert prediction.probabilities[domain.index_for_action(CHECK_FORM)] == 1.0
    assert SlotSet("risk_category", None) in prediction.optional_events


def test_fewer_cue_messages_ask_nothing_and_leave_the_slot(
    policy: CumulativeRiskPolicy, domain: Domain
) -> None:
    events: list[Event] = [ActionExecuted(ACTION_LISTEN_NAME)]
    for cues in (["hopelessness"], [], ["isolation"]):
        events += _turn(cues)
    prediction = _predict(policy, domain, events)
    assert max(prediction.probabilities) == 0.0
    assert not prediction.optional_events

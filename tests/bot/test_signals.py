"""How the detector and the classifier combine into one intent, and the slash guard."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.detectors.self_criticism import SelfCriticism
from bot.nlu.signals import SignalDetector, decide_intent
from bot.text import SLASH_GUARD

FOUND = SelfCriticism(self_critical=True, phrase="I'm useless", kind="label")
REPORTED = SelfCriticism(self_critical=False, reported=True)
OTHER = SelfCriticism(self_critical=False, other_target=True)
NEGATED = SelfCriticism(self_critical=False, negated=True)
NOTHING = SelfCriticism(self_critical=False)
RANKING = [{"name": "self_criticism", "confidence": 0.6}, {"name": "mood_low", "confidence": 0.3}]


@pytest.mark.parametrize(
    ("classifier", "found", "expected"),
    [
        ("mood_low", FOUND, "self_criticism"),  # the floor raises what the classifier missed
        ("nlu_fallback", FOUND, "self_criticism"),  # unsure classifier, clear rule
        ("choose_break", FOUND, "self_criticism"),  # a verdict is not a menu choice
        ("ask_capabilities", FOUND, "ask_capabilities"),  # a real request is kept
        ("self_criticism", NOTHING, "self_criticism"),  # the classifier alone may raise it
        ("self_criticism", REPORTED, "criticised_by_others"),  # "my dad says I'm lazy"
        ("self_criticism", OTHER, "vent_about_others"),  # "my boss is an idiot"
        ("self_criticism", NEGATED, "mood_low"),  # "I'm not stupid": next best guess
        ("greet", NOTHING, "greet"),  # nothing to add
        (None, NOTHING, "nlu_fallback"),  # no classifier output at all
    ],
)
def test_decide_intent(classifier: str | None, found: SelfCriticism, expected: str) -> None:
    assert decide_intent(classifier, found, RANKING) == expected


def test_stop_request_wins_over_a_verdict() -> None:
    # "I'm useless, can we stop" is a request first.
    assert decide_intent("stop_exercise", FOUND, RANKING, asked_to_stop=True) == "stop_exercise"
    # Without a stop word the classifier misread a verdict ("I can't stand myself anymore").
    assert decide_intent("stop_exercise", FOUND, RANKING) == "self_criticism"


@pytest.fixture(scope="module")
def component() -> SignalDetector:
    return SignalDetector(SignalDetector.get_default_config())


def _message(text: str, intent: str, confidence: float) -> Message:
    message = Message({"text": text})
    message.set("intent", {"name": intent, "confidence": confidence})
    message.set("intent_ranking", [{"name": intent, "confidence": confidence}])
    return message


def test_component_sets_intent_signals_and_phrase_entity(component: SignalDetector) -> None:
    (message,) = component.process([_message("ugh. I'm such an idiot", "mood_low", 0.5)])
    assert message.get("intent")["name"] == "self_criticism"
    assert message.get("signals")["phrase"] == "I'm such an idiot"
    assert message.get("entities")[0]["entity"] == "critical_phrase"
    assert message.get("entities")[0]["value"] == "I'm such an idiot"


def test_unsure_interruption_becomes_an_answer(component: SignalDetector) -> None:
    (message,) = component.process([_message("other people feel this too", "myth_weakness", 0.4)])
    assert message.get("intent")["name"] == "nlu_fallback"


def test_clear_interruption_is_kept(component: SignalDetector) -> None:
    (message,) = component.process([_message("isn't this self-pity?", "myth_self_pity", 0.97)])
    assert message.get("intent")["name"] == "myth_self_pity"


def test_leading_slash_is_defused(component: SignalDetector) -> None:
    (message,) = component.process([_message("/restart", "nlu_fallback", 0.3)])
    assert message.get("text") == SLASH_GUARD + "/restart"


def test_empty_message_is_unclear(component: SignalDetector) -> None:
    (message,) = component.process([_message("  ", "greet", 0.9)])
    assert message.get("intent")["name"] == "nlu_fallback"
    assert message.get("signals")["self_critical"] is False

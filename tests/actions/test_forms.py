"""Form validation: what is accepted, what is asked again, and what the person hears."""

from __future__ import annotations

import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.forms import ValidateFriendReframeForm, ValidateSelfCompassionBreakForm
from bot.domain import load_domain
from tests.factories import tracker


def _validate(form, slot, value):  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    method = getattr(form, f"validate_{slot}")
    result = asyncio.run(method(value, dispatcher, tracker(), {}))
    return result, [m.get("response") for m in dispatcher.messages]


def test_rating_accepted_as_number() -> None:
    assert _validate(ValidateSelfCompassionBreakForm(), "pre_rating", "about a 7") == (
        {"pre_rating": 7},
        [],
    )


def test_rating_not_a_number_is_asked_again_kindly() -> None:
    result, said = _validate(ValidateFriendReframeForm(), "post_rating", "banana")
    assert result == {"post_rating": None}
    assert said == ["utter_rating_help"]


def test_blank_answer_is_asked_again() -> None:
    result, said = _validate(ValidateSelfCompassionBreakForm(), "break_feeling", "   ")
    assert result == {"break_feeling": None}
    assert said == ["utter_clarify_step"]


def test_answer_kept_in_the_persons_words() -> None:
    result, said = _validate(
        ValidateSelfCompassionBreakForm(), "break_kindness", "I'm doing my best"
    )
    assert result == {"break_kindness": "I'm doing my best"} and said == []


def test_friend_words_without_framing() -> None:
    result, _ = _validate(ValidateFriendReframeForm(), "friend_words", "I'd tell them they matter")
    assert result == {"friend_words": "They matter"}


def test_every_step_has_a_validator() -> None:
    # The exercise forms check every answer; crisis_check_form has no validator on purpose,
    # so the confirming question works with the action server down.
    domain = load_domain()
    validators = {
        "self_compassion_break_form": ValidateSelfCompassionBreakForm,
        "friend_reframe_form": ValidateFriendReframeForm,
    }
    assert set(domain["forms"]) == {*validators, "crisis_check_form"}
    for form_name, cls in validators.items():
        validator, form = cls(), domain["forms"][form_name]
        for slot in form["required_slots"]:
            assert hasattr(validator, f"validate_{slot}"), f"{form_name}.{slot}"

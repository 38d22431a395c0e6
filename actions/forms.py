"""Validation for the exercise forms: ratings must be 0-10, answers must have something in them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.exercises import clean_answer, friend_message, parse_rating

Result = dict[str, Any]
Validator = Callable[[Any, Any, CollectingDispatcher, Tracker, DomainDict], Awaitable[Result]]


def _checked(slot: str, read: Callable[[str], Any], retry_response: str) -> Validator:
    """A `validate_<slot>` method: keep what `read` makes of the text, or ask again kindly."""

    async def validate(
        self: Any,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> Result:
        checked = read(str(value)) if value is not None else None
        if checked is None:
            dispatcher.utter_message(response=retry_response)
        return {slot: checked}

    validate.__doc__ = f"Accept {slot} when it reads as an answer; otherwise ask again."
    return validate


def _rating(slot: str) -> Validator:
    return _checked(slot, parse_rating, "utter_rating_help")


def _answer(slot: str) -> Validator:
    return _checked(slot, clean_answer, "utter_clarify_step")


class _ExerciseFormValidation(FormValidationAction, ABC):
    """Checks shared by both exercises; subclasses add their free-text steps."""

    @abstractmethod
    def name(self) -> str:
        """Each concrete action names itself; the server never registers this base."""

    validate_critical_phrase = _answer("critical_phrase")
    validate_pre_rating = _rating("pre_rating")
    validate_post_rating = _rating("post_rating")


class ValidateSelfCompassionBreakForm(_ExerciseFormValidation):
    """The break: feeling, common humanity, kindness, need."""

    def name(self) -> str:
        return "validate_self_compassion_break_form"

    validate_break_feeling = _answer("break_feeling")
    validate_break_humanity = _answer("break_humanity")
    validate_break_kindness = _answer("break_kindness")
    validate_break_need = _answer("break_need")


class ValidateFriendReframeForm(_ExerciseFormValidation):
    """The reframe: words for a friend, the same words for oneself, how it landed."""

    def name(self) -> str:
        return "validate_friend_reframe_form"

    # "I'd tell them ..." is dropped so the words can be offered back to the person.
    validate_friend_words = _checked("friend_words", friend_message, "utter_clarify_step")
    validate_self_words = _answer("self_words")
    validate_friend_landing = _answer("friend_landing")

"""Validation for the exercise forms: ratings must be 0-10, answers must have something in them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.exercises import clean_answer, friend_message, parse_rating

Result = dict[str, Any]


class _ExerciseFormValidation(FormValidationAction, ABC):
    """Checks shared by both exercises; subclasses add their free-text steps."""

    @abstractmethod
    def name(self) -> str:
        """Each concrete action names itself; the server never registers this base."""

    @staticmethod
    def _rating(slot: str, value: Any, dispatcher: CollectingDispatcher) -> Result:
        rating = parse_rating(str(value)) if value is not None else None
        if rating is None:
            dispatcher.utter_message(response="utter_rating_help")
        return {slot: rating}

    @staticmethod
    def _answer(slot: str, value: Any, dispatcher: CollectingDispatcher) -> Result:
        answer = clean_answer(str(value)) if value is not None else None
        if answer is None:
            dispatcher.utter_message(response="utter_clarify_step")
        return {slot: answer}

    async def validate_critical_phrase(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return self._answer("critical_phrase", value, dispatcher)

    async def validate_pre_rating(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return self._rating("pre_rating", value, dispatcher)

    async def validate_post_rating(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return self._rating("post_rating", value, dispatcher)


class ValidateSelfCompassionBreakForm(_ExerciseFormValidation):
    """The break: feeling, common humanity, kindness, need."""

    def name(self) -> str:
        return "validate_self_compassion_break_form"

    async def validate_break_feeling(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return self._answer("break_feeling", value, dispatcher)

    async def validate_break_humanity(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return self._answer("break_humanity", value, dispatcher)

    async def validate_break_kindness(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return self._answer("break_kindness", value, dispatcher)

    async def validate_break_need(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return self._answer("break_need", value, dispatcher)


class ValidateFriendReframeForm(_ExerciseFormValidation):
    """The reframe: words for a friend, the same words for oneself, how it landed."""

    def name(self) -> str:
        return "validate_friend_reframe_form"

    async def validate_friend_words(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        words = friend_message(str(value)) if value is not None else None
        if words is None:
            dispatcher.utter_message(response="utter_clarify_step")
        return {"friend_words": words}

    async def validate_self_words(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return self._answer("self_words", value, dispatcher)

    async def validate_friend_landing(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Result:
        return self._answer("friend_landing", value, dispatcher)

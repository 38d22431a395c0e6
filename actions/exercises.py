"""Actions that open, close and stop an exercise run, recording it in our own table."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot import storage
from bot.exercises import EXERCISE_SLOTS, EXERCISES, rating_change


def _intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


class ActionStartExercise(Action):
    """Clears the previous run's answers and records that an exercise began."""

    def name(self) -> str:
        return "action_start_exercise"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        exercise = EXERCISES.get(_intent(tracker) or "", "self_compassion_break")
        # The exercise still helps the person if the database is down; only the record is lost.
        run_id = storage.attempt(
            "record the start of an exercise run",
            lambda session: storage.start_run(session, tracker.sender_id, exercise).id,
            None,
        )
        return [SlotSet(slot, None) for slot in EXERCISE_SLOTS] + [
            SlotSet("exercise_run_id", run_id)
        ]


class _EndExercise(Action, ABC):
    """Shared ending: store the ratings and how the run ended."""

    status: str

    @abstractmethod
    def name(self) -> str:
        """Each concrete action names itself; the server never registers this base."""

    def _record(self, tracker: Tracker) -> str | None:
        pre, post = tracker.get_slot("pre_rating"), tracker.get_slot("post_rating")
        run_id = tracker.get_slot("exercise_run_id")
        if run_id:
            storage.attempt(
                "record the end of an exercise run",
                lambda session: storage.end_run(session, run_id, self.status, pre, post),
                None,
            )
        return rating_change(pre, post)


class ActionFinishExercise(_EndExercise):
    """Marks the run finished and sets how the rating moved, for the closing words."""

    status = storage.FINISHED

    def name(self) -> str:
        return "action_finish_exercise"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [SlotSet("rating_change", self._record(tracker))]


class ActionStopExercise(_EndExercise):
    """Marks the run abandoned and closes the form, keeping whatever ratings were given."""

    status = storage.ABANDONED

    def name(self) -> str:
        return "action_stop_exercise"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        self._record(tracker)
        return [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionRecordBackdraft(Action):
    """Counts a backdraft moment on the current or just-finished run; says nothing itself."""

    def name(self) -> str:
        return "action_record_backdraft"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        run_id = tracker.get_slot("exercise_run_id")
        if run_id:
            storage.attempt(
                "record backdraft on an exercise run",
                lambda session: storage.record_backdraft(session, run_id),
                None,
            )
        return []

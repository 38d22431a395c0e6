"""Actions of the human handoff: ask for a person, and tell the truth about what happened.

The person hears that a human joined only after a responder accepted in our table; every other
outcome (nobody configured, nobody reachable, nobody in time, database down) is said plainly and
comes with the crisis lines. Logs carry handoff ids and categories, never what anyone wrote.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, ReminderScheduled, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from bot import handoff, storage
from bot.settings import Settings

logger = logging.getLogger(__name__)

# The timeout reminder fires on the Rasa server's clock, the deadline was set on this server's;
# a few seconds' drift must not leave a timed-out request looking "not yet due".
CLOCK_SLACK = dt.timedelta(seconds=5)
# One name per conversation: a new request's reminder replaces an old one still pending.
TIMEOUT_REMINDER = "handoff_timeout"
TIMEOUT_INTENT = "EXTERNAL_handoff_timeout"


def _nobody_can_join(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    dispatcher.utter_message(response="utter_handoff_unavailable")
    # The crisis rules show the lines just before asking for a person; twice in a row is noise.
    if tracker.latest_action_name != "utter_crisis_lines":
        dispatcher.utter_message(response="utter_crisis_lines")
    return [SlotSet("handoff", None)]


def _joined(dispatcher: CollectingDispatcher, record: handoff.Handoff) -> list[EventType]:
    dispatcher.utter_message(response="utter_handoff_accepted", responder_name=record.responder)
    return [SlotSet("handoff", handoff.ACCEPTED), SlotSet("responder_name", record.responder)]


def _timeout_reminder(record: handoff.Handoff) -> ReminderScheduled:
    return ReminderScheduled(
        TIMEOUT_INTENT,
        trigger_date_time=record.timeout_at.replace(tzinfo=dt.timezone.utc),
        name=TIMEOUT_REMINDER,
        kill_on_user_message=False,
    )


def _still_open(
    dispatcher: CollectingDispatcher, tracker: Tracker, record: handoff.Handoff
) -> list[EventType]:
    """A crisis or request while a handoff is open: no second one, and no news repeated."""
    told = tracker.get_slot("handoff")
    if record.status == handoff.ACCEPTED:
        if told != handoff.ACCEPTED:
            # The accept's trigger never reached the person: now is the first time they hear it.
            return _joined(dispatcher, record)
        # A person is here and sees the new signal on the record (`bot handoff show`); the
        # bot's crisis replies came from the rule, and "has joined" was said once already.
        return [SlotSet("handoff", handoff.ACCEPTED), SlotSet("responder_name", record.responder)]
    # "I've asked the team" once; after that, the truth is that we are still waiting.
    waiting = told == handoff.REQUESTED
    dispatcher.utter_message(
        response="utter_handoff_waiting" if waiting else "utter_handoff_requested"
    )
    # The same reminder again (its name replaces a pending one), in case it was lost.
    return [SlotSet("handoff", handoff.REQUESTED), _timeout_reminder(record)]


def _accepted(tracker: Tracker, doing: str) -> tuple[bool, handoff.Handoff | None]:
    """The conversation's accepted handoff; the flag is False when the database could not say."""
    unknown: tuple[bool, handoff.Handoff | None] = (False, None)
    return storage.attempt(
        doing, lambda session: (True, handoff.accepted_for(session, tracker.sender_id)), unknown
    )


def _record_unavailable(record: handoff.Handoff, reason: str) -> bool:
    """Record that no responder could be told; False when one accepted all the same."""
    try:
        storage.attempt(
            f"record that handoff {record.id} is unavailable",
            lambda session: handoff.mark_unavailable(session, record.id, reason),
            None,
        )
    except handoff.HandoffError:
        # A responder accepted although the notice looked failed (a slow webhook that got
        # through); their acceptance reaches the person right after this.
        return False
    return True


class ActionRequestHandoff(Action):
    """Asks responders for a person, and tells the person honestly whether anyone was asked."""

    def name(self) -> str:
        return "action_request_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        settings = Settings.load()
        category = tracker.get_slot("risk_category") or handoff.ASKED_FOR_PERSON
        opened = storage.attempt(
            f"record a handoff request ({category})",
            lambda session: handoff.request(
                session, tracker.sender_id, category, settings.handoff_timeout_seconds
            ),
            None,
        )
        if opened is None:
            if tracker.get_slot("handoff") == handoff.ACCEPTED:
                # The responder may well still be here: "nobody can join" could be false.
                return []
            # No record means no responder could ever accept: say so, and give the lines.
            return _nobody_can_join(dispatcher, tracker)
        record, created = opened
        if not created:
            logger.info("handoff %s (%s): new signal while open", record.id, category)
            return _still_open(dispatcher, tracker, record)

        error = await asyncio.to_thread(handoff.notify, record, settings)
        if error is not None and _record_unavailable(record, error):
            logger.info("handoff %s (%s): unavailable: %s", record.id, category, error)
            return _nobody_can_join(dispatcher, tracker)

        logger.info("handoff %s (%s): responders notified", record.id, category)
        dispatcher.utter_message(response="utter_handoff_requested")
        return [SlotSet("handoff", handoff.REQUESTED), _timeout_reminder(record)]


class ActionHandoffTimeout(Action):
    """When the wait is over and nobody accepted, says so and gives the crisis lines again."""

    def name(self) -> str:
        return "action_handoff_timeout"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("handoff") != handoff.REQUESTED:
            return []  # accepted, or the person already heard how it ended
        timed_out = storage.attempt(
            "check a handoff at its timeout",
            lambda session: handoff.timed_out(
                session, tracker.sender_id, storage.utcnow() + CLOCK_SLACK
            ),
            # Nobody can accept while the database is down, so the wait is over either way.
            True,
        )
        if not timed_out:
            return []  # a responder accepted in time, or this reminder is older than the request
        dispatcher.utter_message(response="utter_handoff_timed_out")
        dispatcher.utter_message(response="utter_crisis_lines")
        return [SlotSet("handoff", None)]


class ActionHandoffAccepted(Action):
    """Tells the person who joined, once our table says a responder accepted."""

    def name(self) -> str:
        return "action_handoff_accepted"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        _, record = _accepted(tracker, "confirm an accepted handoff")
        if record is None:
            # Never say a person is here on the strength of a trigger alone.
            logger.warning("handoff accepted trigger, but no accepted handoff on record")
            return []
        logger.info("handoff %s: accepted", record.id)
        return _joined(dispatcher, record)


class ActionRelayResponder(Action):
    """Delivers a responder's own words into the conversation, then drops our copy."""

    def name(self) -> str:
        return "action_relay_responder"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        def take(session: Session) -> tuple[handoff.Handoff | None, list[str]]:
            record = handoff.accepted_for(session, tracker.sender_id)
            return record, [] if record is None else handoff.deliver(session, record.id)

        nothing: tuple[handoff.Handoff | None, list[str]] = (None, [])
        record, texts = storage.attempt("read a responder's messages", take, nothing)
        if record is None:
            return []
        logger.info("handoff %s: relayed %d responder message(s)", record.id, len(texts))
        for text in texts:
            # The one place text outside domain/ reaches a person: a human wrote it, on purpose.
            dispatcher.utter_message(text=text, metadata={"responder": record.responder})
        return []


class ActionHandoffReleased(Action):
    """Tells the person the responder has left and the automated program is back."""

    def name(self) -> str:
        return "action_handoff_released"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("handoff") != handoff.ACCEPTED:
            return []  # nobody had joined, so nobody can leave
        dispatcher.utter_message(response="utter_handoff_released")
        return [SlotSet("handoff", None), SlotSet("responder_name", None)]


class ActionHandoffHold(Action):
    """While a responder is with the person, the bot stays quiet; they read along with the CLI."""

    def name(self) -> str:
        return "action_handoff_hold"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        known, record = _accepted(tracker, "check a held conversation's handoff")
        if record is not None or not known:
            # Unknown: saying the responder left could be false, so stay quiet.
            return []
        # Released while Rasa could not be told: silence would leave the person talking to
        # nobody, so they hear that the responder left.
        dispatcher.utter_message(response="utter_handoff_released")
        return [SlotSet("handoff", None), SlotSet("responder_name", None)]

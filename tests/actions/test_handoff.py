"""Handoff actions: what the person is told at each point, against a throwaway database."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.handoff import (
    ActionHandoffAccepted,
    ActionHandoffHold,
    ActionHandoffReleased,
    ActionHandoffTimeout,
    ActionRelayResponder,
    ActionRequestHandoff,
)
from bot import handoff, storage
from tests.factories import tracker
from tests.fake_http import FakeServer, not_http_url

# What the person wrote: it must never reach the responders' webhook.
PRIVATE = "I wrote something very private here"


def _run(action: Action, t: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any], list]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return dispatcher.messages, slots, events


def _said(messages: list[dict[str, Any]]) -> list[str]:
    return [m["response"] for m in messages]


def _record(database: str, conversation: str = "c1") -> handoff.Handoff | None:
    with Session(storage.engine_for(database), expire_on_commit=False) as session:
        return handoff.latest_for(session, conversation)


def _request(t: Tracker) -> tuple[list[dict[str, Any]], dict[str, Any], list]:
    return _run(ActionRequestHandoff(), t)


def _accept(database: str, conversation: str = "c1", name: str = "Sam") -> str:
    with Session(storage.engine_for(database)) as session:
        record = handoff.open_for(session, conversation)
        assert record is not None
        handoff.accept(session, record.id, name)
        session.commit()
        return str(record.id)


def test_no_responder_configured_is_said_plainly_with_the_lines(database: str) -> None:
    messages, slots, _ = _request(tracker("c1", intent="ask_human", text=PRIVATE))
    assert _said(messages) == ["utter_handoff_unavailable", "utter_crisis_lines"]
    assert slots == {"handoff": None}
    record = _record(database)
    assert record is not None
    assert (record.status, record.category) == (handoff.UNAVAILABLE, "asked_for_person")
    assert record.notify_error == "no responder webhook configured"


def test_lines_just_shown_by_the_crisis_rule_are_not_repeated(database: str) -> None:
    t = tracker("c1", slots={"risk_category": "suicide_or_self_harm"}, intent="crisis")
    t.latest_action_name = "utter_crisis_lines"
    messages, slots, _ = _request(t)
    assert _said(messages) == ["utter_handoff_unavailable"]
    assert slots == {"handoff": None}


def test_configured_webhook_requests_and_schedules_the_timeout(
    webhook: FakeServer, database: str
) -> None:
    t = tracker(
        "c1", slots={"risk_category": "suicide_or_self_harm"}, intent="crisis", text=PRIVATE
    )
    messages, slots, events = _request(t)
    assert _said(messages) == ["utter_handoff_requested"]
    assert slots == {"handoff": "requested"}
    record = _record(database)
    assert record is not None
    assert (record.status, record.category) == (handoff.REQUESTED, "suicide_or_self_harm")
    (reminder,) = (e for e in events if e["event"] == "reminder")
    assert reminder["intent"] == "EXTERNAL_handoff_timeout"
    assert reminder["name"] == "handoff_timeout"
    assert reminder["kill_on_user_msg"] is False
    due = dt.datetime.fromisoformat(reminder["date_time"])
    assert due == record.timeout_at.replace(tzinfo=dt.timezone.utc)
    assert due - dt.datetime.now(dt.timezone.utc) > dt.timedelta(seconds=290)
    (notice,) = webhook.requests
    assert notice.body["handoff_id"] == record.id
    assert PRIVATE.encode() not in notice.raw


def test_failed_webhook_is_unavailable_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    with FakeServer(lambda request: (503, {})) as server:
        monkeypatch.setenv("BOT_HANDOFF_WEBHOOK_URL", server.url)
        messages, slots, events = _request(tracker("c1", intent="ask_human"))
    assert _said(messages) == ["utter_handoff_unavailable", "utter_crisis_lines"]
    assert slots == {"handoff": None}
    assert not [e for e in events if e["event"] == "reminder"]
    record = _record(database)
    assert record is not None
    assert record.status == handoff.UNAVAILABLE
    assert record.notify_error == "webhook answered HTTP 503"


def test_webhook_that_does_not_speak_http_is_unavailable(
    monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    # Once, the action crashed here: the person heard nothing and no timeout was set.
    with not_http_url() as url:
        monkeypatch.setenv("BOT_HANDOFF_WEBHOOK_URL", url)
        messages, slots, _ = _request(tracker("c1", intent="ask_human"))
    assert _said(messages) == ["utter_handoff_unavailable", "utter_crisis_lines"]
    assert slots == {"handoff": None}
    record = _record(database)
    assert record is not None and record.status == handoff.UNAVAILABLE


def test_asking_again_repeats_the_truth_without_a_second_notice(
    webhook: FakeServer, database: str
) -> None:
    _request(tracker("c1", intent="ask_human"))
    messages, slots, events = _request(tracker("c1", intent="ask_human"))
    assert _said(messages) == ["utter_handoff_requested"]
    assert slots == {"handoff": "requested"}
    assert len(webhook.requests) == 1
    _accept(database, name="Sam")
    messages, slots, _ = _request(tracker("c1", intent="ask_human"))
    assert _said(messages) == ["utter_handoff_accepted"]
    assert messages[0]["responder_name"] == "Sam"
    assert slots == {"handoff": "accepted", "responder_name": "Sam"}
    assert len(webhook.requests) == 1


@pytest.mark.parametrize(
    "action, slot, said",
    [
        # No record means no responder can accept: the person hears so, with the lines.
        (ActionRequestHandoff(), None, ["utter_handoff_unavailable", "utter_crisis_lines"]),
        # Nobody can accept while the table is down, so the wait is over either way.
        (ActionHandoffTimeout(), "requested", ["utter_handoff_timed_out", "utter_crisis_lines"]),
        # Never claim a person joined without the table saying so.
        (ActionHandoffAccepted(), "requested", []),
        (ActionRelayResponder(), "accepted", []),
        # The responder may still be there: saying they left could be false.
        (ActionHandoffHold(), "accepted", []),
    ],
)
def test_database_down(
    monkeypatch: pytest.MonkeyPatch, action: Action, slot: str | None, said: list[str]
) -> None:
    monkeypatch.setenv("BOT_DATABASE_URL", "postgresql://kindly@127.0.0.1:1/nowhere")
    monkeypatch.setenv("BOT_HANDOFF_WEBHOOK_URL", "http://127.0.0.1:1/never-called")
    messages, _, _ = _run(action, tracker("c1", slots={"handoff": slot}, intent="crisis"))
    assert _said(messages) == said


def test_timeout_tells_the_person_and_gives_the_lines(
    webhook: FakeServer, monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    monkeypatch.setenv("BOT_HANDOFF_TIMEOUT_SECONDS", "0")
    _request(tracker("c1", intent="ask_human"))
    waiting = tracker("c1", slots={"handoff": "requested"}, intent="EXTERNAL_handoff_timeout")
    messages, slots, _ = _run(ActionHandoffTimeout(), waiting)
    assert _said(messages) == ["utter_handoff_timed_out", "utter_crisis_lines"]
    assert slots == {"handoff": None}
    record = _record(database)
    assert record is not None and record.status == handoff.TIMED_OUT


def test_timeout_after_accept_says_nothing(webhook: FakeServer, database: str) -> None:
    _request(tracker("c1", intent="ask_human"))
    _accept(database)
    # The reminder can fire before the accepted message reached the slot.
    for slot in ("requested", "accepted"):
        t = tracker("c1", slots={"handoff": slot}, intent="EXTERNAL_handoff_timeout")
        assert _run(ActionHandoffTimeout(), t) == ([], {}, [])
    record = _record(database)
    assert record is not None and record.status == handoff.ACCEPTED


def test_timeout_already_expired_by_the_cli_is_still_told(
    webhook: FakeServer, monkeypatch: pytest.MonkeyPatch, database: str
) -> None:
    monkeypatch.setenv("BOT_HANDOFF_TIMEOUT_SECONDS", "0")
    _request(tracker("c1", intent="ask_human"))
    with Session(storage.engine_for(database)) as session:
        handoff.expire(session)
        session.commit()
    t = tracker("c1", slots={"handoff": "requested"}, intent="EXTERNAL_handoff_timeout")
    messages, _, _ = _run(ActionHandoffTimeout(), t)
    assert _said(messages) == ["utter_handoff_timed_out", "utter_crisis_lines"]
    # Told once: the slot is cleared, so a second trigger says nothing.
    assert _run(ActionHandoffTimeout(), tracker("c1", intent="EXTERNAL_handoff_timeout"))[0] == []


def test_stale_reminder_before_the_deadline_says_nothing(
    webhook: FakeServer, database: str
) -> None:
    _request(tracker("c1", intent="ask_human"))
    t = tracker("c1", slots={"handoff": "requested"}, intent="EXTERNAL_handoff_timeout")
    assert _run(ActionHandoffTimeout(), t)[0] == []
    record = _record(database)
    assert record is not None and record.status == handoff.REQUESTED


def test_accepted_is_said_only_when_the_table_says_so(webhook: FakeServer, database: str) -> None:
    _request(tracker("c1", intent="ask_human"))
    t = tracker("c1", slots={"handoff": "requested"}, intent="EXTERNAL_handoff_accepted")
    # A trigger alone never makes the bot claim a person is here.
    assert _run(ActionHandoffAccepted(), t) == ([], {}, [])
    _accept(database, name="Ana")
    messages, slots, _ = _run(ActionHandoffAccepted(), t)
    assert _said(messages) == ["utter_handoff_accepted"]
    assert messages[0]["responder_name"] == "Ana"
    assert slots == {"handoff": "accepted", "responder_name": "Ana"}


def test_responder_words_are_relayed_once_then_dropped(webhook: FakeServer, database: str) -> None:
    _request(tracker("c1", intent="ask_human"))
    handoff_id = _accept(database, name="Ana")
    with Session(storage.engine_for(database)) as session:
        handoff.add_message(session, handoff_id, "Hi, I'm Ana. I'm here with you.")
        handoff.add_message(session, handoff_id, "Take your time.")
        session.commit()
    t = tracker("c1", slots={"handoff": "accepted"}, intent="EXTERNAL_responder_message")
    messages, _, events = _run(ActionRelayResponder(), t)
    assert [(m["text"], m["metadata"]) for m in messages] == [
        ("Hi, I'm Ana. I'm here with you.", {"responder": "Ana"}),
        ("Take your time.", {"responder": "Ana"}),
    ]
    assert events == []
    with Session(storage.engine_for(database)) as session:
        stored = session.query(handoff.ResponderMessage).all()
        assert [m.text for m in stored] == ["", ""]
    assert _run(ActionRelayResponder(), t)[0] == []  # nothing is sent twice


def test_nothing_is_relayed_without_an_accepted_handoff(database: str) -> None:
    t = tracker("c1", intent="EXTERNAL_responder_message")
    assert _run(ActionRelayResponder(), t) == ([], {}, [])


def test_release_tells_the_person_only_if_someone_had_joined(database: str) -> None:
    joined = tracker("c1", slots={"handoff": "accepted", "responder_name": "Ana"})
    messages, slots, _ = _run(ActionHandoffReleased(), joined)
    assert _said(messages) == ["utter_handoff_released"]
    assert slots == {"handoff": None, "responder_name": None}
    assert _run(ActionHandoffReleased(), tracker("c1", slots={"handoff": "requested"}))[0] == []


def test_hold_is_silent_while_a_responder_is_there(webhook: FakeServer, database: str) -> None:
    _request(tracker("c1", intent="ask_human"))
    handoff_id = _accept(database)
    held = tracker("c1", slots={"handoff": "accepted"}, intent="mood_low", text=PRIVATE)
    assert _run(ActionHandoffHold(), held) == ([], {}, [])
    # Released while Rasa could not be told: the person hears it rather than talk to nobody.
    with Session(storage.engine_for(database)) as session:
        handoff.release(session, handoff_id)
        session.commit()
    messages, slots, _ = _run(ActionHandoffHold(), held)
    assert _said(messages) == ["utter_handoff_released"]
    assert slots == {"handoff": None, "responder_name": None}

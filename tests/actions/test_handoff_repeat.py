"""A crisis or a request for a person while a handoff is open: no second one, no news repeated."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.handoff import ActionRequestHandoff
from bot import handoff, storage
from tests.factories import tracker
from tests.fake_http import FakeServer

CRISIS = "suicide_or_self_harm"


def _request(t: Tracker) -> tuple[list[str], dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionRequestHandoff().run(dispatcher, t, {}))
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return [m["response"] for m in dispatcher.messages], slots, events


def _crisis(slots: dict[str, Any]) -> Tracker:
    return tracker("c1", slots={"risk_category": CRISIS, **slots}, intent="crisis")


def _records(database: str) -> list[handoff.Handoff]:
    with Session(storage.engine_for(database), expire_on_commit=False) as session:
        return list(session.query(handoff.Handoff).filter_by(conversation_id="c1").all())


def _accept(database: str, name: str = "Sam") -> None:
    with Session(storage.engine_for(database)) as session:
        record = handoff.open_for(session, "c1")
        assert record is not None
        handoff.accept(session, record.id, name)
        session.commit()


def test_crisis_while_a_responder_is_here_does_not_announce_them_again(
    webhook: FakeServer, database: str
) -> None:
    _request(tracker("c1", intent="ask_human"))
    _accept(database, name="Sam")
    said, slots, events = _request(_crisis({"handoff": "accepted", "responder_name": "Sam"}))
    # Once, this said "Sam has joined" again; the crisis replies come from the rule.
    assert said == []
    assert slots == {"handoff": "accepted", "responder_name": "Sam"}
    assert not [e for e in events if e["event"] == "reminder"]
    assert len(webhook.requests) == 1
    (record,) = _records(database)
    assert record.status == handoff.ACCEPTED
    # The responder can see that a new signal came, when, and of what kind; never the words.
    assert (record.signal_count, record.last_signal_category) == (1, CRISIS)
    assert record.last_signal_at is not None and record.last_signal_at >= record.accepted_at


def test_every_crisis_while_a_responder_is_here_is_counted(
    webhook: FakeServer, database: str
) -> None:
    _request(tracker("c1", intent="ask_human"))
    _accept(database)
    for _ in range(3):
        assert _request(_crisis({"handoff": "accepted", "responder_name": "Sam"}))[0] == []
    (record,) = _records(database)
    assert record.signal_count == 3
    assert len(webhook.requests) == 1


def test_crisis_while_waiting_opens_no_second_handoff_or_notice(
    webhook: FakeServer, database: str
) -> None:
    _, _, first_events = _request(_crisis({}))
    said, slots, events = _request(_crisis({"handoff": "requested"}))
    # They heard "I've asked the team" once; now the truth is that we are still waiting.
    assert said == ["utter_handoff_waiting"]
    assert slots == {"handoff": "requested"}
    assert len(webhook.requests) == 1
    (record,) = _records(database)
    assert (record.status, record.signal_count) == (handoff.REQUESTED, 1)
    # The same timeout again, under the same name, so a lost reminder is replaced, not doubled.
    (before,) = (e for e in first_events if e["event"] == "reminder")
    (again,) = (e for e in events if e["event"] == "reminder")
    assert (again["name"], again["date_time"]) == (before["name"], before["date_time"])


def test_joined_is_said_if_the_person_never_heard_it(webhook: FakeServer, database: str) -> None:
    # The accept's trigger was lost (Rasa did not answer): the slot never became "accepted".
    _request(tracker("c1", intent="ask_human"))
    _accept(database, name="Ana")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionRequestHandoff().run(dispatcher, _crisis({"handoff": "requested"}), {}))
    assert [(m["response"], m["responder_name"]) for m in dispatcher.messages] == [
        ("utter_handoff_accepted", "Ana")
    ]
    assert len(_records(database)) == 1


def test_crisis_while_a_responder_is_here_and_the_database_is_down_says_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BOT_DATABASE_URL", "postgresql://kindly@127.0.0.1:1/nowhere")
    monkeypatch.setenv("BOT_HANDOFF_WEBHOOK_URL", "http://127.0.0.1:1/never-called")
    # "Nobody can join" could be false while a responder may still be with them.
    said, slots, events = _request(_crisis({"handoff": "accepted", "responder_name": "Sam"}))
    assert (said, events) == ([], [])


def test_a_new_handoff_after_release_is_a_fresh_request(webhook: FakeServer, database: str) -> None:
    _request(tracker("c1", intent="ask_human"))
    _accept(database)
    with Session(storage.engine_for(database)) as session:
        record = handoff.open_for(session, "c1")
        assert record is not None
        handoff.release(session, record.id)
        session.commit()
    said, slots, _ = _request(_crisis({}))
    assert said == ["utter_handoff_requested"]
    assert slots == {"handoff": "requested"}
    assert len(webhook.requests) == 2
    records = sorted(_records(database), key=lambda r: r.requested_at)
    assert [(r.status, r.signal_count) for r in records] == [
        (handoff.RELEASED, 0),
        (handoff.REQUESTED, 0),
    ]
    assert records[-1].timeout_at - records[-1].requested_at == dt.timedelta(seconds=300)

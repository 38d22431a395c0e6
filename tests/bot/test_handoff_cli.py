"""`bot handoff` against a fake Rasa HTTP API that runs our real handoff actions in-process."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Action
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.handoff import (
    ActionHandoffAccepted,
    ActionHandoffReleased,
    ActionHandoffTimeout,
    ActionRelayResponder,
)
from bot import handoff, storage
from bot.cli import main
from tests.factories import tracker
from tests.fake_http import FakeServer, Recorded, closed_port_url, not_http_url

TOKEN = "s3cret-rasa-token"
ACTIONS: dict[str, Action] = {
    "EXTERNAL_handoff_accepted": ActionHandoffAccepted(),
    "EXTERNAL_responder_message": ActionRelayResponder(),
    "EXTERNAL_handoff_released": ActionHandoffReleased(),
    "EXTERNAL_handoff_timeout": ActionHandoffTimeout(),
}


class FakeRasa:
    """Checks the token, runs the triggered intent's action, and keeps slots and what was said."""

    def __init__(self, actions_up: bool = True, events: list[dict[str, Any]] | None = None):
        self.actions_up = actions_up
        self.events = events or []
        self.slots: dict[str, dict[str, Any]] = {}
        self.said: list[dict[str, Any]] = []

    def __call__(self, request: Recorded) -> tuple[int, Any]:
        if "token" not in request.query:
            return 401, {"status": "failure", "reason": "NotAuthenticated"}
        if request.query["token"] != TOKEN:
            return 403, {"status": "failure", "reason": "NotAuthorized"}
        conversation = request.path.split("/")[2]
        if request.method == "GET":
            return 200, {"sender_id": conversation, "events": self.events}
        slots = self.slots.setdefault(conversation, {"handoff": "requested"})
        if self.actions_up:
            dispatcher = CollectingDispatcher()
            action = ACTIONS[request.body["name"]]
            events = asyncio.run(action.run(dispatcher, tracker(conversation, slots=slots), {}))
            slots.update({e["name"]: e["value"] for e in events if e["event"] == "slot"})
            self.said.extend(dispatcher.messages)
        return 200, {"tracker": {"sender_id": conversation, "slots": slots}}


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    monkeypatch.setenv("RASA_TOKEN", TOKEN)
    return url


def _requested(database: str, conversation: str = "c1", timeout: int = 300) -> str:
    with Session(storage.engine_for(database)) as session:
        record, _ = handoff.request(session, conversation, "suicide_or_self_harm", timeout)
        session.commit()
        return str(record.id)


def _status(database: str, handoff_id: str) -> str:
    with Session(storage.engine_for(database)) as session:
        return str(handoff.get(session, handoff_id).status)


def _cli(monkeypatch: pytest.MonkeyPatch, url: str, *argv: str) -> int:
    monkeypatch.setenv("RASA_URL", url)
    return main(["handoff", *argv])


def _accepted(monkeypatch: pytest.MonkeyPatch, database: str, rasa: FakeServer) -> str:
    handoff_id = _requested(database)
    assert _cli(monkeypatch, rasa.url, "accept", handoff_id, "--responder", "Ana") == 0
    return handoff_id


def test_accept_tells_the_person_through_rasa(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handoff_id = _requested(database)
    fake = FakeRasa()
    with FakeServer(fake) as rasa:
        assert _cli(monkeypatch, rasa.url, "accept", handoff_id, "--responder", "Ana") == 0
    (call,) = rasa.requests
    assert (call.method, call.path) == ("POST", "/conversations/c1/trigger_intent")
    assert call.query == {"token": TOKEN, "output_channel": "latest", "include_events": "NONE"}
    assert call.body == {"name": "EXTERNAL_handoff_accepted"}
    assert [m["response"] for m in fake.said] == ["utter_handoff_accepted"]
    assert fake.slots["c1"]["responder_name"] == "Ana"
    assert _status(database, handoff_id) == handoff.ACCEPTED
    out = capsys.readouterr()
    assert "Ana joined" in out.out and TOKEN not in out.out + out.err


@pytest.mark.parametrize(
    "token, expected",
    [
        # A wrong token: Rasa answers 403, and the token must not be echoed.
        ("wrong-token", "HTTP 403"),
        # No token at all: Rasa answers 401 and the advice names RASA_TOKEN.
        ("", "HTTP 401"),
    ],
)
def test_refused_token_undoes_the_accept(
    database: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    token: str,
    expected: str,
) -> None:
    monkeypatch.setenv("RASA_TOKEN", token)
    handoff_id = _requested(database)
    with FakeServer(FakeRasa()) as rasa:
        assert _cli(monkeypatch, rasa.url, "accept", handoff_id, "--responder", "Ana") == 1
    err = capsys.readouterr().err
    assert expected in err and "RASA_TOKEN" in err and "the person was not told" in err
    assert TOKEN not in err and (not token or token not in err)
    assert _status(database, handoff_id) == handoff.REQUESTED


def test_unreachable_rasa_undoes_the_accept(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handoff_id = _requested(database)
    url = closed_port_url()
    assert _cli(monkeypatch, url, "accept", handoff_id, "--responder", "Ana") == 1
    err = capsys.readouterr().err
    assert f"cannot reach Rasa at {url}" in err and TOKEN not in err
    assert _status(database, handoff_id) == handoff.REQUESTED


def test_an_answer_that_is_not_rasa_is_reported_not_a_traceback(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The request went out, so it may have run: the accept stays and the responder is warned.
    handoff_id = _requested(database)
    with not_http_url() as url:
        assert _cli(monkeypatch, url, "accept", handoff_id, "--responder", "Ana") == 1
    err = capsys.readouterr().err
    assert "gave no usable answer (BadStatusLine)" in err and "may not have been told" in err
    assert _status(database, handoff_id) == handoff.ACCEPTED


def test_accept_without_the_action_server_is_undone(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Rasa answers 200 but could not run the action: the person heard nothing.
    handoff_id = _requested(database)
    with FakeServer(FakeRasa(actions_up=False)) as rasa:
        assert _cli(monkeypatch, rasa.url, "accept", handoff_id, "--responder", "Ana") == 1
    assert "action server" in capsys.readouterr().err
    assert _status(database, handoff_id) == handoff.REQUESTED


def test_accepting_a_released_handoff_is_a_clear_error(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeRasa()
    with FakeServer(fake) as rasa:
        handoff_id = _accepted(monkeypatch, database, rasa)
        assert _cli(monkeypatch, rasa.url, "release", handoff_id) == 0
        assert _cli(monkeypatch, rasa.url, "accept", handoff_id, "--responder", "Bo") == 1
    assert f"error: handoff {handoff_id} is released; it cannot be accepted" in (
        capsys.readouterr().err
    )
    assert [m["response"] for m in fake.said] == [
        "utter_handoff_accepted",
        "utter_handoff_released",
    ]
    assert fake.slots["c1"]["handoff"] is None


def test_say_delivers_through_the_action_and_keeps_no_copy(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeRasa()
    with FakeServer(fake) as rasa:
        handoff_id = _accepted(monkeypatch, database, rasa)
        assert _cli(monkeypatch, rasa.url, "say", handoff_id, "Hi, I'm Ana. I'm here.") == 0
    assert rasa.requests[-1].body == {"name": "EXTERNAL_responder_message"}
    assert fake.said[-1]["text"] == "Hi, I'm Ana. I'm here."
    assert fake.said[-1]["metadata"] == {"responder": "Ana"}
    with Session(storage.engine_for(database)) as session:
        (stored,) = session.query(handoff.ResponderMessage).all()
        assert stored.text == "" and stored.delivered_at is not None


def test_undelivered_words_are_dropped(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeServer(FakeRasa()) as rasa:
        handoff_id = _accepted(monkeypatch, database, rasa)
    assert _cli(monkeypatch, closed_port_url(), "say", handoff_id, "Are you still there?") == 1
    assert "Not delivered" in capsys.readouterr().err
    with Session(storage.engine_for(database)) as session:
        assert session.query(handoff.ResponderMessage).count() == 0


def test_say_needs_an_accepted_handoff(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handoff_id = _requested(database)
    with FakeServer(FakeRasa()) as rasa:
        assert _cli(monkeypatch, rasa.url, "say", handoff_id, "hello") == 1
    assert rasa.requests == []
    assert "only an accepted handoff can carry messages" in capsys.readouterr().err


def test_refused_release_keeps_the_responder_in(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with FakeServer(FakeRasa()) as rasa:
        handoff_id = _accepted(monkeypatch, database, rasa)
    monkeypatch.setenv("RASA_TOKEN", "wrong-token")
    with FakeServer(FakeRasa()) as rasa:
        assert _cli(monkeypatch, rasa.url, "release", handoff_id) == 1
    assert "HTTP 403" in capsys.readouterr().err
    assert _status(database, handoff_id) == handoff.ACCEPTED


def _event(kind: str, text: str, at: dt.datetime, **metadata: Any) -> dict[str, Any]:
    stamp = at.replace(tzinfo=dt.timezone.utc).timestamp()
    return {"event": kind, "text": text, "timestamp": stamp, "metadata": metadata}


def test_show_reads_the_conversation_since_the_request(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handoff_id = _requested(database)
    with Session(storage.engine_for(database)) as session:
        requested_at = handoff.get(session, handoff_id).requested_at
    later = requested_at + dt.timedelta(seconds=30)
    fake = FakeRasa(
        events=[
            _event("user", "something from before the request", requested_at - dt.timedelta(1)),
            _event("user", "EXTERNAL: EXTERNAL_handoff_accepted", later, is_external=True),
            _event("bot", "Ana, a person from the support team, has joined", later),
            _event("bot", "Hi, I'm Ana.", later, metadata={"responder": "Ana"}),
            _event("user", "thank you for coming", later),
            {"event": "slot", "name": "handoff", "value": "accepted", "timestamp": 0},
        ]
    )
    with FakeServer(fake) as rasa:
        assert _cli(monkeypatch, rasa.url, "show", handoff_id, "--responder", "Ana") == 1
        assert "only while a handoff is accepted" in capsys.readouterr().err
        _cli(monkeypatch, rasa.url, "accept", handoff_id, "--responder", "Ana")
        capsys.readouterr()
        assert _cli(monkeypatch, rasa.url, "show", handoff_id, "--responder", "Bo") == 1
        assert "accepted by someone else" in capsys.readouterr().err
        assert _cli(monkeypatch, rasa.url, "show", handoff_id, "--responder", "ana") == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == [
        "Kindly (bot):  Ana, a person from the support team, has joined",
        "Ana (you):  Hi, I'm Ana.",
        "person:  thank you for coming",
    ]
    assert rasa.requests[-1].method == "GET"
    assert rasa.requests[-1].path == "/conversations/c1/tracker"


def test_show_accepts_the_name_the_responder_accepted_with(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Names are cut to the column's length: a long one once locked its own responder out.
    name = "Ana " + "Maria " * 20
    with FakeServer(FakeRasa()) as rasa:
        handoff_id = _requested(database)
        assert _cli(monkeypatch, rasa.url, "accept", handoff_id, "--responder", name) == 0
        assert _cli(monkeypatch, rasa.url, "show", handoff_id, "--responder", name) == 0
    assert "accepted by someone else" not in capsys.readouterr().err


def test_expire_times_out_overdue_requests_and_tells_the_person(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    overdue = _requested(database, "c1", timeout=0)
    waiting = _requested(database, "c2", timeout=300)
    fake = FakeRasa()
    with FakeServer(fake) as rasa:
        assert _cli(monkeypatch, rasa.url, "expire") == 0
        assert _cli(monkeypatch, rasa.url, "expire") == 0
    assert [r.body for r in rasa.requests] == [{"name": "EXTERNAL_handoff_timeout"}]
    assert [m["response"] for m in fake.said] == ["utter_handoff_timed_out", "utter_crisis_lines"]
    assert (_status(database, overdue), _status(database, waiting)) == ("timed_out", "requested")
    out = capsys.readouterr().out
    assert "the person was told nobody could join" in out and "no request is waiting" in out


def test_expire_keeps_the_request_waiting_until_the_person_is_told(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    overdue = _requested(database, "c1", timeout=0)
    with FakeServer(FakeRasa(actions_up=False)) as rasa:
        assert _cli(monkeypatch, rasa.url, "expire") == 1
    assert _status(database, overdue) == "requested"
    assert "timeout action did not run" in capsys.readouterr().err
    with FakeServer(FakeRasa()) as rasa:
        assert _cli(monkeypatch, rasa.url, "expire") == 0
    assert _status(database, overdue) == "timed_out"


def test_list_shows_ids_and_states_never_text(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _requested(database, "c1")
    second = _requested(database, "c2")
    with Session(storage.engine_for(database)) as session:
        handoff.accept(session, second, "Ana")
        handoff.add_message(session, second, "words only the person should read")
        session.commit()
    assert _cli(monkeypatch, closed_port_url(), "list") == 0  # no call to Rasa needed
    out = capsys.readouterr().out
    assert first in out and second in out and "suicide_or_self_harm" in out
    assert "times out in" in out and "Ana" in out
    assert "words only" not in out and "c1" not in out.replace(first, "").replace(second, "")


def test_show_and_list_tell_the_responder_a_new_signal_came(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handoff_id = _requested(database)
    with FakeServer(FakeRasa()) as rasa:
        assert _cli(monkeypatch, rasa.url, "accept", handoff_id, "--responder", "Ana") == 0
        assert _cli(monkeypatch, rasa.url, "show", handoff_id, "--responder", "Ana") == 0
        assert "note:" not in capsys.readouterr().out  # nothing new yet
        # A crisis while Ana is there: the action notes it on the record, opens nothing new.
        with Session(storage.engine_for(database)) as session:
            assert handoff.request(session, "c1", "suicide_or_self_harm", 300)[1] is False
            session.commit()
        assert _cli(monkeypatch, rasa.url, "show", handoff_id, "--responder", "Ana") == 0
    note = capsys.readouterr().out.splitlines()[-1]
    assert note.startswith("note: 1 new signal, the latest (suicide_or_self_harm) 0s ago")
    assert "after you accepted" in note
    assert _cli(monkeypatch, closed_port_url(), "list") == 0
    assert "accepted 0s ago; 1 new signal, the latest" in capsys.readouterr().out

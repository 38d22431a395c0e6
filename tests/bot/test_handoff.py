"""Handoff records: the state machine, one open handoff, timeouts, relayed words, the notice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot import handoff, storage
from bot.settings import Settings
from tests.fake_http import FakeServer, closed_port_url, not_http_url


@pytest.fixture
def session(tmp_path: Path) -> Iterator[Session]:
    with Session(storage.engine_for(f"sqlite:///{tmp_path / 'bot.db'}")) as session:
        yield session


def _settings(url: str | None, webhook_format: str = "json") -> Settings:
    return dataclasses.replace(
        Settings.load(), handoff_webhook_url=url, handoff_webhook_format=webhook_format
    )


def _requested(session: Session, conversation: str = "c1", timeout: int = 300) -> handoff.Handoff:
    record, created = handoff.request(session, conversation, "suicide_or_self_harm", timeout)
    assert created
    return record


def test_lifecycle_requested_accepted_released(session: Session) -> None:
    record = _requested(session)
    assert record.status == handoff.REQUESTED
    assert record.timeout_at - record.requested_at == dt.timedelta(seconds=300)
    handoff.accept(session, record.id, "  Sam   Lee ")
    assert (record.status, record.responder) == (handoff.ACCEPTED, "Sam Lee")
    assert record.accepted_at is not None
    handoff.release(session, record.id)
    assert record.status == handoff.RELEASED and record.released_at is not None


@pytest.mark.parametrize(
    "setup, expected",
    [
        # A second responder must not take over a handoff someone already holds.
        (lambda s, h: handoff.accept(s, h, "First"), "is accepted; it cannot be accepted"),
        # Once released, the person was told the responder left: no rejoining the old one.
        (
            lambda s, h: (handoff.accept(s, h, "First"), handoff.release(s, h)),
            "is released; it cannot be accepted",
        ),
        # The person heard that nobody could join: a late accept would contradict that.
        (lambda s, h: handoff.mark_unavailable(s, h, "webhook timed out"), "is unavailable"),
    ],
)
def test_accept_refused_after_the_person_was_told_otherwise(
    session: Session, setup: Callable[[Session, str], object], expected: str
) -> None:
    record = _requested(session)
    setup(session, record.id)
    with pytest.raises(handoff.HandoffError, match=expected):
        handoff.accept(session, record.id, "Second")


def test_timed_out_handoff_cannot_be_accepted(session: Session) -> None:
    record = _requested(session, timeout=0)
    assert handoff.expire(session) == [record]
    with pytest.raises(handoff.HandoffError, match="is timed out; it cannot be accepted"):
        handoff.accept(session, record.id, "Sam")


def test_overdue_request_is_not_accepted_before_it_is_expired(session: Session) -> None:
    # The reminder was lost (a restart): the person must hear the timeout, not a late join.
    record = _requested(session, timeout=0)
    with pytest.raises(handoff.HandoffError, match="bot handoff expire"):
        handoff.accept(session, record.id, "Sam")
    assert record.status == handoff.REQUESTED


def test_release_needs_an_accepted_handoff(session: Session) -> None:
    record = _requested(session)
    with pytest.raises(handoff.HandoffError, match="is requested; it cannot be released"):
        handoff.release(session, record.id)


def test_unknown_id_and_blank_responder_are_refused(session: Session) -> None:
    with pytest.raises(handoff.HandoffError, match="no handoff with id nope"):
        handoff.accept(session, "nope", "Sam")
    record = _requested(session)
    with pytest.raises(handoff.HandoffError, match="responder name"):
        handoff.accept(session, record.id, "   ")


def test_one_open_handoff_per_conversation(session: Session) -> None:
    first = _requested(session)
    again, created = handoff.request(session, "c1", "asked_for_person", 300)
    assert (again.id, created) == (first.id, False)
    other, created = handoff.request(session, "c2", "asked_for_person", 300)
    assert created and other.id != first.id
    handoff.accept(session, first.id, "Sam")
    assert handoff.request(session, "c1", "asked_for_person", 300) == (first, False)
    handoff.release(session, first.id)
    fresh, created = handoff.request(session, "c1", "asked_for_person", 300)
    assert created and fresh.id != first.id
    assert handoff.open_for(session, "c1") is fresh
    assert handoff.latest_for(session, "c1") is fresh


def test_an_overdue_request_gives_way_to_a_new_one(session: Session) -> None:
    old = _requested(session, timeout=0)
    new, created = handoff.request(session, "c1", "asked_for_person", 300)
    assert created and old.status == handoff.TIMED_OUT


def test_expire_only_touches_overdue_requests(session: Session) -> None:
    due = _requested(session, "c1", timeout=0)
    waiting = _requested(session, "c2", timeout=300)
    accepted = _requested(session, "c3", timeout=300)
    handoff.accept(session, accepted.id, "Sam")
    assert handoff.expire(session, conversation_id="c2") == []
    assert handoff.expire(session) == [due]
    assert (due.status, waiting.status, accepted.status) == (
        handoff.TIMED_OUT,
        handoff.REQUESTED,
        handoff.ACCEPTED,
    )
    later = storage.utcnow() + dt.timedelta(seconds=301)
    assert handoff.expire(session, now=later) == [waiting]
    assert accepted.status == handoff.ACCEPTED  # an accepted handoff never times out


def test_restore_undoes_an_accept(session: Session) -> None:
    record = _requested(session)
    before = handoff.snapshot(record)
    handoff.accept(session, record.id, "Sam")
    handoff.restore(session, record.id, before)
    assert (record.status, record.responder, record.accepted_at) == (handoff.REQUESTED, None, None)


def test_messages_wait_only_until_delivered(session: Session) -> None:
    record = _requested(session)
    with pytest.raises(handoff.HandoffError, match="only an accepted handoff"):
        handoff.add_message(session, record.id, "Hello, I'm here.")
    handoff.accept(session, record.id, "Sam")
    with pytest.raises(handoff.HandoffError, match="empty"):
        handoff.add_message(session, record.id, "  ")
    first = handoff.add_message(session, record.id, "Hello, I'm Sam.")
    second = handoff.add_message(session, record.id, "  Take your time. ")
    assert handoff.deliver(session, record.id) == ["Hello, I'm Sam.", "Take your time."]
    session.commit()
    assert handoff.deliver(session, record.id) == []
    # Delivered words live on only in the transcript.
    assert (first.text, second.text) == ("", "")
    assert first.delivered_at is not None


def test_withdraw_drops_only_undelivered_messages(session: Session) -> None:
    record = _requested(session)
    handoff.accept(session, record.id, "Sam")
    kept = handoff.add_message(session, record.id, "one")
    assert handoff.deliver(session, record.id) == ["one"]
    dropped = handoff.add_message(session, record.id, "two")
    assert handoff.withdraw(session, kept.id) is False
    assert handoff.withdraw(session, dropped.id) is True
    session.flush()
    assert handoff.deliver(session, record.id) == []


def test_json_notice_reaches_the_webhook(session: Session) -> None:
    record = _requested(session)
    with FakeServer() as server:
        assert handoff.notify(record, _settings(server.url + "/hook")) is None
    (sent,) = server.requests
    assert (sent.method, sent.path) == ("POST", "/hook")
    assert sent.body == {
        "type": "handoff_requested",
        "handoff_id": record.id,
        "category": "suicide_or_self_harm",
        "requested_at": record.requested_at.replace(microsecond=0).isoformat() + "Z",
        "timeout_at": record.timeout_at.replace(microsecond=0).isoformat() + "Z",
        "how_to_accept": f"bot handoff accept {record.id} --responder NAME",
    }


def test_slack_notice_is_an_incoming_webhook_message(session: Session) -> None:
    record = _requested(session)
    with FakeServer() as server:
        assert handoff.notify(record, _settings(server.url, "slack")) is None
    body = server.requests[0].body
    assert set(body) == {"text", "blocks"}
    assert record.id in body["text"] and "suicide_or_self_harm" in body["text"]
    (block,) = body["blocks"]
    assert block["type"] == "section" and block["text"]["type"] == "mrkdwn"
    assert record.id in block["text"]["text"]
    assert f"bot handoff accept {record.id} --responder NAME" in block["text"]["text"]


def test_notice_never_carries_what_anyone_wrote(session: Session) -> None:
    record = _requested(session)
    handoff.accept(session, record.id, "Sam")
    handoff.add_message(session, record.id, "a private sentence from the responder")
    for webhook_format in ("json", "slack"):
        with FakeServer() as server:
            handoff.notify(record, _settings(server.url, webhook_format))
        assert b"private sentence" not in server.requests[0].raw


@pytest.mark.parametrize(
    "settings_for, expected",
    [
        # No webhook at all: nobody can be told, and the person must hear that.
        (lambda url: _settings(None), "no responder webhook configured"),
        # A typo in the format must not look like a delivered notice.
        (lambda url: _settings(url, "teams"), "unknown webhook format 'teams'"),
        # file:// and friends are not webhooks.
        (lambda url: _settings("file:///etc/passwd"), "webhook URL is not http(s)"),
        # Nothing listening: refused at once.
        (lambda url: _settings(closed_port_url()), "webhook unreachable (ConnectionRefusedError)"),
        # The receiver answered, but not with success.
        (lambda url: _settings(url), "webhook answered HTTP 500"),
    ],
)
def test_notice_failures_give_a_short_reason(
    session: Session, settings_for: Callable[[str], Settings], expected: str
) -> None:
    record = _requested(session)
    with FakeServer(lambda request: (500, {"error": "boom"})) as server:
        assert handoff.notify(record, settings_for(server.url)) == expected


def test_slow_webhook_counts_as_unreachable(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handoff, "NOTIFY_TIMEOUT_S", 0.2)
    record = _requested(session)

    def slow(request):  # type: ignore[no-untyped-def]
        time.sleep(1)
        return 200, {}

    with FakeServer(slow) as server:
        assert handoff.notify(record, _settings(server.url)) == "webhook timed out"


def test_a_webhook_that_does_not_speak_http_is_a_reason_not_a_crash(session: Session) -> None:
    # http.client raises BadStatusLine, which is neither an OSError nor a URLError.
    record = _requested(session)
    with not_http_url() as url:
        assert handoff.notify(record, _settings(url)) == "webhook unreachable (BadStatusLine)"


def test_a_further_request_while_open_is_noted_not_opened(session: Session) -> None:
    record = _requested(session)
    assert (record.signal_count, record.last_signal_at) == (0, None)
    again, created = handoff.request(session, "c1", "asked_for_person", 300)
    assert (again, created) == (record, False)
    assert (record.signal_count, record.last_signal_category) == (1, "asked_for_person")
    handoff.accept(session, record.id, "Sam")
    handoff.request(session, "c1", "suicide_or_self_harm", 300)
    assert (record.signal_count, record.last_signal_category) == (2, "suicide_or_self_harm")
    assert record.last_signal_at >= record.accepted_at
    assert session.query(handoff.Handoff).count() == 1


def test_an_old_handoffs_table_gets_the_signal_columns(tmp_path: Path) -> None:
    # A bot.db from before the signal columns existed must keep working after an upgrade.
    url = f"sqlite:///{tmp_path / 'old.db'}"
    with storage.create_engine(url).begin() as connection:
        connection.execute(storage.text(
            "CREATE TABLE handoffs (id VARCHAR(36) PRIMARY KEY, conversation_id VARCHAR(255) NOT"
            " NULL, category VARCHAR(64) NOT NULL, status VARCHAR(16) NOT NULL, requested_at"
            " DATETIME NOT NULL, timeout_at DATETIME NOT NULL, accepted_at DATETIME, responder"
            " VARCHAR(80), released_at DATETIME, notify_error VARCHAR(200))"
        ))  # fmt: skip
    with Session(storage.engine_for(url)) as session:
        record = _requested(session)
        handoff.request(session, "c1", "asked_for_person", 300)
        session.commit()
        assert record.signal_count == 1

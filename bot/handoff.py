"""Human handoff: the request, its life from requested to released, and the responder's notice.

A handoff is a promise the bot must not overstate: the person hears that a human joined only
after a responder accepted here, and hears the truth when nobody is configured, nobody could be
reached, or nobody accepted in time. Nothing in this module stores or sends what the person
wrote; a responder's own words wait here only until the bot has delivered them.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import urllib.error
import urllib.request
import uuid
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Session

from bot.settings import Settings
from bot.storage import Base, utcnow

logger = logging.getLogger(__name__)

REQUESTED, ACCEPTED, RELEASED = "requested", "accepted", "released"
TIMED_OUT, UNAVAILABLE = "timed_out", "unavailable"
OPEN = (REQUESTED, ACCEPTED)
# Every allowed move; released, timed out and unavailable are final, so a new request is a new
# handoff and an old one can never be accepted after the person was told nobody came.
_NEXT = {REQUESTED: {ACCEPTED, TIMED_OUT, UNAVAILABLE}, ACCEPTED: {RELEASED}}
_VERB = {
    ACCEPTED: "accepted",
    RELEASED: "released",
    TIMED_OUT: "timed out",
    UNAVAILABLE: "marked unavailable",
}

ASKED_FOR_PERSON = "asked_for_person"
WEBHOOK_FORMATS = ("json", "slack")
# A responder's notice must not hold up the person's reply for long; a webhook that needs
# longer than this counts as unreachable and the person is told nobody can join.
NOTIFY_TIMEOUT_S = 3.0
NOTIFY_ERROR_LEN = 200
RESPONDER_NAME_LEN = 80


class HandoffError(Exception):
    """A handoff that does not exist or cannot make the requested move; the message says why."""


class Handoff(Base):  # type: ignore[valid-type,misc]
    """One request for a person: who asked (conversation), why (category), and how it went."""

    __tablename__ = "handoffs"

    id = Column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    conversation_id = Column(String(255), nullable=False, index=True)
    # A risk category such as suicide_or_self_harm, or asked_for_person.
    category = Column(String(64), nullable=False)
    status = Column(String(16), nullable=False, default=REQUESTED, index=True)
    requested_at = Column(DateTime, nullable=False, default=utcnow)
    timeout_at = Column(DateTime, nullable=False)
    accepted_at = Column(DateTime, nullable=True)
    # The display name the responder chose; shown to the person once they accepted.
    responder = Column(String(RESPONDER_NAME_LEN), nullable=True)
    released_at = Column(DateTime, nullable=True)
    # Why responders could not be told (no webhook, HTTP status, timeout); never message text.
    notify_error = Column(String(NOTIFY_ERROR_LEN), nullable=True)
    # A crisis or a request for a person that came while this handoff was open opens no second
    # one; the responder sees here that it came (how many, when, which category), never the text.
    signal_count = Column(Integer, nullable=False, default=0, server_default="0")
    last_signal_at = Column(DateTime, nullable=True)
    last_signal_category = Column(String(64), nullable=True)


class ResponderMessage(Base):  # type: ignore[valid-type,misc]
    """Words a responder wrote, held only until the bot delivered them into the conversation."""

    __tablename__ = "responder_messages"

    id = Column(Integer, primary_key=True, autoincrement=True)
    handoff_id = Column(String(36), ForeignKey("handoffs.id"), nullable=False, index=True)
    # Blanked on delivery: from then on the words live only in the conversation's transcript.
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    delivered_at = Column(DateTime, nullable=True)


def _stands(handoff: Handoff) -> str:
    return f"handoff {handoff.id} is {handoff.status.replace('_', ' ')}"


def _move(handoff: Handoff, status: str) -> None:
    if status not in _NEXT.get(handoff.status, set()):
        raise HandoffError(f"{_stands(handoff)}; it cannot be {_VERB[status]}")
    handoff.status = status


def _display_name(responder: str) -> str:
    """A responder's name as stored and shown: single spaces, at most RESPONDER_NAME_LEN."""
    return " ".join(responder.split())[:RESPONDER_NAME_LEN]


def get(session: Session, handoff_id: str) -> Handoff:
    """The handoff with this id; HandoffError when there is none."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise HandoffError(f"no handoff with id {handoff_id}")
    return handoff


def _newest(session: Session, conversation_id: str, *conditions: Any) -> Handoff | None:
    return (
        session.query(Handoff)
        .filter(Handoff.conversation_id == conversation_id, *conditions)
        .order_by(Handoff.requested_at.desc())
        .first()
    )


def open_for(session: Session, conversation_id: str) -> Handoff | None:
    """The conversation's requested or accepted handoff, if it has one."""
    return _newest(session, conversation_id, Handoff.status.in_(OPEN))


def latest_for(session: Session, conversation_id: str) -> Handoff | None:
    """The conversation's most recent handoff, whatever became of it."""
    return _newest(session, conversation_id)


def accepted_for(session: Session, conversation_id: str) -> Handoff | None:
    """The conversation's handoff a responder holds right now, if any."""
    return _newest(session, conversation_id, Handoff.status == ACCEPTED)


def request(
    session: Session, conversation_id: str, category: str, timeout_seconds: int
) -> tuple[Handoff, bool]:
    """Open a handoff, or note the new signal on the one already open; the flag says which."""
    # A request left waiting past its timeout (its reminder lost in a restart) is over.
    expire(session, conversation_id=conversation_id)
    existing = open_for(session, conversation_id)
    if existing is not None:
        existing.signal_count = (existing.signal_count or 0) + 1
        existing.last_signal_at = utcnow()
        existing.last_signal_category = category
        return existing, False
    now = utcnow()
    handoff = Handoff(
        conversation_id=conversation_id,
        category=category,
        status=REQUESTED,
        requested_at=now,
        timeout_at=now + dt.timedelta(seconds=timeout_seconds),
    )
    session.add(handoff)
    session.flush()
    return handoff, True


def mark_unavailable(session: Session, handoff_id: str, reason: str) -> Handoff:
    """Record that no responder could be told, and the short reason why."""
    handoff = get(session, handoff_id)
    _move(handoff, UNAVAILABLE)
    handoff.notify_error = reason[:NOTIFY_ERROR_LEN]
    return handoff


def accept(session: Session, handoff_id: str, responder: str) -> Handoff:
    """A responder takes a waiting request; refused once it was released or timed out."""
    name = _display_name(responder)
    if not name:
        raise HandoffError("a responder name is needed: the person is told who joined")
    handoff = get(session, handoff_id)
    if handoff.status == REQUESTED and handoff.timeout_at <= utcnow():
        raise HandoffError(
            f"handoff {handoff_id} waited past its timeout; run `bot handoff expire` so the "
            "person is told nobody could join"
        )
    _move(handoff, ACCEPTED)
    handoff.responder = name
    handoff.accepted_at = utcnow()
    return handoff


def held_by(session: Session, handoff_id: str, responder: str) -> Handoff:
    """The handoff, for the responder who accepted it and only while they hold it."""
    handoff = get(session, handoff_id)
    if handoff.status != ACCEPTED:
        raise HandoffError(
            f"{_stands(handoff)}; the conversation is shown only while a handoff is accepted, "
            "to the responder who accepted it"
        )
    if _display_name(responder).casefold() != handoff.responder.casefold():
        raise HandoffError(
            f"handoff {handoff_id} was accepted by someone else; only they can read it"
        )
    return handoff


def release(session: Session, handoff_id: str) -> Handoff:
    """The responder leaves; the bot takes the conversation back."""
    handoff = get(session, handoff_id)
    _move(handoff, RELEASED)
    handoff.released_at = utcnow()
    return handoff


def restore(session: Session, handoff_id: str, before: dict[str, Any]) -> None:
    """Undo an accept or release the person was never told about (Rasa did not run it)."""
    handoff = get(session, handoff_id)
    for field, value in before.items():
        setattr(handoff, field, value)


def snapshot(handoff: Handoff) -> dict[str, Any]:
    """The fields an accept or release changes, for `restore`."""
    return {f: getattr(handoff, f) for f in ("status", "responder", "accepted_at", "released_at")}


def overdue(
    session: Session, now: dt.datetime | None = None, conversation_id: str | None = None
) -> list[Handoff]:
    """Requests still waiting past their timeout at `now` (one conversation's, or all)."""
    query = session.query(Handoff).filter(
        Handoff.status == REQUESTED, Handoff.timeout_at <= (now or utcnow())
    )
    if conversation_id is not None:
        query = query.filter(Handoff.conversation_id == conversation_id)
    return list(query.all())


def expire(
    session: Session, now: dt.datetime | None = None, conversation_id: str | None = None
) -> list[Handoff]:
    """Time out every request still waiting at `now` (one conversation's, or all)."""
    found = overdue(session, now, conversation_id)
    for handoff in found:
        _move(handoff, TIMED_OUT)
    return found


def timed_out(session: Session, conversation_id: str, now: dt.datetime) -> bool:
    """Whether the conversation's latest request ended unanswered, once overdue ones are expired."""
    expire(session, now=now, conversation_id=conversation_id)
    latest = latest_for(session, conversation_id)
    return latest is not None and latest.status == TIMED_OUT


def recent(session: Session, since: dt.datetime) -> list[Handoff]:
    """Open handoffs and those requested since `since`, newest first."""
    return (
        session.query(Handoff)
        .filter(Handoff.status.in_(OPEN) | (Handoff.requested_at >= since))
        .order_by(Handoff.requested_at.desc())
        .all()
    )


def add_message(session: Session, handoff_id: str, text: str) -> ResponderMessage:
    """Queue a responder's words for the bot to deliver; only while the handoff is accepted."""
    handoff = get(session, handoff_id)
    if handoff.status != ACCEPTED:
        raise HandoffError(f"{_stands(handoff)}; only an accepted handoff can carry messages")
    if not text.strip():
        raise HandoffError("the message is empty")
    message = ResponderMessage(handoff_id=handoff_id, text=text.strip())
    session.add(message)
    session.flush()
    return message


def deliver(session: Session, handoff_id: str) -> list[str]:
    """A handoff's undelivered words, oldest first, for the bot to send; our copy is blanked."""
    messages = (
        session.query(ResponderMessage)
        .filter(ResponderMessage.handoff_id == handoff_id, ResponderMessage.delivered_at.is_(None))
        .order_by(ResponderMessage.id)
        .all()
    )
    texts = [message.text for message in messages]
    now = utcnow()
    for message in messages:
        # From here on the transcript is the words' only home.
        message.delivered_at = now
        message.text = ""
    return texts


def withdraw(session: Session, message_id: int) -> bool:
    """Drop a message the bot could not deliver; False when it was delivered after all."""
    message = session.get(ResponderMessage, message_id)
    if message is None or message.delivered_at is not None:
        return False
    session.delete(message)
    return True


def _iso(moment: dt.datetime) -> str:
    return moment.replace(microsecond=0).isoformat() + "Z"


def _accept_command(handoff: Handoff) -> str:
    """The command a responder runs to take this handoff."""
    return f"bot handoff accept {handoff.id} --responder NAME"


def notice(handoff: Handoff, webhook_format: str) -> dict[str, Any]:
    """The body sent to responders: category, id, times and how to accept; no message text."""
    if webhook_format == "slack":
        summary = (
            f"Kindly: a person asked for a human ({handoff.category}). "
            f"Handoff {handoff.id}, waiting until {_iso(handoff.timeout_at)}."
        )
        detail = (
            "*Kindly: a person is waiting for a human*\n"
            f"*Category:* `{handoff.category}`\n*Handoff:* `{handoff.id}`\n"
            f"*Requested:* {_iso(handoff.requested_at)}  *Times out:* {_iso(handoff.timeout_at)}\n"
            f"To accept: `{_accept_command(handoff)}`"
        )
        return {
            "text": summary,
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": detail}}],
        }
    return {
        "type": "handoff_requested",
        "handoff_id": handoff.id,
        "category": handoff.category,
        "requested_at": _iso(handoff.requested_at),
        "timeout_at": _iso(handoff.timeout_at),
        "how_to_accept": _accept_command(handoff),
    }


def notify(handoff: Handoff, settings: Settings) -> str | None:
    """Tell responders a person is waiting; None on success, else a short reason it failed."""
    if not settings.handoff_webhook_url:
        return "no responder webhook configured"
    if settings.handoff_webhook_format not in WEBHOOK_FORMATS:
        return f"unknown webhook format {settings.handoff_webhook_format[:20]!r}"
    if not settings.handoff_webhook_url.startswith(("https://", "http://")):
        return "webhook URL is not http(s)"
    body = json.dumps(notice(handoff, settings.handoff_webhook_format)).encode("utf-8")
    try:
        post = urllib.request.Request(
            settings.handoff_webhook_url,
            data=body,
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(post, timeout=NOTIFY_TIMEOUT_S) as reply:
            reply.read()
    except urllib.error.HTTPError as error:
        reason = f"webhook answered HTTP {error.code}"
    except urllib.error.URLError as error:
        reason = _unreachable(error.reason)
    except (OSError, ValueError, http.client.HTTPException) as error:
        # HTTPException: something answered that does not speak HTTP (a wrong port).
        reason = _unreachable(error)
    else:
        return None
    logger.warning("handoff %s: responders not notified: %s", handoff.id, reason)
    return reason


def _unreachable(cause: object) -> str:
    if isinstance(cause, TimeoutError):
        return "webhook timed out"
    return f"webhook unreachable ({type(cause).__name__})"

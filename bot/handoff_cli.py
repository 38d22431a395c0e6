"""`bot handoff`: responders list, accept, read, write to and release handoffs.

Each change is written to our table first, then Rasa's HTTP API runs the matching action in the
person's conversation, so what they are told, and what the responder writes, lands in the
transcript. When Rasa certainly did not run it, the change is undone, so the table never claims
what the person was not told. The token is sent, never printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import shlex
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from bot import handoff, storage
from bot.settings import Settings

# Triggering an intent waits for the action server and the database; this is generous.
RASA_TIMEOUT_S = 30.0
# `list` shows open handoffs and everything requested within this window.
RECENT_HOURS = 24
EXTERNAL_PREFIX = "EXTERNAL: "  # how Rasa writes triggered intents into the transcript


class RasaError(Exception):
    """Rasa's HTTP API failed; `ran` says whether the action may have run (None: unknown)."""

    def __init__(self, message: str, ran: bool | None) -> None:
        super().__init__(message)
        self.ran = ran


class Rasa:
    """The few calls `bot handoff` makes to Rasa's HTTP API, authenticated with its token."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url.rstrip("/")
        self._token = token

    def _call(self, method: str, path: str, params: dict[str, str], body: Any = None) -> Any:
        if self._token:
            params = {**params, "token": self._token}
        request = urllib.request.Request(
            f"{self.url}{path}?{urllib.parse.urlencode(params)}",
            data=None if body is None else json.dumps(body).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method=method,
        )
        try:
            with urllib.request.urlopen(request, timeout=RASA_TIMEOUT_S) as reply:
                return json.loads(reply.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise _http_error(error.code, self._token is not None) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise self._no_answer(error.reason) from None
            # Refused, no such host: the request never went out.
            raise RasaError(
                f"cannot reach Rasa at {self.url} ({type(error.reason).__name__}); is it "
                "running, and is RASA_URL right?",
                False,
            ) from None
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise self._no_answer(error) from None

    def _no_answer(self, cause: Exception) -> RasaError:
        """The request went out but no usable answer came back, so it may have run."""
        if isinstance(cause, TimeoutError):
            return RasaError(f"Rasa at {self.url} did not answer in time", None)
        # Something answered that is not Rasa's API: a wrong port, a proxy's error page.
        return RasaError(f"Rasa at {self.url} gave no usable answer ({type(cause).__name__})", None)

    def trigger(self, conversation_id: str, intent: str) -> dict[str, Any]:
        """Run an intent in a conversation; the conversation's slots afterwards."""
        state = self._call(
            "POST",
            f"/conversations/{urllib.parse.quote(conversation_id, safe='')}/trigger_intent",
            {"output_channel": "latest", "include_events": "NONE"},
            {"name": intent},
        )
        return dict(state.get("tracker", {}).get("slots") or {})

    def events(self, conversation_id: str) -> list[dict[str, Any]]:
        """Every event of a conversation, oldest first."""
        state = self._call(
            "GET", f"/conversations/{urllib.parse.quote(conversation_id, safe='')}/tracker", {}
        )
        return list(state.get("events") or [])


def _http_error(status: int, had_token: bool) -> RasaError:
    if status in (401, 403):
        advice = "set RASA_TOKEN to the token Rasa was started with" + (
            " (the one given was refused)" if had_token else ""
        )
        return RasaError(f"Rasa refused the request (HTTP {status}): {advice}", False)
    if status == 404:
        return RasaError(
            "Rasa does not know the handoff intents (HTTP 404): train the model with "
            "domain/handoff.yml",
            False,
        )
    if status < 500:
        return RasaError(f"Rasa rejected the request (HTTP {status})", False)
    return RasaError(f"Rasa failed (HTTP {status}); see its log", None)


def _age(delta: dt.timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d"


def _ending(record: handoff.Handoff, now: dt.datetime) -> str:
    if record.status == handoff.REQUESTED:
        if record.timeout_at <= now:
            return "overdue: run `bot handoff expire`"
        return f"times out in {_age(record.timeout_at - now)}"
    if record.status == handoff.ACCEPTED:
        return f"accepted {_age(now - record.accepted_at)} ago"
    if record.status == handoff.RELEASED:
        return f"released {_age(now - record.released_at)} ago"
    return record.notify_error or ""


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _signals(record: handoff.Handoff, now: dt.datetime) -> str:
    """Crises or requests for a person that came while the handoff was open; "" when none."""
    if not record.signal_count or record.last_signal_at is None:
        return ""
    return (
        f"{_plural(record.signal_count, 'new signal')}, the latest "
        f"({record.last_signal_category}) {_age(now - record.last_signal_at)} ago"
    )


def _cmd_list(settings: Settings, rasa: Rasa, args: argparse.Namespace) -> int:
    now = storage.utcnow()
    with storage.open_session(settings.database_url) as session:
        rows = handoff.recent(session, since=now - dt.timedelta(hours=RECENT_HOURS))
    if not rows:
        print(f"no open handoffs, and none requested in the last {RECENT_HOURS} hours")
        return 0
    print(f"{'id':<37}{'category':<27}{'status':<12}{'asked':>7}  {'responder':<16}state")
    for row in rows:
        state = "; ".join(part for part in (_ending(row, now), _signals(row, now)) if part)
        print(
            f"{row.id:<37}{row.category:<27}{row.status:<12}{_age(now - row.requested_at):>7}  "
            f"{row.responder or '-':<16}{state}"
        )
    return 0


def _change_and_tell(
    settings: Settings,
    rasa: Rasa,
    handoff_id: str,
    change: Callable[[Session], handoff.Handoff],
    intent: str,
    told: Callable[[dict[str, Any]], bool],
) -> tuple[handoff.Handoff, str | None]:
    """Apply a change, run its intent, undo it when the person was certainly not told."""
    with storage.open_session(settings.database_url) as session:
        before = handoff.snapshot(handoff.get(session, handoff_id))
        record = change(session)
        session.commit()
    try:
        slots = rasa.trigger(record.conversation_id, intent)
    except RasaError as error:
        if error.ran is False:
            _restore(settings, handoff_id, before)
            return record, f"{error}\n  Nothing changed: the person was not told."
        return record, f"{error}\n  The person may not have been told: check `bot handoff show`."
    if not told(slots):
        _restore(settings, handoff_id, before)
        return record, (
            "Rasa took the request but the conversation did not change: is the action server "
            "running?\n  Nothing changed: the person was not told."
        )
    return record, None


def _restore(settings: Settings, handoff_id: str, before: dict[str, Any]) -> None:
    with storage.open_session(settings.database_url) as session:
        handoff.restore(session, handoff_id, before)
        session.commit()


def _cmd_accept(settings: Settings, rasa: Rasa, args: argparse.Namespace) -> int:
    record, problem = _change_and_tell(
        settings,
        rasa,
        args.id,
        lambda session: handoff.accept(session, args.id, args.responder),
        "EXTERNAL_handoff_accepted",
        lambda slots: slots.get("handoff") == handoff.ACCEPTED,
    )
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print(
        f"Accepted. The person was told that {record.responder} joined.\n"
        f"  read:    bot handoff show {record.id} --responder {shlex.quote(record.responder)}\n"
        f'  write:   bot handoff say {record.id} "..."\n'
        f"  finish:  bot handoff release {record.id}"
    )
    return 0


def _cmd_release(settings: Settings, rasa: Rasa, args: argparse.Namespace) -> int:
    _, problem = _change_and_tell(
        settings,
        rasa,
        args.id,
        lambda session: handoff.release(session, args.id),
        "EXTERNAL_handoff_released",
        lambda slots: slots.get("handoff") is None,
    )
    if problem:
        print(f"error: {problem}", file=sys.stderr)
        return 1
    print("Released. The person was told you left; the automated program has them again.")
    return 0


def _cmd_say(settings: Settings, rasa: Rasa, args: argparse.Namespace) -> int:
    with storage.open_session(settings.database_url) as session:
        message = handoff.add_message(session, args.id, args.text)
        conversation_id = handoff.get(session, args.id).conversation_id
        session.commit()
    problem = None
    try:
        rasa.trigger(conversation_id, "EXTERNAL_responder_message")
    except RasaError as error:
        problem = str(error)
    with storage.open_session(settings.database_url) as session:
        # Undelivered words are dropped rather than left to surface later, out of context.
        withdrawn = handoff.withdraw(session, message.id)
        session.commit()
    if withdrawn:
        problem = problem or "the action server did not deliver it: is it running?"
        print(f"error: {problem}\n  Not delivered: say it again when it is back.", file=sys.stderr)
        return 1
    if problem:
        print(f"warning: {problem}\n  Your message was delivered all the same.", file=sys.stderr)
    print("Delivered.")
    return 0


def _cmd_show(settings: Settings, rasa: Rasa, args: argparse.Namespace) -> int:
    with storage.open_session(settings.database_url) as session:
        record = handoff.held_by(session, args.id, args.responder)
    since = record.requested_at.replace(tzinfo=dt.timezone.utc).timestamp()
    for event in rasa.events(record.conversation_id):
        line = _transcript_line(event, since)
        if line:
            print(line)
    signals = _signals(record, storage.utcnow())
    if signals:
        # Last, where a responder reading along looks; the transcript shows what was written.
        late = record.last_signal_at >= record.accepted_at
        print(
            f"note: {signals}{', after you accepted' if late else ''} (a crisis or a request "
            "for a person while this handoff was open; no second handoff was opened)"
        )
    return 0


def _transcript_line(event: dict[str, Any], since: float) -> str | None:
    """One event as the responder reads it; None for events they need not see."""
    text = event.get("text")
    if not text or float(event.get("timestamp") or 0) < since:
        return None
    metadata = event.get("metadata") or {}
    at = dt.datetime.fromtimestamp(event["timestamp"], dt.timezone.utc).strftime("%H:%M:%S")
    if event.get("event") == "user":
        if metadata.get("is_external") or text.startswith(EXTERNAL_PREFIX):
            return None
        return f"{at}  person:  {text}"
    if event.get("event") == "bot":
        # rasa-sdk nests `utter_message(metadata=...)` one level down in the bot event.
        responder = metadata.get("responder") or (metadata.get("metadata") or {}).get("responder")
        return f"{at}  {responder + ' (you)' if responder else 'Kindly (bot)'}:  {text}"
    return None


def _cmd_expire(settings: Settings, rasa: Rasa, args: argparse.Namespace) -> int:
    # The timeout action in the conversation marks the request and tells the person, so a
    # request stays waiting (and a later `expire` retries) until the person has been told.
    with storage.open_session(settings.database_url) as session:
        waiting = [(record.id, record.conversation_id) for record in handoff.overdue(session)]
    if not waiting:
        print("no request is waiting past its timeout")
        return 0
    failed = 0
    for handoff_id, conversation_id in waiting:
        try:
            rasa.trigger(conversation_id, "EXTERNAL_handoff_timeout")
        except RasaError as error:
            failed += 1
            print(f"{handoff_id}: the person was not told ({error}); run expire again",
                  file=sys.stderr)  # fmt: skip
            continue
        with storage.open_session(settings.database_url) as session:
            told = handoff.get(session, handoff_id).status == handoff.TIMED_OUT
        if told:
            print(f"{handoff_id}: timed out; the person was told nobody could join")
        else:
            failed += 1
            print(f"{handoff_id}: Rasa answered but the timeout action did not run (is the "
                  "action server up?); run expire again", file=sys.stderr)  # fmt: skip
    return 1 if failed else 0


_COMMANDS: dict[str, Callable[[Settings, Rasa, argparse.Namespace], int]] = {
    "list": _cmd_list,
    "accept": _cmd_accept,
    "say": _cmd_say,
    "show": _cmd_show,
    "release": _cmd_release,
    "expire": _cmd_expire,
}


def run(args: argparse.Namespace) -> int:
    """Run one `bot handoff` subcommand; refusals are printed plainly, with exit status 1."""
    settings = Settings.load()
    try:
        return _COMMANDS[args.action](settings, Rasa(settings.rasa_url, settings.rasa_token), args)
    except (handoff.HandoffError, RasaError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


def add_parser(sub: Any) -> None:
    """Register `bot handoff` and its subcommands on the `bot` command's subparsers."""
    parser = sub.add_parser(
        "handoff",
        help="human handoff: list, accept, show, say, release, expire",
        description="Uses BOT_DATABASE_URL (our tables), RASA_URL and RASA_TOKEN (Rasa's API).",
    )
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser(
        "list", help=f"open handoffs and those of the last {RECENT_HOURS} hours (never text)"
    )
    accept = actions.add_parser("accept", help="take a waiting handoff; the person is told")
    accept.add_argument("id")
    accept.add_argument("--responder", required=True, help="your name as the person will see it")
    say = actions.add_parser("say", help="write to the person (accepted handoffs only)")
    say.add_argument("id")
    say.add_argument("text")
    show = actions.add_parser("show", help="the conversation since the handoff was requested")
    show.add_argument("id")
    show.add_argument("--responder", required=True, help="the name you accepted with")
    release = actions.add_parser("release", help="leave; the automated program takes over")
    release.add_argument("id")
    actions.add_parser("expire", help="time out requests past their timeout and tell the people")
    parser.set_defaults(func=run)

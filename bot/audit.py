"""Safety audit: every detection, and what the bot showed after it, without the person's words.

Rasa publishes each new tracker event to the event broker configured in endpoints.yml
(`event_broker: {type: bot.audit.AuditEventBroker}`). This broker watches those events: a user
message with a detection (crisis, crisis check, backdraft, a mild risk cue) opens an audit
record for that conversation, and the responses and actions that follow are added to it until
the next user message. A confirming question the cue-counting policy asked on its own
(`crisis_check_form` activated without a crisis intent) is recorded as a cumulative check.
When the turn activated the confirming question, the record also follows the turn in which the
person answers, so it shows what the answer led to.

Only names are stored: intents, risk categories, cues, detectors, response and action names,
and the region code. Never the text, the entities or the quoted phrase; every value is checked
to look like a name before it is kept. Writes run on a background thread, so a slow or broken
database never holds up a reply; failures are logged by error type only.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import queue
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from rasa.core.brokers.broker import EventBroker
from sqlalchemy import Column, DateTime, String, func
from sqlalchemy.orm import Session

from bot.resources import REGIONS
from bot.settings import Settings
from bot.storage import Base, open_session, utcnow

logger = logging.getLogger(__name__)

CRISIS, CRISIS_CHECK, CUE, BACKDRAFT = "crisis", "crisis_check", "cue", "backdraft"
CUMULATIVE_CHECK = "cumulative_check"
KINDS = (CRISIS, CRISIS_CHECK, CUE, BACKDRAFT, CUMULATIVE_CHECK)
CHECK_FORM = "crisis_check_form"
REGION_SLOT = "region"
# Anything in the region slot that is not one of its values is stored as this, never as itself:
# the slot is filled from what the person says.
REGION_OTHER = "other"
# Rasa's own bookkeeping, never something the person saw.
NOT_SHOWN = frozenset({"action_listen", "action_extract_slots", "action_session_start"})
# Event types the broker follows; every other type is ignored unread.
_HANDLED = frozenset(
    {"user", "bot", "action", "active_loop", "slot", "restart", "session_started", "reset_slots"}
)

# Conversations idle this long are forgotten: their records are already written, only the
# region in force and the open turn are lost.
IDLE_SECONDS = 3600.0
# A hard bound on conversations followed at once, whatever their age (each is a few hundred
# bytes).
MAX_SENDERS = 10_000
# Records one conversation can have open at once: this turn's own and a confirming question's.
MAX_OPEN_PER_SENDER = 4
# Row writes waiting for the database; beyond this, updates are dropped (and logged) rather
# than let a dead database grow the server's memory.
MAX_QUEUE = 10_000
# Rows written per transaction; a burst of events for one turn becomes one write.
BATCH = 200
# Retries of a failed write before its rows are dropped, with this pause before each.
RETRY_PAUSES_S = (0.5, 2.0)
# How often "queue full" is logged while it lasts.
DROP_LOG_INTERVAL_S = 60.0
# How long `close` waits for pending writes when Rasa shuts down.
CLOSE_TIMEOUT_S = 5.0

# Names are identifiers: intents, responses, actions, categories, cues, detectors. A value that
# does not look like one is not kept, so free text can never slip into a column.
_NAME = re.compile(r"[A-Za-z0-9_+\-./]{1,64}")
# Deterministic record ids: a re-published event (Rasa's fail-safe store, `rasa export`)
# updates its record instead of adding a second one.
_ID_NAMESPACE = uuid.UUID("6f1c3a52-2a0e-4c59-9a43-0f5b1c7e4d21")


class AuditRecord(Base):  # type: ignore[valid-type,misc]
    """One detection in one conversation and what the bot showed next; never the message."""

    __tablename__ = "audit_records"

    id = Column(String(36), primary_key=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    at = Column(DateTime, nullable=False, default=utcnow, index=True)
    kind = Column(String(32), nullable=False)
    # floor, classifier or floor+classifier for a risk; empty for cues and backdraft.
    detector = Column(String(64), nullable=True)
    category = Column(String(64), nullable=True)
    risk_level = Column(String(16), nullable=True)
    intent = Column(String(64), nullable=True)
    # Mild risk cues the message carried (hopelessness, burdensomeness, isolation), comma-separated.
    cues = Column(String(255), nullable=True)
    # Responses and actions that followed, in order, comma-separated.
    shown = Column(String(2000), nullable=False, default="")
    region = Column(String(16), nullable=True)


@dataclass(frozen=True)
class _Row:
    """Column values of one record at one moment, handed to the writer thread."""

    id: str
    conversation_id: str
    at: dt.datetime
    kind: str
    intent: str | None
    detector: str | None = None
    category: str | None = None
    risk_level: str | None = None
    cues: str | None = None
    # Both are set on every save, from what is shown so far and the region then in force.
    shown: str = ""
    region: str | None = None


@dataclass
class _Open:
    """A record still collecting what is shown; owned by the event loop's thread."""

    row: _Row
    shown: list[str] = field(default_factory=list)
    # User messages that close it: the next one, or the one after when its turn asked the
    # confirming question, so the record shows what the answer led to.
    turns_left: int = 1


@dataclass
class _Sender:
    """What the broker knows about one conversation between events."""

    last_seen: float
    region: str | None = None
    turn_intent: str | None = None
    # Name of the action whose response (bot event) is expected next, so a response action is
    # listed once, not once for the action and once for its message.
    pending_action: str | None = None
    open: list[_Open] = field(default_factory=list)


def _dict(value: Any) -> dict[str, Any]:
    """The value if it is a dict, else an empty one: missing keys count as absent."""
    return value if isinstance(value, dict) else {}


def _name(value: Any) -> str | None:
    """The value if it looks like a name, else None."""
    if isinstance(value, str) and _NAME.fullmatch(value):
        return value
    if value is not None:
        logger.warning("audit: a value that is not a name was left out")
    return None


def _region(value: Any) -> str | None:
    """A value of the region slot; anything else becomes "other"."""
    if value is None:
        return None
    code = value.lower() if isinstance(value, str) else ""
    return code if code in REGIONS else REGION_OTHER


def _when(event: dict[str, Any]) -> dt.datetime:
    """The event's own time (UTC, no zone), or now."""
    stamp = event.get("timestamp")
    if isinstance(stamp, int | float):
        try:
            return dt.datetime.fromtimestamp(stamp, dt.timezone.utc).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            pass
    return utcnow()


def _record_id(sender: str, kind: str, event: dict[str, Any]) -> str:
    stamp = event.get("timestamp")
    if isinstance(stamp, int | float):
        return str(uuid.uuid5(_ID_NAMESPACE, f"{sender}\x1f{kind}\x1f{float(stamp)!r}"))
    return str(uuid.uuid4())


def detection_kind(intent: str | None, signals: dict[str, Any]) -> str | None:
    """Which kind of audit record a user message calls for, or None for an ordinary one."""
    if intent == CRISIS or signals.get("risk_level") == "explicit":
        return CRISIS
    if intent == CRISIS_CHECK or signals.get("risk_category"):
        return CRISIS_CHECK
    if intent == BACKDRAFT or signals.get("backdraft") is True:
        return BACKDRAFT
    if signals.get("cues"):
        return CUE
    return None


class _Writer:
    """Writes rows on one background thread; the newest values of a record win."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._queue: queue.Queue[_Row | None] = queue.Queue(maxsize=MAX_QUEUE)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._dropped = 0
        self._last_drop_log = 0.0

    def submit(self, row: _Row) -> None:
        """Queue a row; never blocks, drops (and logs) when the queue is full."""
        self._ensure_thread()
        try:
            self._queue.put_nowait(row)
        except queue.Full:
            self._dropped += 1
            now = time.monotonic()
            if now - self._last_drop_log >= DROP_LOG_INTERVAL_S:
                self._last_drop_log = now
                logger.error("audit: write queue full, %d update(s) dropped", self._dropped)

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            taken = 1
            if first is None:
                self._queue.task_done()
                return
            batch: dict[str, _Row] = {first.id: first}
            stop = False
            while taken < BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                taken += 1
                if item is None:
                    stop = True
                    break
                batch[item.id] = item
            try:
                self._write(list(batch.values()))
            finally:
                for _ in range(taken):
                    self._queue.task_done()
            if stop:
                return

    def _write(self, rows: list[_Row]) -> None:
        for attempt in range(len(RETRY_PAUSES_S) + 1):
            try:
                with open_session(self._url) as session:
                    for row in rows:
                        session.merge(AuditRecord(**asdict(row)))
                    session.commit()
                return
            except Exception as error:  # noqa: BLE001 - an audit failure must never spread
                # The error's text can carry SQL parameters; its type is enough to act on.
                if attempt < len(RETRY_PAUSES_S):
                    time.sleep(RETRY_PAUSES_S[attempt])
                    continue
                logger.error(
                    "audit: write failed (%s), %d record(s) not saved",
                    type(error).__name__,
                    len(rows),
                )

    def flush(self, timeout: float) -> bool:
        """Wait until every queued row is written or given up; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._queue.all_tasks_done:
            while self._queue.unfinished_tasks:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._queue.all_tasks_done.wait(remaining)
        return True

    def stop(self, timeout: float) -> None:
        """Write what is queued (within timeout) and end the thread."""
        if self._thread is None or not self._thread.is_alive():
            return
        try:
            self._queue.put(None, timeout=timeout)
        except queue.Full:
            return
        self._thread.join(timeout)


class AuditEventBroker(EventBroker):  # type: ignore[misc]
    """Rasa event broker that turns safety detections into audit records."""

    def __init__(self, url: str, clock: Callable[[], float] = time.monotonic) -> None:
        self._writer = _Writer(url)
        self._clock = clock
        self._senders: OrderedDict[str, _Sender] = OrderedDict()
        self._closed = False

    @classmethod
    async def from_endpoint_config(
        cls, broker_config: Any, event_loop: asyncio.AbstractEventLoop | None = None
    ) -> AuditEventBroker:
        """The broker from endpoints.yml; `url` is optional, the default is our database."""
        url = getattr(broker_config, "url", None) or Settings.load().database_url
        return cls(url)

    def is_ready(self) -> bool:
        """Ready until closed: the database is only needed by the writer thread."""
        return not self._closed

    async def close(self) -> None:
        """Write what is pending (a few seconds at most) when Rasa shuts down."""
        self._closed = True
        await asyncio.get_running_loop().run_in_executor(None, self._writer.stop, CLOSE_TIMEOUT_S)

    def flush(self, timeout: float = CLOSE_TIMEOUT_S) -> bool:
        """Block until the records so far are written; for tests and tools, not the server."""
        return self._writer.flush(timeout)

    def publish(self, event: dict[str, Any], headers: dict[str, Any] | None = None) -> None:
        """Follow one tracker event; never raises, whatever the event or the database does."""
        if self._closed:
            return
        try:
            self._follow(event)
        except Exception as error:  # noqa: BLE001 - a conversation must never fail for this
            logger.error("audit: event not followed (%s)", type(error).__name__)

    def _sender(self, sender_id: str) -> _Sender:
        now = self._clock()
        state = self._senders.get(sender_id)
        if state is None:
            state = self._senders[sender_id] = _Sender(last_seen=now)
        state.last_seen = now
        self._senders.move_to_end(sender_id)
        while self._senders:
            oldest = next(iter(self._senders.values()))
            if len(self._senders) <= MAX_SENDERS and now - oldest.last_seen <= IDLE_SECONDS:
                break
            self._senders.popitem(last=False)
        return state

    def _follow(self, event: dict[str, Any]) -> None:
        sender_id = event.get("sender_id")
        kind = event.get("event")
        if not isinstance(sender_id, str) or kind not in _HANDLED:
            return
        state = self._sender(sender_id)
        if kind == "user":
            self._on_user(sender_id, state, event)
        elif kind == "bot":
            name = _dict(event.get("metadata")).get("utter_action")
            if name is not None and name == state.pending_action:
                state.pending_action = None  # the message of the action just listed
            elif name is not None:
                self._show(state, name)
        elif kind == "action":
            self._on_action(state, event)
        elif kind == "active_loop":
            self._on_active_loop(sender_id, state, event)
        elif kind == "slot":
            if event.get("name") == REGION_SLOT:
                state.region = _region(event.get("value"))
        else:  # restart, session_started, reset_slots: slots are cleared, the turn is over
            state.region = None
            state.turn_intent = None
            state.pending_action = None
            state.open = []

    def _on_user(self, sender_id: str, state: _Sender, event: dict[str, Any]) -> None:
        parse_data = _dict(event.get("parse_data"))
        signals = _dict(parse_data.get("signals"))
        intent = _name(_dict(parse_data.get("intent")).get("name"))
        state.turn_intent = intent
        state.pending_action = None
        # A new message closes the records of the turn before, unless one asked the
        # confirming question and this message is the answer.
        for record in state.open:
            record.turns_left -= 1
        state.open = [o for o in state.open if o.turns_left > 0]
        kind = detection_kind(intent, signals)
        if kind is None:
            return
        cues = signals.get("cues")
        cue_names = sorted(
            {name for name in map(_name, cues) if name} if isinstance(cues, list | tuple) else ()
        )
        category = signals.get("risk_category")
        row = _Row(
            id=_record_id(sender_id, kind, event),
            conversation_id=sender_id,
            at=_when(event),
            kind=kind,
            detector=_name(signals.get("risk_detector")),
            # A category that is not a name is still a risk: it is kept as unspecified.
            category=(_name(category) or "unspecified") if category else None,
            risk_level=_name(signals.get("risk_level")),
            intent=intent,
            cues=",".join(cue_names) or None,
        )
        self._open(state, _Open(row=row))

    def _on_action(self, state: _Sender, event: dict[str, Any]) -> None:
        name = event.get("name")
        if name == "action_listen":
            # The turn is over; its records stay open for anything shown before the next message.
            state.turn_intent = None
            state.pending_action = None
            return
        if not isinstance(name, str) or name in NOT_SHOWN:
            return
        self._show(state, name)
        state.pending_action = name

    def _on_active_loop(self, sender_id: str, state: _Sender, event: dict[str, Any]) -> None:
        # A form emits this once, when it starts: later steps of the same form do not, so an
        # answer to the question is never mistaken for a new question.
        if event.get("name") != CHECK_FORM:
            return
        for record in state.open:
            record.turns_left = 2  # the question was asked: follow the answer too
        if state.turn_intent in (CRISIS, CRISIS_CHECK):
            return
        row = _Row(
            id=_record_id(sender_id, CUMULATIVE_CHECK, event),
            conversation_id=sender_id,
            at=_when(event),
            kind=CUMULATIVE_CHECK,
            intent=state.turn_intent,
        )
        self._open(state, _Open(row=row, shown=[CHECK_FORM], turns_left=2))

    def _open(self, state: _Sender, record: _Open) -> None:
        state.open = [*state.open, record][-MAX_OPEN_PER_SENDER:]
        self._save(state, record)

    def _show(self, state: _Sender, name: Any) -> None:
        safe = _name(name)
        if safe is None:
            return
        for record in state.open:
            record.shown.append(safe)
            self._save(state, record)

    def _save(self, state: _Sender, record: _Open) -> None:
        shown = ",".join(record.shown)
        if len(shown) > 2000:
            shown = shown[:1996].rsplit(",", 1)[0] + ",..."
        record.row = replace(record.row, shown=shown, region=state.region)
        self._writer.submit(record.row)


def summary(
    session: Session, since: dt.datetime | None = None
) -> list[tuple[str, str | None, str | None, int]]:
    """Counts by kind, category and detector; cue records count under their cues."""
    category = func.coalesce(AuditRecord.category, AuditRecord.cues)
    query = session.query(AuditRecord.kind, category, AuditRecord.detector, func.count())
    if since is not None:
        query = query.filter(AuditRecord.at >= since)
    rows = query.group_by(AuditRecord.kind, category, AuditRecord.detector).all()
    return sorted(
        ((kind, cat, det, int(n)) for kind, cat, det, n in rows),
        key=lambda r: (KINDS.index(r[0]) if r[0] in KINDS else len(KINDS), r[1] or "", r[2] or ""),
    )


def records(
    session: Session, conversation_id: str | None = None, limit: int = 50
) -> list[AuditRecord]:
    """The newest records, of one conversation or all, newest first."""
    query = session.query(AuditRecord)
    if conversation_id is not None:
        query = query.filter(AuditRecord.conversation_id == conversation_id)
    return list(query.order_by(AuditRecord.at.desc(), AuditRecord.id).limit(limit).all())

"""Our own tables (exercise runs and their ratings), kept apart from Rasa's tracker store."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, declarative_base

from bot.settings import Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")

Base = declarative_base()

STARTED, FINISHED, ABANDONED = "started", "finished", "abandoned"


def utcnow() -> dt.datetime:
    """Timestamps are stored in UTC without a zone, the same on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class ExerciseRun(Base):  # type: ignore[valid-type,misc]
    """One attempt at an exercise: which, how it ended, and the 0-10 ratings around it."""

    __tablename__ = "exercise_runs"

    id = Column(String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    conversation_id = Column(String(255), nullable=False, index=True)
    exercise = Column(String(64), nullable=False)
    status = Column(String(16), nullable=False, default=STARTED)
    pre_rating = Column(Integer, nullable=True)
    post_rating = Column(Integer, nullable=True)
    # Post rating heavier than pre rating: a backdraft signal the safety layer acts on.
    worsened = Column(Boolean, nullable=False, default=False)
    # Times distress surfaced during or right after the exercise ("I don't deserve kindness").
    backdraft_count = Column(Integer, nullable=False, default=0, server_default="0")
    started_at = Column(DateTime, nullable=False, default=utcnow)
    ended_at = Column(DateTime, nullable=True)


class ChannelEvent(Base):  # type: ignore[valid-type,misc]
    """A delivery a channel has already taken in (Slack's `event_id`): a retry is not a new turn."""

    __tablename__ = "channel_events"

    key = Column(String(255), primary_key=True)
    received_at = Column(DateTime, nullable=False, default=utcnow, index=True)


# Slack retries for about an hour; a day of keys is plenty and keeps the table small.
CHANNEL_EVENT_DAYS = 1


def first_delivery(session: Session, key: str) -> bool:
    """Record `key`; True the first time it is seen, False for every repeat."""
    session.add(ChannelEvent(key=key))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    cutoff = utcnow() - dt.timedelta(days=CHANNEL_EVENT_DAYS)
    session.query(ChannelEvent).filter(ChannelEvent.received_at < cutoff).delete()
    return True


# The Rasa server (audit broker) and the action server write the same SQLite file. WAL lets
# one write while the other reads; a writer that finds the file locked waits this long before
# failing (a best-effort write is then logged and skipped, see `attempt`): far longer than any
# of our writes takes, short enough not to stall a person's reply for long.
SQLITE_BUSY_TIMEOUT_MS = 5000


def _is_sqlite_file(url: str) -> bool:
    """Whether the URL names an SQLite database in a file (WAL needs one; memory has none)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    # ":memory:", or a shared in-memory URI ("file::memory:?uri=true", "file:x?mode=memory").
    return bool(database) and ":memory:" not in database and parsed.query.get("mode") != "memory"


def _share_sqlite_file(engine: Engine) -> None:
    """Every new connection to the file uses WAL and waits for a lock instead of failing."""

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        finally:
            cursor.close()


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    """One engine per database URL, created on first use and the tables with it."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True, pool_pre_ping=True)
    if _is_sqlite_file(url):
        _share_sqlite_file(engine)
    Base.metadata.create_all(engine)
    _add_missing_columns(engine)
    return engine


def open_session(database_url: str | None = None) -> Session:
    """A session on our tables, in the configured database unless another URL is given.

    Loaded fields stay readable after commit, so a reply can be sent without the database.
    """
    url = database_url or Settings.load().database_url
    return Session(engine_for(url), expire_on_commit=False)


def attempt(doing: str, work: Callable[[Session], T], unknown: T) -> T:
    """Run `work` in a session and commit; when the database fails, log and give `unknown`.

    For actions: a person's conversation never stops because a record could not be written.
    `doing` is logged, so it must never contain anything a person wrote.
    """
    try:
        with open_session() as session:
            result = work(session)
            session.commit()
            return result
    except (SQLAlchemyError, OSError):
        logger.exception("could not %s", doing)
        return unknown


def _add_missing_columns(engine: Engine) -> None:
    """Columns added since a table was created are added to it (each has a server default)."""
    inspector = inspect(engine)
    for table in Base.metadata.sorted_tables:
        existing = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in existing:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            default = column.server_default.arg if column.server_default is not None else None
            clause = f" DEFAULT {default}" if default is not None else ""
            with engine.begin() as connection:
                connection.execute(
                    text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}{clause}')
                )


def start_run(session: Session, conversation_id: str, exercise: str) -> ExerciseRun:
    """Record that an exercise began."""
    run = ExerciseRun(conversation_id=conversation_id, exercise=exercise, status=STARTED)
    session.add(run)
    session.flush()
    return run


def end_run(
    session: Session,
    run_id: str,
    status: str,
    pre_rating: int | None,
    post_rating: int | None,
) -> ExerciseRun | None:
    """Record how an exercise ended and its ratings; None if the run is unknown."""
    run = session.get(ExerciseRun, run_id)
    if run is None:
        return None
    run.status = status
    run.pre_rating = pre_rating
    run.post_rating = post_rating
    run.worsened = pre_rating is not None and post_rating is not None and post_rating > pre_rating
    run.ended_at = utcnow()
    return run


def record_backdraft(session: Session, run_id: str) -> ExerciseRun | None:
    """Count one backdraft moment on a run; None if the run is unknown."""
    run = session.get(ExerciseRun, run_id)
    if run is not None:
        run.backdraft_count = (run.backdraft_count or 0) + 1
    return run


def runs_for(session: Session, conversation_id: str) -> list[ExerciseRun]:
    """Every run of one conversation, oldest first."""
    return (
        session.query(ExerciseRun)
        .filter(ExerciseRun.conversation_id == conversation_id)
        .order_by(ExerciseRun.started_at)
        .all()
    )

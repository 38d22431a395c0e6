"""Exercise runs in our own table."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot import storage


def test_run_lifecycle_with_ratings(tmp_path: Path) -> None:
    engine = storage.engine_for(f"sqlite:///{tmp_path / 'runs.db'}")
    with Session(engine) as session:
        run = storage.start_run(session, "conv-1", "friend_reframe")
        session.commit()
        run_id = run.id
    with Session(engine) as session:
        storage.end_run(session, run_id, storage.FINISHED, 7, 9)
        session.commit()
    with Session(engine) as session:
        (stored,) = storage.runs_for(session, "conv-1")
        assert stored.status == storage.FINISHED
        assert (stored.pre_rating, stored.post_rating) == (7, 9)
        assert stored.worsened is True  # heavier afterwards: the backdraft signal
        assert stored.started_at <= stored.ended_at


def test_abandoned_run_keeps_partial_ratings(tmp_path: Path) -> None:
    engine = storage.engine_for(f"sqlite:///{tmp_path / 'runs.db'}")
    with Session(engine) as session:
        run_id = storage.start_run(session, "conv-2", "self_compassion_break").id
        storage.end_run(session, run_id, storage.ABANDONED, 6, None)
        session.commit()
        (stored,) = storage.runs_for(session, "conv-2")
        assert (stored.status, stored.pre_rating, stored.post_rating) == ("abandoned", 6, None)
        assert stored.worsened is False


def test_unknown_run_is_none(tmp_path: Path) -> None:
    engine = storage.engine_for(f"sqlite:///{tmp_path / 'runs.db'}")
    with Session(engine) as session:
        assert storage.end_run(session, "no-such-run", storage.FINISHED, 1, 2) is None


def test_conversations_are_kept_apart(tmp_path: Path) -> None:
    engine = storage.engine_for(f"sqlite:///{tmp_path / 'runs.db'}")
    with Session(engine) as session:
        storage.start_run(session, "a", "friend_reframe")
        storage.start_run(session, "b", "friend_reframe")
        session.commit()
        assert [r.conversation_id for r in storage.runs_for(session, "a")] == ["a"]


def test_attempt_commits_and_returns_the_result(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'ok.db'}")
    run_id = storage.attempt("start", lambda s: storage.start_run(s, "c", "x").id, None)
    with storage.open_session() as session:
        assert [r.id for r in storage.runs_for(session, "c")] == [run_id]


def test_attempt_gives_unknown_when_the_database_fails(tmp_path: Path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "blocked").write_text("a file where a folder should be")
    monkeypatch.setenv("BOT_DATABASE_URL", f"sqlite:///{tmp_path / 'blocked' / 'db.sqlite'}")
    assert storage.attempt("record a run", lambda s: storage.start_run(s, "c", "x"), "unknown") == (
        "unknown"
    )
    assert "could not record a run" in caplog.text


def test_a_column_added_later_is_added_to_an_old_table(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    raw = storage.create_engine(url)
    with raw.begin() as connection:
        connection.execute(storage.text(
            "CREATE TABLE exercise_runs (id VARCHAR(36) PRIMARY KEY, conversation_id VARCHAR(255)"
            " NOT NULL, exercise VARCHAR(64) NOT NULL, status VARCHAR(16) NOT NULL, pre_rating"
            " INTEGER, post_rating INTEGER, worsened BOOLEAN NOT NULL, started_at DATETIME NOT"
            " NULL, ended_at DATETIME)"
        ))  # fmt: skip
    with Session(storage.engine_for(url)) as session:
        run = storage.start_run(session, "c", "x")
        storage.record_backdraft(session, run.id)
        session.commit()
        assert run.backdraft_count == 1


def test_a_file_database_is_shared_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    # The Rasa server's audit broker and the action server write the same file.
    engine = storage.engine_for(f"sqlite:///{tmp_path / 'shared.db'}")
    with engine.connect() as connection:
        assert connection.execute(storage.text("PRAGMA journal_mode")).scalar() == "wal"
        busy = connection.execute(storage.text("PRAGMA busy_timeout")).scalar()
        assert busy == storage.SQLITE_BUSY_TIMEOUT_MS


@pytest.mark.parametrize(
    "url, file",
    [
        ("sqlite:///var/bot.db", True),  # the default
        ("sqlite:////srv/kindly/bot.db", True),  # absolute path
        ("sqlite+pysqlite:///var/bot.db", True),  # driver named
        # In memory there is no file to share and no WAL.
        ("sqlite://", False),
        ("sqlite:///:memory:", False),
        ("sqlite:///file::memory:?uri=true", False),
        ("sqlite:///file:kindly?mode=memory&uri=true", False),
        # PostgreSQL has its own concurrency: no SQLite pragmas there.
        ("postgresql://kindly@db/kindly", False),
        ("postgresql+psycopg2://kindly@db/kindly", False),
    ],
)
def test_only_sqlite_files_get_the_pragmas(url: str, file: bool) -> None:
    assert storage._is_sqlite_file(url) is file


def test_an_in_memory_database_still_works(tmp_path: Path) -> None:
    engine = storage.engine_for("sqlite://")
    with Session(engine) as session:
        storage.start_run(session, "c", "x")
        session.commit()
        assert len(storage.runs_for(session, "c")) == 1

"""Exercise actions against a throwaway database, with trackers built in code."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.exercises import ActionFinishExercise, ActionStartExercise, ActionStopExercise
from bot import storage
from tests.factories import tracker


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    return url


def _run(action, t):  # type: ignore[no-untyped-def]
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, t, {}))
    return (
        dispatcher.messages,
        {e["name"]: e["value"] for e in events if e["event"] == "slot"},
        events,
    )


def test_start_records_run_and_clears_previous_answers(database: str) -> None:
    _, slots, _ = _run(ActionStartExercise(), tracker("c1", intent="choose_friend"))
    assert slots["pre_rating"] is None and slots["friend_words"] is None
    with Session(storage.engine_for(database)) as session:
        (run,) = storage.runs_for(session, "c1")
        assert run.id == slots["exercise_run_id"]
        assert (run.exercise, run.status) == ("friend_reframe", "started")


def test_finish_stores_both_ratings_and_reports_change(database: str) -> None:
    _, started, _ = _run(ActionStartExercise(), tracker("c2", intent="choose_break"))
    finished = tracker(
        "c2",
        slots={"exercise_run_id": started["exercise_run_id"], "pre_rating": 8, "post_rating": 5},
    )
    messages, slots, _ = _run(ActionFinishExercise(), finished)
    assert slots == {"rating_change": "better"}
    assert messages == []  # the closing words come from rules, not code
    with Session(storage.engine_for(database)) as session:
        (run,) = storage.runs_for(session, "c2")
        assert (run.status, run.pre_rating, run.post_rating, run.worsened) == (
            "finished",
            8,
            5,
            False,
        )


def test_finish_flags_a_worse_rating(database: str) -> None:
    _, started, _ = _run(ActionStartExercise(), tracker("c3", intent="choose_break"))
    t = tracker(
        "c3",
        slots={"exercise_run_id": started["exercise_run_id"], "pre_rating": 3, "post_rating": 7},
    )
    _, slots, _ = _run(ActionFinishExercise(), t)
    assert slots["rating_change"] == "worse"
    with Session(storage.engine_for(database)) as session:
        assert storage.runs_for(session, "c3")[0].worsened is True


def test_stop_abandons_run_and_closes_form(database: str) -> None:
    _, started, _ = _run(ActionStartExercise(), tracker("c4", intent="choose_break"))
    t = tracker(
        "c4",
        slots={"exercise_run_id": started["exercise_run_id"], "pre_rating": 6},
        active_loop="self_compassion_break_form",
    )
    _, _, events = _run(ActionStopExercise(), t)
    assert {"event": "active_loop", "name": None} in [
        {k: e.get(k) for k in ("event", "name")} for e in events if e["event"] == "active_loop"
    ]
    with Session(storage.engine_for(database)) as session:
        (run,) = storage.runs_for(session, "c4")
        assert (run.status, run.pre_rating, run.post_rating) == ("abandoned", 6, None)


def test_database_down_does_not_break_the_exercise(monkeypatch: pytest.MonkeyPatch) -> None:
    # An unreachable database loses the record, never the conversation.
    monkeypatch.setenv("BOT_DATABASE_URL", "postgresql://kindly@127.0.0.1:1/nowhere")
    _, slots, _ = _run(ActionStartExercise(), tracker("c5", intent="choose_break"))
    assert slots["exercise_run_id"] is None
    assert slots["pre_rating"] is None  # the exercise itself still starts clean

"""The cached SQL tracker store stores exactly what Rasa's own SQL store would."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import CachedSQLTrackerStore
from tests.conftest import ROOT

DOMAIN = Domain.load(str(ROOT / "domain"))


def _store(cls, db: Path):  # type: ignore[no-untyped-def]
    return cls(domain=DOMAIN, dialect="sqlite", db=str(db))


def _turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text, {"name": "self_criticism", "confidence": 1.0}), DOMAIN)
    tracker.update(ActionExecuted("utter_acknowledge_self_criticism"), DOMAIN)
    tracker.update(SlotSet("critical_phrase", text), DOMAIN)
    tracker.update(ActionExecuted("action_listen"), DOMAIN)


def test_turns_survive_a_new_store_instance(tmp_path: Path) -> None:
    db = tmp_path / "rasa.db"
    store = _store(CachedSQLTrackerStore, db)
    tracker = DialogueStateTracker.from_events(
        "me",
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        DOMAIN.slots,
    )  # noqa: E501
    asyncio.run(store.save(tracker))
    for text in ["I'm useless", "I always ruin everything"]:
        tracker = asyncio.run(store.retrieve("me"))
        assert tracker is not None
        _turn(tracker, text)
        asyncio.run(store.save(tracker))
    # A restarted server (new store, empty cache) and Rasa's own store see the same events.
    fresh = asyncio.run(_store(CachedSQLTrackerStore, db).retrieve("me"))
    plain = asyncio.run(_store(SQLTrackerStore, db).retrieve("me"))
    assert fresh is not None and plain is not None

    def kinds(t: DialogueStateTracker) -> list[str]:
        return [e.as_dict()["event"] for e in t.events]

    assert kinds(fresh) == kinds(plain)
    # Both read the latest session, from `session_started` on, with every turn in it.
    assert kinds(plain) == kinds(tracker)[-len(plain.events) :]
    assert kinds(plain)[0] == "session_started" and len(plain.events) == len(tracker.events) - 1
    assert plain.get_slot("critical_phrase") == "I always ruin everything"


def test_retrieved_tracker_is_a_copy(tmp_path: Path) -> None:
    # The processor mutates what it retrieves; a turn that fails before saving must not leak
    # half-done events into the next turn.
    store = _store(CachedSQLTrackerStore, tmp_path / "rasa.db")
    tracker = DialogueStateTracker.from_events(
        "you", [ActionExecuted("action_listen")], DOMAIN.slots
    )
    asyncio.run(store.save(tracker))
    first = asyncio.run(store.retrieve("you"))
    assert first is not None
    _turn(first, "unsaved")
    second = asyncio.run(store.retrieve("you"))
    assert second is not None and len(second.events) == 1

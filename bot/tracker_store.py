"""Rasa's SQL tracker store with the conversations in use kept in memory between turns.

Rasa re-reads and re-parses a conversation's whole session from SQL on every message and
counts the stored rows again on every save; under load that was a third of the server's time.
With one Rasa server writing the store, the last saved state is already in memory, so reads
come from here and Rasa's own save is told from memory which events are new. Restarting the
server loses nothing: the cache starts empty and fills from SQL. With several replicas (the
scale configuration) use Rasa's plain `SQL` store instead: another replica may have written
since.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

# Conversations kept in memory; each is a few hundred events at most, well under a megabyte.
DEFAULT_CACHE_SIZE = 2000


def _sqlite_wal(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class CachedSQLTrackerStore(SQLTrackerStore):
    """SQL tracker store for a single server, with a write-through cache of recent trackers."""

    def __init__(self, *args: Any, cache_size: int = DEFAULT_CACHE_SIZE, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # Write-ahead logging: a commit no longer waits for a full sync of the database
            # file, and readers never block the writer. A power cut can lose the last turn, not
            # corrupt the store.
            sa.event.listen(self.engine, "connect", _sqlite_wal)
            self.engine.dispose()
        self._cache_size = int(cache_size)
        # sender_id -> (events stored for the current session, snapshot of the tracker)
        self._cache: OrderedDict[str, tuple[int, DialogueStateTracker]] = OrderedDict()

    def _remember(self, tracker: DialogueStateTracker) -> None:
        self._cache[tracker.sender_id] = (len(tracker.events), tracker.copy())
        self._cache.move_to_end(tracker.sender_id)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session of a conversation, from memory when this server saved it last."""
        cached = self._cache.get(sender_id)
        if cached is not None:
            self._cache.move_to_end(sender_id)
            return cached[1].copy()
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._remember(tracker)
        return tracker

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator[Any]:
        """Events not yet stored: counted from memory instead of a COUNT query per save."""
        cached = self._cache.get(tracker.sender_id)
        if cached is None or cached[0] > len(tracker.events):
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, cached[0], len(tracker.events))

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save (new events only), then keep the tracker in memory."""
        await super().save(tracker)
        self._remember(tracker)

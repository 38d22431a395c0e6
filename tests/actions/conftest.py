"""Fixtures shared by the action tests: a fresh database and a responders' webhook."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_http import FakeServer


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite file, and no handoff settings from the machine running the tests."""
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    monkeypatch.delenv("BOT_HANDOFF_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("BOT_HANDOFF_WEBHOOK_FORMAT", raising=False)
    monkeypatch.delenv("BOT_HANDOFF_TIMEOUT_SECONDS", raising=False)
    return url


@pytest.fixture
def webhook(monkeypatch: pytest.MonkeyPatch, database: str) -> Iterator[FakeServer]:
    """A local stand-in for the responders' webhook, configured for the actions."""
    with FakeServer() as server:
        monkeypatch.setenv("BOT_HANDOFF_WEBHOOK_URL", server.url)
        yield server

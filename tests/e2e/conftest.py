"""One set of real servers for all end-to-end tests: actions, Rasa, the chat page, a fake Slack."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.launch import Servers
from tests.fake_http import FakeServer, Recorded
from tests.model_fixtures import require_model

SLACK_TOKEN = "xoxb-e2e-test-token"
SLACK_SECRET = "e2e-slack-signing-secret"


class FakeSlack(FakeServer):
    """A local stand-in for Slack's Web API: records every call and answers like Slack, each
    message with its own `ts` (kept in `stamps`, by the request it answered)."""

    def __init__(self) -> None:
        counter = itertools.count(1)
        self.stamps: dict[int, str] = {}

        def reply(request: Recorded) -> tuple[int, dict[str, object]]:
            stamp = f"1700000000.{next(counter):06d}"
            self.stamps[id(request)] = stamp
            body = request.body if request.raw.startswith(b"{") else {}
            return 200, {"ok": True, "channel": (body or {}).get("channel"), "ts": stamp}

        super().__init__(reply)


@pytest.fixture(scope="session")
def slack_api() -> Iterator[FakeSlack]:
    """The fake Slack Web API for the whole run."""
    with FakeSlack() as fake:
        yield fake


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory, slack_api: FakeSlack) -> Iterator[Servers]:
    """Action server + Rasa server on the trained model, with their own SQLite files, the chat
    page server, and the Slack channel pointed at the fake Slack API."""
    model = require_model()
    running = Servers(
        workdir=Path(tmp_path_factory.mktemp("e2e")),
        model=model,
        channel_env={
            "SLACK_BOT_TOKEN": SLACK_TOKEN,
            "SLACK_SIGNING_SECRET": SLACK_SECRET,
            "SLACK_API_URL": slack_api.url + "/api/",
        },
    )
    running.start_actions()
    running.start_rasa()
    running.start_web()
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop_all()

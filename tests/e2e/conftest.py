"""One pair of real servers for all end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.launch import Servers
from tests.model_fixtures import require_model


@pytest.fixture(scope="session")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    """Action server + Rasa server on the trained model, with their own SQLite files."""
    model = require_model()
    running = Servers(workdir=Path(tmp_path_factory.mktemp("e2e")), model=model)
    running.start_actions()
    running.start_rasa()
    try:
        running.wait_ready()
        yield running
    finally:
        running.stop_all()

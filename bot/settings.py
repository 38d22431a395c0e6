"""Settings read from the environment, with defaults that run everything locally on SQLite."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
# The domain is a folder: hand-written words in kindly.yml, generated crisis lines beside them.
DOMAIN_DIR = ROOT / "domain"
LEXICON_DIR = DATA_DIR / "lexicons"
VAR_DIR = ROOT / "var"


@dataclass(frozen=True)
class Settings:
    """Everything configurable, read once per call to `load`; nothing is done at import time."""

    database_url: str
    rasa_url: str
    model_dir: Path
    # Human handoff: where responders are told a person asked for someone (None: no responder
    # is configured, and the person is told so), in which body format, and how long a request
    # waits for a responder before the person hears that nobody could join.
    handoff_webhook_url: str | None = None
    handoff_webhook_format: str = "json"
    handoff_timeout_seconds: int = 300
    # Token of Rasa's HTTP API, for `bot handoff` (scripts/run prints it).
    rasa_token: str | None = None

    @classmethod
    def load(cls) -> Settings:
        """Read the environment; the defaults need no other service."""
        return cls(
            database_url=os.environ.get("BOT_DATABASE_URL", f"sqlite:///{VAR_DIR / 'bot.db'}"),
            rasa_url=os.environ.get("RASA_URL", "http://127.0.0.1:5005"),
            model_dir=Path(os.environ.get("BOT_MODEL_DIR", ROOT / "models")),
            handoff_webhook_url=os.environ.get("BOT_HANDOFF_WEBHOOK_URL") or None,
            handoff_webhook_format=os.environ.get("BOT_HANDOFF_WEBHOOK_FORMAT", "json"),
            handoff_timeout_seconds=int(os.environ.get("BOT_HANDOFF_TIMEOUT_SECONDS", "300")),
            rasa_token=os.environ.get("RASA_TOKEN") or None,
        )

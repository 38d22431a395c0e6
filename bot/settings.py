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
DEFAULT_WEB_PORT = 8080
SLACK_API_URL = "https://slack.com/api/"


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
    # The chat page (`bot web`): its port, the origins allowed to open a socket to Rasa (None:
    # the local page server), where the page finds Rasa (None: Rasa on this machine at
    # rasa_port), and the session-signing secret (None: one kept in var/, made on first use).
    web_port: int = DEFAULT_WEB_PORT
    web_origins: tuple[str, ...] | None = None
    rasa_public_url: str | None = None
    rasa_port: int = 5005
    web_session_secret: str | None = None
    # Slack: the bot token (None: the Slack channel is off), the request-signing secret, and the
    # Web API base URL (a fake one in tests).
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_api_url: str = SLACK_API_URL

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
            web_port=int(os.environ.get("WEB_PORT") or DEFAULT_WEB_PORT),
            web_origins=_csv(os.environ.get("WEB_ORIGINS")),
            rasa_public_url=(os.environ.get("RASA_PUBLIC_URL") or "").rstrip("/") or None,
            rasa_port=int(os.environ.get("RASA_PORT") or 5005),
            web_session_secret=os.environ.get("WEB_SESSION_SECRET") or None,
            slack_bot_token=os.environ.get("SLACK_BOT_TOKEN") or None,
            slack_signing_secret=os.environ.get("SLACK_SIGNING_SECRET") or None,
            slack_api_url=os.environ.get("SLACK_API_URL") or SLACK_API_URL,
        )


def _csv(value: str | None) -> tuple[str, ...] | None:
    """A comma-separated list, or None when unset or empty."""
    items = tuple(item.strip() for item in (value or "").split(",") if item.strip())
    return items or None

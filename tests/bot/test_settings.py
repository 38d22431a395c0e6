"""Settings come from the environment, with defaults that need no other service."""

from __future__ import annotations

import pytest

from bot.settings import SLACK_API_URL, Settings

ENV = (
    "WEB_PORT", "WEB_ORIGINS", "RASA_PUBLIC_URL", "RASA_PORT", "WEB_SESSION_SECRET",
    "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL",
)  # fmt: skip


def test_channel_defaults_run_everything_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    settings = Settings.load()
    assert (settings.web_port, settings.rasa_port) == (8080, 5005)
    assert settings.web_origins is None and settings.rasa_public_url is None
    assert settings.web_session_secret is None
    assert settings.slack_bot_token is None and settings.slack_signing_secret is None
    assert settings.slack_api_url == SLACK_API_URL


def test_channel_settings_are_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_PORT", "9090")
    monkeypatch.setenv("WEB_ORIGINS", " https://chat.example.org , ,https://b.example.org")
    monkeypatch.setenv("RASA_PUBLIC_URL", "https://rasa.example.org/")
    monkeypatch.setenv("RASA_PORT", "5055")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "shh")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9999/api/")
    settings = Settings.load()
    assert settings.web_port == 9090 and settings.rasa_port == 5055
    assert settings.web_origins == ("https://chat.example.org", "https://b.example.org")
    assert settings.rasa_public_url == "https://rasa.example.org"
    assert (settings.slack_bot_token, settings.slack_signing_secret) == ("xoxb-test", "shh")
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"

"""Starts the real action server and Rasa server on free ports, on SQLite in a work folder.

Used by the end-to-end tests and by `make bench`.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from bot.settings import ROOT

RASA = str(Path(sys.executable).parent / "rasa")
TRACKER_STORE = "bot.tracker_store.CachedSQLTrackerStore"  # as in endpoints.yml
# Loading TensorFlow and the model takes ~20 s on two cores; give a loaded machine room.
START_TIMEOUT_S = 240


def free_port() -> int:
    """A TCP port nothing is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Servers:
    """A running pair of servers and everything needed to talk to them."""

    workdir: Path
    model: Path
    token: str = "e2e-test-token"
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    # Signs the chat page's session tokens; both the page server and Rasa need it.
    web_secret: str = "e2e-web-session-secret-not-for-production"
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)  # type: ignore[type-arg]
    # Channel settings (Slack) for the whole run.
    channel_env: dict[str, str] = field(default_factory=dict)
    # Extra environment for both servers, e.g. a handoff webhook for one test.
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """Base URL of the Rasa server."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def web_url(self) -> str:
        """Base URL of the chat page server."""
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def database_url(self) -> str:
        """Where the action server stores exercise runs."""
        return f"sqlite:///{self.workdir / 'bot.db'}"

    def env(self) -> dict[str, str]:
        """Environment for both servers."""
        return {
            **os.environ,
            "BOT_DATABASE_URL": self.database_url,
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "RASA_TELEMETRY_ENABLED": "false",
            "WEB_SESSION_SECRET": self.web_secret,
            "WEB_ORIGINS": self.web_url,
            "RASA_PUBLIC_URL": self.url,
            "RASA_PORT": str(self.rasa_port),
            **self.channel_env,
            **self.extra_env,
        }

    def start_actions(self) -> None:
        """Start the action server with our database in the work folder."""
        log = (self.workdir / "actions.log").open("ab")
        self.procs["actions"] = subprocess.Popen(
            [RASA, "run", "actions", "--actions", "actions", "--port", str(self.action_port)],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def start_rasa(self) -> None:
        """Start the Rasa server with its tracker store in the work folder."""
        endpoints = self.workdir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n'
            f"tracker_store:\n  type: {TRACKER_STORE}\n  dialect: sqlite\n"
            f'  db: "{self.workdir / "rasa.db"}"\n'
            f"event_broker:\n  type: bot.audit.AuditEventBroker\n  url: {self.database_url}\n"
        )
        log = (self.workdir / "rasa.log").open("ab")
        self.procs["rasa"] = subprocess.Popen(
            [RASA, "run", "-m", str(self.model), "--enable-api", "--auth-token", self.token,
             "--port", str(self.rasa_port), "--endpoints", str(endpoints),
             "--credentials", str(ROOT / "credentials.yml")],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def start_web(self) -> None:
        """Start the chat page server (`bot web`) and wait until it answers."""
        log = (self.workdir / "web.log").open("ab")
        bot = str(Path(sys.executable).parent / "bot")
        self.procs["web"] = subprocess.Popen(
            [bot, "web", "--port", str(self.web_port)],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.procs["web"].poll() is not None:
                raise RuntimeError(f"web server exited; see {self.workdir}/web.log")
            try:
                if requests.get(f"{self.web_url}/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise TimeoutError("the chat page server did not start")

    def wait_ready(self) -> None:
        """Block until the model is loaded and both servers accept connections."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            for name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise RuntimeError(f"{name} server exited; see {self.workdir}/{name}.log")
            try:
                status = requests.get(f"{self.url}/status", params={"token": self.token}, timeout=2)
                actions_up = socket.create_connection(("127.0.0.1", self.action_port), 1)
                actions_up.close()
                if status.ok and status.json().get("model_file"):
                    return
            except (requests.RequestException, OSError):
                pass
            time.sleep(1)
        raise TimeoutError("servers did not become ready")

    def stop(self, name: str) -> None:
        """Stop one server ("rasa" or "actions") gracefully."""
        proc = self.procs.pop(name, None)
        if proc and proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()

    def stop_all(self) -> None:
        """Stop every server this object started."""
        for name in list(self.procs):
            self.stop(name)

    def say(self, sender: str, text: str) -> list[dict]:  # type: ignore[type-arg]
        """Send one message over the REST channel; the bot's replies."""
        response = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        )
        response.raise_for_status()
        return list(response.json())

    def tracker(self, sender: str) -> dict:  # type: ignore[type-arg]
        """The stored conversation, through the token-protected HTTP API."""
        response = requests.get(
            f"{self.url}/conversations/{sender}/tracker", params={"token": self.token}, timeout=30
        )
        response.raise_for_status()
        return dict(response.json())

"""How long a reply takes to appear on each channel (part of `make bench`; also run on its own).

One person at a time says "I'm such an idiot, I always ruin everything" in a new conversation
(the heaviest ordinary turn: detectors, reflection, offer with buttons), on:
- REST: request to response;
- the chat page's socket.io channel (python-socketio client, long-polling: the browser uses a
  websocket, which is at least as fast): emit to the first `bot_uttered`;
- Slack: signed event posted to the webhook to the webhook's answer (Slack wants it within 3 s),
  and to the first `chat.postMessage` arriving at a local stand-in for Slack's Web API.
Figures are printed, never asserted.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import statistics
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
import socketio

from bot.launch import Servers
from bot.settings import ROOT

TEXT = "I'm such an idiot, I always ruin everything"
SLACK_SECRET = "bench-signing-secret"


class _SlackStandIn:
    """Records when each chat.postMessage arrives, by channel."""

    def __init__(self) -> None:
        self.arrivals: dict[str, list[float]] = {}
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.endswith("chat.postMessage"):
                    channel = json.loads(body or b"{}").get("channel", "")
                    stand_in.arrivals.setdefault(channel, []).append(time.perf_counter())
                answer = json.dumps({"ok": True, "ts": f"{time.time():.6f}"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"


def _ms(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def rest(servers: Servers, runs: int) -> list[float]:
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        servers.say(f"bench-{uuid.uuid4()}", TEXT)
        took.append(time.perf_counter() - start)
    return took


async def _web_once(servers: Servers) -> float:
    token = requests.post(f"{servers.web_url}/session", json={}, timeout=10).json()["token"]
    client = socketio.AsyncClient()
    first = asyncio.get_running_loop().create_future()

    @client.on("bot_uttered")
    async def _reply(_message: Any) -> None:
        if not first.done():
            first.set_result(time.perf_counter())

    await client.connect(
        servers.url, auth={"token": token}, transports=["polling"],
        headers={"Origin": servers.web_url},
    )  # fmt: skip
    await client.emit("session_request", {})
    start = time.perf_counter()
    await client.emit("user_uttered", {"message": TEXT})
    arrived = await asyncio.wait_for(first, 60)
    await client.disconnect()
    return float(arrived - start)


def web(servers: Servers, runs: int) -> list[float]:
    return [asyncio.run(_web_once(servers)) for _ in range(runs)]


def slack(servers: Servers, stand_in: _SlackStandIn, runs: int) -> tuple[list[float], list[float]]:
    answered, replied = [], []
    for _ in range(runs):
        user = "U" + uuid.uuid4().hex[:10].upper()
        body = {
            "type": "event_callback",
            "event_id": "Ev" + uuid.uuid4().hex[:12],
            "event": {"type": "message", "channel_type": "im", "channel": "D" + user,
                      "user": user, "text": TEXT, "ts": f"{time.time():.6f}"},
        }  # fmt: skip
        raw = json.dumps(body).encode()
        stamp = str(int(time.time()))
        signature = hmac.new(SLACK_SECRET.encode(), f"v0:{stamp}:".encode() + raw, hashlib.sha256)
        start = time.perf_counter()
        response = requests.post(
            f"{servers.url}/webhooks/slack/webhook",
            data=raw,
            headers={
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": f"v0={signature.hexdigest()}",
            },
            timeout=10,
        )
        answered.append(time.perf_counter() - start)
        response.raise_for_status()
        deadline = time.monotonic() + 60
        while not stand_in.arrivals.get("D" + user) and time.monotonic() < deadline:
            time.sleep(0.005)
        replied.append(stand_in.arrivals["D" + user][0] - start)
    return answered, replied


def measure(servers: Servers, stand_in: _SlackStandIn, runs: int = 10) -> dict[str, Any]:
    """Every channel's figures on running servers (warmed up first)."""
    rest(servers, 2)
    web(servers, 1)
    slack(servers, stand_in, 1)
    answered, replied = slack(servers, stand_in, runs)
    return {
        "rest_reply": _ms(rest(servers, runs)),
        "web_first_reply": _ms(web(servers, runs)),
        "slack_webhook_answer": _ms(answered),
        "slack_first_post": _ms(replied),
    }


def print_table(results: dict[str, Any]) -> None:
    print(f"{'channel (one person, first reply)':<36}{'p50 ms':>9}{'max ms':>9}")
    for name, row in results.items():
        print(f"{name:<36}{row['p50_ms']:>9.0f}{row['max_ms']:>9.0f}")


def slack_stand_in() -> _SlackStandIn:
    """A running stand-in for Slack's Web API."""
    return _SlackStandIn()


def start_servers(work: Path, model: Path, stand_in: _SlackStandIn) -> Servers:
    """Actions, Rasa (Slack pointed at the stand-in) and the page server, not yet ready."""
    servers = Servers(
        workdir=work,
        model=model,
        channel_env={
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SLACK_SECRET,
            "SLACK_API_URL": stand_in.url,
        },
    )
    servers.start_actions()
    servers.start_rasa()
    servers.start_web()
    return servers


def main() -> int:
    stand_in = slack_stand_in()
    with tempfile.TemporaryDirectory() as work:
        servers = start_servers(Path(work), ROOT / "models" / "kindly.tar.gz", stand_in)
        try:
            servers.wait_ready()
            results = measure(servers, stand_in)
        finally:
            servers.stop_all()
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

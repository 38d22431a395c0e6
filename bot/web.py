"""The chat page server (`bot web`): the page, its session tokens and the crisis lines, no more.

The page talks to Rasa directly over the socket.io channel (`bot/channels/webchat.py`); this server
only hands out what the page needs:

- `/` and `/static/...`: the page (web/), and the socket.io client from web/node_modules (npm, at
  set-up; no CDN at run time), with its licence at `/licenses/socket.io-client`;
- `POST /session`: a signed token naming the browser's conversation, renewed when the page sends
  back a genuine one, new otherwise;
- `/config.json`: where Rasa's socket.io channel is;
- `/help.json`: every region's crisis lines from data/resources/, so "Get help now" works even
  when Rasa is down.

Standard library only: it serves a handful of small files to one page per person.
"""

from __future__ import annotations

import json
import logging
import mimetypes
from functools import lru_cache
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.channels.render import segments
from bot.channels.session import issue, verify, web_secret
from bot.crisis_lines import everywhere_text, help_text
from bot.resources import load_directory
from bot.settings import ROOT, Settings

logger = logging.getLogger(__name__)

WEB_DIR = ROOT / "web"
STATIC_DIR = WEB_DIR / "static"
SOCKET_IO_DIR = WEB_DIR / "node_modules" / "socket.io-client"
# Files the page may load, by the path it asks for.
VENDOR = {
    "/static/vendor/socket.io.min.js": SOCKET_IO_DIR / "dist" / "socket.io.min.js",
    "/licenses/socket.io-client": SOCKET_IO_DIR / "LICENSE",
}
MAX_BODY_BYTES = 8192


def socket_url() -> str:
    """Where the page finds Rasa: `RASA_PUBLIC_URL`, else Rasa on this machine."""
    settings = Settings.load()
    return settings.rasa_public_url or f"http://127.0.0.1:{settings.rasa_port}"


@lru_cache(maxsize=1)
def help_lines() -> dict[str, Any]:
    """Every region's general crisis lines, rendered with links, in the directory's order."""
    directory = load_directory()
    return {
        "regions": [
            {
                "code": region.code,
                "name": region.name,
                "segments": segments(help_text(directory, region.code)),
            }
            for region in directory.regions
        ]
    }


@lru_cache(maxsize=1)
def page() -> bytes:
    """The page, with every emergency number and main line for readers without JavaScript."""
    html = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    return html.replace("<!--EMERGENCY-->", escape(everywhere_text(load_directory()))).encode()


def content_security_policy(rasa: str) -> str:
    """Only this server's files, and connections to this server and Rasa."""
    parts = urlsplit(rasa)
    ws = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self' {rasa} {ws}; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'; object-src 'none'"
    )


def make_handler(secret: str, rasa: str) -> type[BaseHTTPRequestHandler]:
    """A request handler bound to the signing secret and Rasa's address."""
    csp = content_security_policy(rasa)

    class Handler(BaseHTTPRequestHandler):
        server_version = "kindly-web"
        sys_version = ""

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            # Paths only; nothing here carries a person's words.
            logger.debug("%s %s", self.address_string(), format % args)

        def _send(self, status: int, body: bytes, content_type: str, cache: bool = False) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Content-Security-Policy", csp)
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.send_header("X-Frame-Options", "DENY")
            self.send_header("Cache-Control", "public, max-age=300" if cache else "no-store")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _json(self, status: int, value: object) -> None:
            self._send(status, json.dumps(value).encode(), "application/json; charset=utf-8")

        def _file(self, path: Path) -> None:
            if not path.is_file():
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                return
            kind = mimetypes.guess_type(path.name)[0] or "text/plain"
            if kind.startswith("text/") or kind.endswith("javascript"):
                kind += "; charset=utf-8"
            if path.name == "LICENSE":
                kind = "text/plain; charset=utf-8"
            self._send(HTTPStatus.OK, path.read_bytes(), kind, cache=path.suffix != ".html")

        def do_GET(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            if path in ("/", "/index.html"):
                self._send(HTTPStatus.OK, page(), "text/html; charset=utf-8")
            elif path in VENDOR:
                self._file(VENDOR[path])
            elif path.startswith("/static/"):
                name = path.removeprefix("/static/")
                target = (STATIC_DIR / name).resolve()
                if STATIC_DIR.resolve() not in target.parents:
                    self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                else:
                    self._file(target)
            elif path == "/config.json":
                self._json(HTTPStatus.OK, {"socket_url": rasa, "socket_path": "/socket.io"})
            elif path == "/help.json":
                self._json(HTTPStatus.OK, help_lines())
            elif path == "/healthz":
                self._json(HTTPStatus.OK, {"status": "ok"})
            else:
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})

        do_HEAD = do_GET  # noqa: N815

        def do_POST(self) -> None:  # noqa: N802
            if urlsplit(self.path).path != "/session":
                self._json(HTTPStatus.NOT_FOUND, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": "too large"})
                return
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                body = {}
            held = body.get("token") if isinstance(body, dict) else None
            # A genuine token keeps its conversation; anything else starts a new one.
            conversation_id = verify(secret, held)
            token = issue(secret, conversation_id)
            self._json(HTTPStatus.OK, {"token": token, "conversation_id": verify(secret, token)})

    return Handler


def make_server(
    port: int, host: str = "127.0.0.1", secret: str | None = None
) -> ThreadingHTTPServer:
    """The page server, bound but not yet serving."""
    if not VENDOR["/static/vendor/socket.io.min.js"].is_file():
        raise SystemExit(
            "web/node_modules is missing: run `make run` (or `npm ci --prefix web`) to install "
            "the socket.io client"
        )
    server = ThreadingHTTPServer((host, port), make_handler(secret or web_secret(), socket_url()))
    server.daemon_threads = True
    return server


def serve(port: int | None = None, host: str = "127.0.0.1") -> None:
    """Serve the page until interrupted."""
    port = port or Settings.load().web_port
    server = make_server(port, host)
    print(f"Chat page: http://{host}:{port}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()

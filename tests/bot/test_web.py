"""The chat page server and its signed sessions."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
import requests

from bot.channels import session
from bot.web import make_server

SECRET = "unit-test-secret-of-at-least-32-characters"
OTHER = "another-secret-also-32-characters-long"


def test_a_token_names_its_conversation() -> None:
    token = session.issue(SECRET, "web-abc")
    assert session.verify(SECRET, token) == "web-abc"
    fresh = session.verify(SECRET, session.issue(SECRET))
    assert fresh is not None and fresh.startswith("web-") and len(fresh) == 36


@pytest.mark.parametrize(
    "token",
    [
        None, "", 42, "not-a-token", "x" * 5000,
        jwt.encode({"sub": "web-abc", "aud": session.AUDIENCE}, OTHER, algorithm="HS256"),
        jwt.encode({"sub": "web-abc", "aud": "someone-else"}, SECRET, algorithm="HS256"),
        jwt.encode({"sub": "not-web", "aud": session.AUDIENCE}, SECRET, algorithm="HS256"),
        jwt.encode({"sub": "web-abc", "aud": session.AUDIENCE}, None, algorithm="none"),
    ],
)  # fmt: skip
def test_anything_but_a_genuine_token_is_refused(token: object) -> None:
    assert session.verify(SECRET, token) is None


def test_an_expired_token_is_refused() -> None:
    old = session.issue(SECRET, "web-abc", now=1_000_000)
    assert session.verify(SECRET, old) is None


def test_the_secret_is_made_once_and_kept_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("WEB_SESSION_SECRET", raising=False)
    path = tmp_path / "var" / "web.secret"
    first = session.web_secret(path)
    assert session.web_secret(path) == first and len(first) > 40
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    monkeypatch.setenv("WEB_SESSION_SECRET", "from-the-environment-32-characters-or-more")
    assert session.web_secret(path) == "from-the-environment-32-characters-or-more"
    monkeypatch.setenv("WEB_SESSION_SECRET", "short")
    with pytest.raises(ValueError, match="32"):
        session.web_secret(path)


@pytest.fixture(scope="module")
def page_server() -> Iterator[str]:
    server = make_server(0, secret=SECRET)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_page_is_served_with_a_strict_policy(page_server: str) -> None:
    response = requests.get(page_server + "/", timeout=10)
    assert response.ok and "Get help now" in response.text
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Without JavaScript the page still gives every emergency number, from the directory.
    assert "<!--EMERGENCY-->" not in response.text and "000 in Australia" in response.text
    assert "116 123" in response.text  # and each country's main line


def test_the_socket_io_client_and_its_licence_come_from_this_server(page_server: str) -> None:
    script = requests.get(page_server + "/static/vendor/socket.io.min.js", timeout=10)
    assert (
        script.ok
        and "javascript" in script.headers["Content-Type"]
        and len(script.content) > 10_000
    )
    licence = requests.get(page_server + "/licenses/socket.io-client", timeout=10)
    assert licence.ok and "MIT" in licence.text
    page = requests.get(page_server + "/", timeout=10).text
    assert "http" not in page.split("<script")[1].split(">")[0]  # no CDN


def test_sessions_are_new_or_renewed_never_chosen(page_server: str) -> None:
    new = requests.post(page_server + "/session", json={}, timeout=10).json()
    assert session.verify(SECRET, new["token"]) == new["conversation_id"]
    renewed = requests.post(
        page_server + "/session", json={"token": new["token"]}, timeout=10
    ).json()
    assert renewed["conversation_id"] == new["conversation_id"]
    forged = jwt.encode(
        {"sub": new["conversation_id"], "aud": session.AUDIENCE},
        "a-guessed-secret-that-is-32-chars-long",
        algorithm="HS256",
    )
    other = requests.post(page_server + "/session", json={"token": forged}, timeout=10).json()
    assert other["conversation_id"] != new["conversation_id"]
    junk = requests.post(page_server + "/session", data=b"\xff\xfe not json", timeout=10)
    assert junk.ok and junk.json()["conversation_id"].startswith("web-")


def test_help_lists_every_region_with_links(page_server: str) -> None:
    regions = requests.get(page_server + "/help.json", timeout=10).json()["regions"]
    assert [r["code"] for r in regions] == ["us", "ca", "uk", "ie", "au", "nz", "other"]
    for region in regions:
        assert any(s.get("href", "").startswith("tel:") for s in region["segments"]), region["code"]


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../pyproject.toml",
        "/static/%2e%2e/index.html",
        "/nope",
        "/var/web_session.secret",
    ],
)
def test_nothing_outside_the_page_is_served(page_server: str, path: str) -> None:
    response = requests.get(page_server + path, timeout=10)
    assert response.status_code == 404

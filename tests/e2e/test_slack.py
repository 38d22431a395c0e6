"""Slack, offline: signed events and button clicks posted to /webhooks/slack/webhook drive real
conversations; replies land on a fake Slack Web API. Bad and stale signatures are refused and a
retried event never makes a second turn."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.parse
import uuid
from typing import Any

import pytest
import requests

from bot.launch import Servers
from tests.e2e.conftest import SLACK_SECRET, FakeSlack

pytestmark = pytest.mark.e2e


def _signed(
    raw: bytes, secret: str = SLACK_SECRET, timestamp: float | None = None
) -> dict[str, str]:
    stamp = str(int(timestamp if timestamp is not None else time.time()))
    digest = hmac.new(secret.encode(), f"v0:{stamp}:".encode() + raw, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def _user() -> str:
    return "U" + uuid.uuid4().hex[:10].upper()


def _event(user: str, text: str, event_id: str | None = None) -> dict[str, Any]:
    return {
        "type": "event_callback",
        "team_id": "T0KINDLY",
        "api_app_id": "A0KINDLY",
        "event_id": event_id or "Ev" + uuid.uuid4().hex[:12].upper(),
        "event_time": int(time.time()),
        "authorizations": [{"user_id": "U0BOT"}],
        "event": {
            "type": "message",
            "channel_type": "im",
            "channel": "D" + user,
            "user": user,
            "text": text,
            "ts": f"{time.time():.6f}",
        },
    }


def _post_event(
    servers: Servers, body: dict[str, Any], headers: dict[str, str] | None = None, **sign: Any
) -> requests.Response:
    raw = json.dumps(body).encode()
    return requests.post(
        f"{servers.url}/webhooks/slack/webhook",
        data=raw,
        headers={"Content-Type": "application/json", **_signed(raw, **sign), **(headers or {})},
        timeout=10,
    )


def _posts(slack: FakeSlack, user: str) -> list[dict[str, Any]]:
    return [
        r.body
        for r in list(slack.requests)
        if r.path.endswith("/chat.postMessage") and r.body.get("channel") == "D" + user
    ]


def _wait_posts(
    slack: FakeSlack, user: str, at_least: int, quiet: float = 1.0
) -> list[dict[str, Any]]:
    """Every post to the user once at least `at_least` arrived and none came for `quiet` s."""
    deadline = time.monotonic() + 60
    seen, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(_posts(slack, user))
        if count != seen:
            seen, last_change = count, time.monotonic()
        elif count >= at_least and time.monotonic() - last_change >= quiet:
            return _posts(slack, user)
        time.sleep(0.1)
    raise AssertionError(f"expected {at_least} posts to {user}, got {seen}")


def _buttons(post: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in post.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


def _click(
    servers: Servers, user: str, post: dict[str, Any], ts: str, value: str
) -> requests.Response:
    (button,) = (b for b in _buttons(post) if b["value"] == value)
    block = next(
        b["block_id"] for b in post["blocks"] if b["type"] == "actions" and button in b["elements"]
    )
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "channel": {"id": "D" + user},
        "container": {"type": "message", "message_ts": ts, "channel_id": "D" + user},
        "message": {"ts": ts, "text": post["text"], "blocks": post["blocks"]},
        "actions": [{**button, "block_id": block, "action_ts": f"{time.time():.6f}"}],
    }
    raw = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return requests.post(
        f"{servers.url}/webhooks/slack/webhook",
        data=raw,
        headers={"Content-Type": "application/x-www-form-urlencoded", **_signed(raw)},
        timeout=10,
    )


def _ts_of(slack: FakeSlack, post: dict[str, Any]) -> str:
    """The ts the fake Slack gave a post."""
    call = next(r for r in list(slack.requests) if r.raw.startswith(b"{") and r.body == post)
    return slack.stamps[id(call)]


def _user_turns(servers: Servers, user: str) -> list[str]:
    events = servers.tracker(user)["events"]
    return [e["text"] for e in events if e["event"] == "user"]


def test_a_conversation_with_buttons_and_the_rating(servers: Servers, slack_api: FakeSlack) -> None:
    user = _user()
    assert _post_event(servers, _event(user, "I'm such an idiot, I always ruin everything")).ok
    posts = _wait_posts(slack_api, user, 3)
    offer = posts[-1]
    values = [b["value"] for b in _buttons(offer)]
    assert "Self-compassion break" in values, offer
    assert "<" not in json.dumps(offer["blocks"]).replace("\\u003c", "")  # nothing unescaped

    assert _click(servers, user, offer, _ts_of(slack_api, offer), "Self-compassion break").ok
    posts = _wait_posts(slack_api, user, len(posts) + 1)
    rating = posts[-1]
    assert [b["value"] for b in _buttons(rating)] == [str(n) for n in range(11)]
    assert any(b.get("block_id") == "rating" for b in rating["blocks"])
    # The clicked set is replaced by the choice, so it can't be pressed twice.
    updates = [r.body for r in slack_api.requests if r.path.endswith("/chat.update")]
    assert any(
        u["channel"] == "D" + user and "You chose: Self-compassion break" in json.dumps(u)
        for u in updates
    )

    assert _click(servers, user, rating, _ts_of(slack_api, rating), "7").ok
    posts = _wait_posts(slack_api, user, len(posts) + 1)
    assert "feeling" in posts[-1]["text"].lower()
    assert _post_event(servers, _event(user, "ashamed")).ok
    posts = _wait_posts(slack_api, user, len(posts) + 1)
    assert "ashamed" in " ".join(p["text"] for p in posts[-2:])
    assert _user_turns(servers, user) == [
        "I'm such an idiot, I always ruin everything",
        "Self-compassion break",
        "7",
        "ashamed",
    ]


def test_a_second_click_on_the_same_buttons_is_not_a_second_answer(
    servers: Servers, slack_api: FakeSlack
) -> None:
    user = _user()
    assert _post_event(servers, _event(user, "I'm useless, I mess everything up")).ok
    posts = _wait_posts(slack_api, user, 3)
    offer, ts = posts[-1], _ts_of(slack_api, posts[-1])
    assert _click(servers, user, offer, ts, "Self-compassion break").ok
    assert _click(servers, user, offer, ts, "Just talk").ok  # a double click on an old message
    _wait_posts(slack_api, user, len(posts) + 1, quiet=2.0)
    assert _user_turns(servers, user)[-1] == "Self-compassion break"
    assert "Just talk" not in _user_turns(servers, user)


def test_a_crisis_message_gets_plain_crisis_numbers(servers: Servers, slack_api: FakeSlack) -> None:
    user = _user()
    assert _post_event(servers, _event(user, "i want to kill myself tonight")).ok
    posts = _wait_posts(slack_api, user, 2)
    shown = "\n".join(p["text"] for p in posts)
    assert "automated" in shown
    assert "116 123" in shown and "988" in shown  # unknown country: each country's line
    assert "tel:" not in shown and "<" not in shown
    # No exercise follows: no rating scale, no exercise offer.
    assert not any(b.get("block_id") == "rating" for p in posts for b in p.get("blocks", []))
    assert "Self-compassion break" not in json.dumps(posts)


def test_slack_escapes_are_read_as_the_person_typed_them(
    servers: Servers, slack_api: FakeSlack
) -> None:
    user = _user()
    assert _post_event(servers, _event(user, "me &amp; my brain &lt;3 hi")).ok
    _wait_posts(slack_api, user, 1)
    assert _user_turns(servers, user) == ["me & my brain <3 hi"]


def test_a_bad_signature_is_refused(servers: Servers, slack_api: FakeSlack) -> None:
    user = _user()
    response = _post_event(servers, _event(user, "hello"), secret="not-the-secret")
    assert response.status_code == 400
    unsigned = requests.post(
        f"{servers.url}/webhooks/slack/webhook",
        json=_event(user, "hello"),
        timeout=10,
    )
    assert unsigned.status_code == 400
    time.sleep(1.5)
    assert _posts(slack_api, user) == []
    assert _user_turns(servers, user) == []


def test_a_stale_timestamp_is_refused(servers: Servers, slack_api: FakeSlack) -> None:
    user = _user()
    response = _post_event(servers, _event(user, "hello"), timestamp=time.time() - 6 * 60)
    assert response.status_code == 400
    time.sleep(1.5)
    assert _posts(slack_api, user) == []
    assert _user_turns(servers, user) == []


def test_a_retried_event_is_one_turn_and_one_reply(servers: Servers, slack_api: FakeSlack) -> None:
    user = _user()
    event = _event(user, "I'm so stupid, I failed my exam")
    assert _post_event(servers, event).ok
    posts = _wait_posts(slack_api, user, 3)
    for number, reason in ((1, "http_timeout"), (2, "http_error"), (3, "unknown_error")):
        retry = _post_event(
            servers,
            event,
            headers={"X-Slack-Retry-Num": str(number), "X-Slack-Retry-Reason": reason},
        )
        assert retry.ok
    time.sleep(2.0)
    assert len(_posts(slack_api, user)) == len(posts)
    assert _user_turns(servers, user) == ["I'm so stupid, I failed my exam"]


def test_the_url_check_is_answered(servers: Servers) -> None:
    body = {"type": "url_verification", "challenge": "kindly-challenge", "token": "x"}
    response = _post_event(servers, body)
    assert response.ok and "kindly-challenge" in response.text


def test_a_mention_in_a_shared_channel_is_not_answered_there(
    servers: Servers, slack_api: FakeSlack
) -> None:
    user = _user()
    body = _event(user, "<@U0BOT> I'm such an idiot")
    body["event"].update({"type": "app_mention", "channel_type": "channel", "channel": "D" + user})
    assert _post_event(servers, body).ok
    time.sleep(1.5)
    assert _posts(slack_api, user) == []
    assert _user_turns(servers, user) == []

"""End to end over REST: the crisis path from every exercise step, crisis mode, the caring
question, crisis lines by region, backdraft on the stored run, and the human handoff."""

from __future__ import annotations

import subprocess
import time
import uuid
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy.orm import Session

from bot import storage
from bot.audit import AuditRecord
from bot.handoff import Handoff
from bot.launch import ROOT, Servers
from tests.fake_http import FakeServer

pytestmark = pytest.mark.e2e

# Exercise prompts, one phrase each, that must never follow a disclosure.
EXERCISE_PROMPTS = ("how heavy does", "what are you feeling", "not alone in it", "kind thing you",
                    "what do you need", "what would you say to them", "saying those same words",
                    "How did that land")  # fmt: skip
BREAK_ANSWERS = ["7", "ashamed", "other people feel this too", "be gentle", "rest", "5"]
FRIEND_ANSWERS = ["6", "you did your best", "I did my best", "softer", "4"]
STEPS = [("Self-compassion break", i) for i in range(len(BREAK_ANSWERS))] + [
    ("What would I say to a friend?", i) for i in range(len(FRIEND_ANSWERS))
]


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def _shown(rows: list[AuditRecord]) -> str:
    return (rows[0].shown or "") if rows else ""


def _slots(servers: Servers, sender: str) -> dict:
    return dict(servers.tracker(sender)["slots"])


def _assert_support(replies: list[dict]) -> None:
    text = _texts(replies)
    assert "automated" in text  # honest in every crisis reply
    assert "988" in text or "116 123" in text  # crisis lines from the directory
    assert not any(prompt in text for prompt in EXERCISE_PROMPTS), text


@pytest.mark.parametrize(("choice", "step"), STEPS, ids=[f"{c[:6]}-{s}" for c, s in STEPS])
def test_a_crisis_at_every_step_leads_to_support_and_never_back(
    servers: Servers, choice: str, step: int
) -> None:
    me = f"step-{uuid.uuid4()}"
    servers.say(me, "I'm such a failure")
    servers.say(me, choice)
    answers = BREAK_ANSWERS if choice.startswith("Self") else FRIEND_ANSWERS
    for answer in answers[:step]:
        servers.say(me, answer)
    _assert_support(servers.say(me, "I want to end my life"))
    # Whatever comes next, the exercise does not come back: crisis mode checks in.
    after = servers.say(me, answers[step])
    assert not any(prompt in _texts(after) for prompt in EXERCISE_PROMPTS)
    tracker = servers.tracker(me)
    assert tracker["active_loop"].get("name") is None
    assert tracker["slots"]["crisis_active"] is True


def test_slash_text_and_greetings_keep_crisis_state_until_the_person_is_safe(
    servers: Servers,
) -> None:
    me = f"sticky-{uuid.uuid4()}"
    servers.say(me, "i wanna kms")
    for text in ("/restart", "/greet", "/session_start", "hi"):
        replies = servers.say(me, text)
        assert "how are you right now" in _texts(replies)
        assert _slots(servers, me)["crisis_active"] is True, text
    assert "116 123" in _texts(servers.say(me, "help"))  # lines again, any time
    assert "glad you're safe" in _texts(servers.say(me, "I'm safe now and want to go on"))
    assert _slots(servers, me)["crisis_active"] is False


def test_a_hinted_risk_gets_one_question_and_no_is_respected(servers: Servers) -> None:
    me = f"ask-no-{uuid.uuid4()}"
    replies = servers.say(me, "I've been giving my things away")
    assert "ending your life" in _texts(replies)
    replies = servers.say(me, "No")
    assert "Thank you for answering" in _texts(replies)
    assert _slots(servers, me)["crisis_active"] is False


def test_a_hinted_emergency_is_asked_about_the_emergency_not_suicide(servers: Servers) -> None:
    me = f"ask-medical-{uuid.uuid4()}"
    replies = _texts(servers.say(me, "my dad says his chest feels tight and he's gone a bit grey"))
    assert "seriously unwell" in replies and "ending your life" not in replies
    assert "emergency number" in _texts(servers.say(me, "No"))
    assert _slots(servers, me)["crisis_active"] is False


@pytest.mark.parametrize("answer", ["Yes", "I'm not sure", "whatever"])
def test_any_answer_but_no_goes_to_support(servers: Servers, answer: str) -> None:
    me = f"ask-{uuid.uuid4()}"
    servers.say(me, "everyone would be better off without me")
    _assert_support(servers.say(me, answer))
    assert _slots(servers, me)["crisis_active"] is True


def test_lines_follow_the_region_from_metadata_or_words(servers: Servers) -> None:
    me = f"region-{uuid.uuid4()}"
    response = requests.post(
        f"{servers.url}/webhooks/rest/webhook",
        json={"sender": me, "message": "I want to kill myself", "metadata": {"country": "AU"}},
        timeout=60,
    )
    assert "13 11 14" in _texts(response.json()) and "988" not in _texts(response.json())
    other = f"region-{uuid.uuid4()}"
    text = _texts(servers.say(other, "I want to kill myself"))
    assert "which country" in text  # unknown: the multi-country list, and the question
    text = _texts(servers.say(other, "I'm in Ireland"))
    assert "116 123" in text and _slots(servers, other)["region"] == "ie"


def test_backdraft_pauses_the_exercise_and_is_recorded(servers: Servers) -> None:
    me = f"backdraft-{uuid.uuid4()}"
    servers.say(me, "I'm such a failure")
    servers.say(me, "Self-compassion break")
    servers.say(me, "7")
    replies = servers.say(me, "I don't deserve kindness")
    assert "old pain can rise up" in _texts(replies)
    assert "what are you feeling" in _texts(servers.say(me, "go on gently")).lower()
    with Session(storage.engine_for(servers.database_url)) as session:
        (run,) = storage.runs_for(session, me)
        assert run.backdraft_count == 1


def test_detections_are_audited_without_text(servers: Servers) -> None:
    me = f"audit-{uuid.uuid4()}"
    servers.say(me, "I want to kill myself tonight")
    deadline = time.monotonic() + 15
    rows: list[AuditRecord] = []
    # The broker writes off the event loop: wait for the turn's row with what was shown.
    while time.monotonic() < deadline and "utter_crisis_lines" not in _shown(rows):
        time.sleep(0.2)
        with Session(storage.engine_for(servers.database_url)) as session:
            rows = session.query(AuditRecord).filter(AuditRecord.conversation_id == me).all()
    assert rows and rows[0].kind == "crisis" and rows[0].category == "suicide_or_self_harm"
    assert "utter_crisis_lines" in (rows[0].shown or "")
    for row in rows:
        assert not any("tonight" in str(v) for v in vars(row).values())


def test_asking_for_a_person_with_no_responder_configured_is_told_the_truth(
    servers: Servers,
) -> None:
    me = f"nobody-{uuid.uuid4()}"
    text = _texts(servers.say(me, "I'd like to talk to a person"))
    assert "can't reach anyone" in text and ("988" in text or "116 123" in text)
    with Session(storage.engine_for(servers.database_url)) as session:
        (handoff,) = session.query(Handoff).filter(Handoff.conversation_id == me).all()
        assert handoff.status == "unavailable"


@pytest.fixture()
def responders(servers: Servers) -> Iterator[FakeServer]:
    """The action server restarted with a responder webhook and a three-second timeout."""
    with FakeServer() as hook:
        servers.stop("actions")
        servers.extra_env.update(
            {"BOT_HANDOFF_WEBHOOK_URL": hook.url, "BOT_HANDOFF_TIMEOUT_SECONDS": "3"}
        )
        servers.start_actions()
        servers.wait_ready()
        try:
            yield hook
        finally:
            servers.stop("actions")
            for key in ("BOT_HANDOFF_WEBHOOK_URL", "BOT_HANDOFF_TIMEOUT_SECONDS"):
                servers.extra_env.pop(key, None)
            servers.start_actions()
            servers.wait_ready()


def _cli(servers: Servers, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**servers.env(), "RASA_URL": servers.url, "RASA_TOKEN": servers.token}
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "bot"), "handoff", *args],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def _bot_texts(servers: Servers, sender: str) -> str:
    events = servers.tracker(sender)["events"]
    return "\n".join(e.get("text") or "" for e in events if e["event"] == "bot")


def test_handoff_accepted_then_released(servers: Servers, responders: FakeServer) -> None:
    me = f"handoff-{uuid.uuid4()}"
    secret = "my sister's name is Philippa"
    servers.say(me, secret)
    text = _texts(servers.say(me, "can I talk to a real person"))
    assert "Nobody has accepted yet" in text
    (request,) = responders.requests
    assert "Philippa" not in request.raw.decode() and request.body["category"]
    handoff_id = request.body["handoff_id"]
    assert "still waiting" in _texts(servers.say(me, "hello?"))  # the holding message
    done = _cli(servers, "accept", handoff_id, "--responder", "Sam")
    assert done.returncode == 0, done.stderr
    assert "Sam" in _bot_texts(servers, me)
    assert servers.say(me, "thank you") == []  # a person is here: the bot stays quiet
    assert _cli(servers, "say", handoff_id, "I'm here with you.").returncode == 0
    assert "I'm here with you." in _bot_texts(servers, me)  # in the transcript
    assert _cli(servers, "release", handoff_id).returncode == 0
    assert _slots(servers, me)["handoff"] is None


def test_handoff_nobody_accepts_within_the_timeout(
    servers: Servers, responders: FakeServer
) -> None:
    me = f"timeout-{uuid.uuid4()}"
    servers.say(me, "I want a human")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and _slots(servers, me)["handoff"] is not None:
        time.sleep(1)
    assert _slots(servers, me)["handoff"] is None
    assert "nobody from the team was able to join in time" in _bot_texts(servers, me)
    with Session(storage.engine_for(servers.database_url)) as session:
        (handoff,) = session.query(Handoff).filter(Handoff.conversation_id == me).all()
        assert handoff.status == "timed_out"

"""End to end over the REST channel: both exercises, stored runs, odd input, a restart."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.orm import Session

from bot import storage
from bot.launch import Servers

pytestmark = pytest.mark.e2e


def _texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def _runs(servers: Servers, sender: str) -> list[storage.ExerciseRun]:
    with Session(storage.engine_for(servers.database_url)) as session:
        return storage.runs_for(session, sender)


def test_self_compassion_break_end_to_end(servers: Servers) -> None:
    me = f"break-{uuid.uuid4()}"
    replies = servers.say(me, "I’m such an idiot, I always ruin everything")
    assert "automated" in _texts(replies)  # honest from the first message
    assert "I’m such an idiot, I always ruin everything" in _texts(replies)
    assert any(
        b["payload"] == "Self-compassion break" for r in replies for b in r.get("buttons", [])
    )

    replies = servers.say(me, "Self-compassion break")
    assert any(b["title"] == "10" for r in replies for b in r.get("buttons", []))  # rating buttons
    replies = servers.say(me, "7")
    assert "I’m such an idiot, I always ruin everything" in _texts(replies)  # mindfulness beat
    replies = servers.say(me, "ashamed and tired")
    assert "ashamed and tired" in _texts(replies)  # common humanity reflects the feeling
    replies = servers.say(me, "lots of people mess up, it's not just me")
    assert "hand on your heart" in _texts(replies)  # self-kindness
    servers.say(me, "I'm doing my best")
    replies = servers.say(me, "an early night")
    assert "0 (not at all) to 10" in _texts(replies)
    replies = servers.say(me, "4")
    closing = _texts(replies)
    assert "I'm doing my best" in closing and "an early night" in closing
    assert "from 7 to 4" in closing

    (run,) = _runs(servers, me)
    assert (run.exercise, run.status, run.pre_rating, run.post_rating) == (
        "self_compassion_break",
        "finished",
        7,
        4,
    )
    assert run.worsened is False and run.ended_at is not None


def test_friend_reframe_end_to_end_records_a_worse_rating(servers: Servers) -> None:
    me = f"friend-{uuid.uuid4()}"
    servers.say(me, "hi")
    servers.say(me, "nothing I do is ever good enough")
    servers.say(me, "What would I say to a friend?")
    replies = servers.say(me, "5")
    assert "nothing I do is ever good enough" in _texts(replies)
    replies = servers.say(me, "I'd tell them they're doing so much already")
    assert "They're doing so much already" in _texts(replies)
    replies = servers.say(me, "I'm doing so much already")
    assert "How did that land?" in _texts(replies)
    # Unclear input mid-flow: the step is explained and asked again, nothing is lost.
    replies = servers.say(me, "what do you mean?")
    assert "no right or wrong answer" in _texts(replies)
    servers.say(me, "weird, but kind of nice")
    replies = servers.say(me, "eight")
    assert "heavier" in _texts(replies)  # 5 -> 8 is named, gently

    (run,) = _runs(servers, me)
    assert (run.exercise, run.status, run.pre_rating, run.post_rating, run.worsened) == (
        "friend_reframe",
        "finished",
        5,
        8,
        True,
    )


def test_stopping_midway_is_respected_and_recorded(servers: Servers) -> None:
    me = f"stop-{uuid.uuid4()}"
    servers.say(me, "I hate myself")
    servers.say(me, "Self-compassion break")
    servers.say(me, "6")
    # Said of the exercise. "I don't want to do this anymore" alone is a classic hint of
    # suicidal thinking: the assistant asks its direct question first (see test_safety.py).
    replies = servers.say(me, "I don't want to do this exercise anymore")
    assert "stop" in _texts(replies).lower()
    (run,) = _runs(servers, me)
    assert (run.status, run.pre_rating, run.post_rating) == ("abandoned", 6, None)
    # The next message starts fresh, not back inside the exercise.
    replies = servers.say(me, "thanks")
    assert "welcome" in _texts(replies).lower() or "any time" in _texts(replies).lower()


@pytest.mark.parametrize(
    "text",
    [
        "",  # empty
        "   \n  ",  # whitespace only
        "🙃🙃🙃",  # emoji only
        "je suis nul, je rate tout",  # another language
        "/restart",  # would reset the conversation if parsed as a command
        "x" * 10_000,  # 10,000 characters
        "\x00\x07 binary-ish \udcff".encode("utf-8", "surrogateescape").decode("utf-8", "replace"),
    ],
)
def test_odd_input_gets_a_kind_reply_and_loses_nothing(servers: Servers, text: str) -> None:
    me = f"odd-{uuid.uuid4()}"
    servers.say(me, "I'm such a failure")
    before = servers.tracker(me)
    replies = servers.say(me, text)
    assert replies and all(r.get("text") for r in replies)
    after = servers.tracker(me)
    assert after["slots"]["critical_phrase"] == "I'm such a failure"
    user_events = [e for e in after["events"] if e["event"] == "user"]
    assert len(user_events) == 1 + len([e for e in before["events"] if e["event"] == "user"])
    assert not any(e["event"] == "restart" for e in after["events"])


def test_slash_text_mid_exercise_is_not_a_command(servers: Servers) -> None:
    me = f"slash-{uuid.uuid4()}"
    servers.say(me, "I'm useless")
    servers.say(me, "Self-compassion break")
    servers.say(me, "7")
    replies = servers.say(me, "/restart")
    assert "no right or wrong answer" in _texts(replies)  # asked again, not restarted
    tracker = servers.tracker(me)
    assert tracker["active_loop"]["name"] == "self_compassion_break_form"
    assert tracker["slots"]["pre_rating"] == 7


def test_same_message_twice_gets_two_replies(servers: Servers) -> None:
    me = f"twice-{uuid.uuid4()}"
    first = servers.say(me, "I feel low today")
    second = servers.say(me, "I feel low today")
    assert first and second
    events = servers.tracker(me)["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["I feel low today"] * 2


def test_conversation_survives_a_server_restart(servers: Servers) -> None:
    me = f"restart-{uuid.uuid4()}"
    servers.say(me, "I always let everyone down")
    servers.say(me, "What would I say to a friend?")
    servers.say(me, "6")
    servers.stop("rasa")
    servers.start_rasa()
    servers.wait_ready()
    replies = servers.say(me, "you're trying your best")
    assert "You're trying your best" in _texts(replies)  # still inside the reframe
    assert servers.tracker(me)["slots"]["pre_rating"] == 6


def test_crisis_midway_ends_the_exercise_with_support(servers: Servers) -> None:
    me = f"crisis-{uuid.uuid4()}"
    servers.say(me, "I'm such a failure")
    servers.say(me, "Self-compassion break")
    servers.say(me, "8")
    replies = servers.say(me, "honestly I just want to die")
    text = _texts(replies)
    assert "988" in text and "automated" in text
    assert "Those words hurt" not in text  # no exercise step after the disclosure
    tracker = servers.tracker(me)
    assert tracker["active_loop"].get("name") is None
    assert tracker["slots"]["risk_category"] == "suicide_or_self_harm"


def test_crisis_reply_needs_no_action_server(servers: Servers) -> None:
    # Runs last in this file: it stops the action server and starts it again afterwards.
    servers.stop("actions")
    try:
        replies = servers.say(f"fault-{uuid.uuid4()}", "I want to kill myself")
        assert "988" in _texts(replies) and "116 123" in _texts(replies)
    finally:
        servers.start_actions()

"""Safety audit records: what is recorded for each kind of turn, and that no text ever is."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    BotUttered,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config
from sqlalchemy.orm import Session

from bot import audit, storage
from bot.audit import AuditEventBroker, AuditRecord
from bot.cli import main
from bot.tracker_store import CachedSQLTrackerStore
from tests.conftest import ROOT

# Every message and the quoted phrase carry this marker, so no column may ever hold it.
MARKER = "qzxv"
CRISIS_TEXT = f"I want to end my life tonight {MARKER}"
CHECK_TEXT = f"he hurts me when he drinks {MARKER}"
CUE_TEXT = f"nobody would even notice if I was gone {MARKER}"
BACKDRAFT_TEXT = f"I don't deserve kindness {MARKER}"
ORDINARY_TEXT = f"hello there {MARKER}"
ANSWER_TEXT = f"yes {MARKER}"
PHRASE = f"end my life {MARKER}"

CRISIS_REPLIES = ["utter_crisis_support", "utter_crisis_lines", "utter_crisis_offer"]


def _signals(**overrides: Any) -> dict[str, Any]:
    """Signals as bot/nlu/signals.py writes them, nothing detected unless overridden."""
    return {
        "self_critical": False,
        "phrase": None,
        "kind": None,
        "detector": False,
        "risk_category": None,
        "risk_categories": [],
        "risk_level": None,
        "risk_detector": None,
        "cues": [],
        "backdraft": False,
        **overrides,
    }


def _user(text: str, intent: str, **signals: Any) -> UserUttered:
    entities = []
    if signals.get("risk_category"):
        entities.append(
            {"entity": "risk", "value": signals["risk_category"], "start": 0, "end": len(text)}
        )
    if signals.get("phrase"):
        entities.append({"entity": "phrase", "value": signals["phrase"], "start": 0, "end": 3})
    return UserUttered(
        text,
        {"name": intent, "confidence": 1.0},
        entities,
        parse_data={"signals": _signals(**signals)},
    )


def _reply(name: str) -> list[Event]:
    """A response action as Rasa logs it: the action, then its message carrying its name."""
    return [ActionExecuted(name), BotUttered(f"words of {name}", metadata={"utter_action": name})]


def _turn(user: UserUttered, *responses: str) -> list[Event]:
    """A message, the responses the bot answers it with, and the wait for the next one."""
    return [user, *(e for name in responses for e in _reply(name)), ActionExecuted("action_listen")]


def _crisis_turn() -> list[Event]:
    return [
        _user(
            CRISIS_TEXT,
            "crisis",
            risk_category="suicide_or_self_harm",
            risk_level="explicit",
            risk_detector="floor+classifier",
            cues=["hopelessness"],
            phrase=PHRASE,
        ),
        SlotSet("crisis_active", True),  # a slot the audit does not follow
        *_reply("utter_crisis_support"),
        *_reply("utter_crisis_lines"),
        *_reply("utter_crisis_offer"),
        ActionExecuted("action_listen"),
    ]


def _check_turn(user: UserUttered) -> list[Event]:
    """The confirming question as the form asks it."""
    return [
        user,
        ActionExecuted("crisis_check_form"),
        ActiveLoop("crisis_check_form"),
        SlotSet("requested_slot", "crisis_answer"),
        BotUttered("Are you safe?", metadata={"utter_action": "utter_ask_crisis_answer"}),
        ActionExecuted("action_listen"),
    ]


def _answer_yes_turn() -> list[Event]:
    return [
        _user(ANSWER_TEXT, "affirm"),
        SlotSet("crisis_answer", "yes"),
        ActionExecuted("crisis_check_form"),
        SlotSet("requested_slot", None),
        ActiveLoop(None),
        *_reply("utter_crisis_support"),
        *_reply("utter_crisis_lines"),
        ActionExecuted("action_listen"),
    ]


def _publish(broker: AuditEventBroker, sender: str, events: list[Event]) -> None:
    for event in events:
        broker.publish({"sender_id": sender, **event.as_dict()})


def _rows(url: str) -> list[dict[str, Any]]:
    """Every record written, oldest first; fails if any column holds the person's words."""
    with Session(storage.engine_for(url)) as session:
        records = session.query(AuditRecord).order_by(AuditRecord.at).all()
        rows = [
            {c.name: getattr(r, c.name) for c in AuditRecord.__table__.columns} for r in records
        ]
    for row in rows:
        for column, value in row.items():
            assert MARKER not in str(value), column
    return rows


def _recorded(url: str, events: list[Event]) -> list[dict[str, Any]]:
    """The records a fresh broker writes for the events of conversation "c1"."""
    broker = AuditEventBroker(url)
    _publish(broker, "c1", events)
    assert broker.flush()
    return _rows(url)


@pytest.fixture()
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'bot.db'}"


def test_crisis_turn_records_detection_replies_and_region(url: str) -> None:
    # The region arrives in an earlier turn (channel metadata or the person naming it).
    earlier = [ActionExecuted("action_listen"), SlotSet("region", "uk")]
    (row,) = _recorded(url, [*earlier, *_crisis_turn()])
    assert row["conversation_id"] == "c1"
    assert (row["kind"], row["category"], row["risk_level"]) == (
        "crisis",
        "suicide_or_self_harm",
        "explicit",
    )
    assert (row["detector"], row["intent"], row["cues"]) == (
        "floor+classifier",
        "crisis",
        "hopelessness",
    )
    # Each response once, though Rasa logs both the action and its message.
    assert row["shown"] == ",".join(CRISIS_REPLIES)
    assert row["region"] == "uk"


def test_custom_action_and_its_messages_are_listed_in_order(url: str) -> None:
    crisis = _user(
        CRISIS_TEXT,
        "crisis",
        risk_category="suicide_or_self_harm",
        risk_level="explicit",
        risk_detector="floor",
    )
    (row,) = _recorded(
        url,
        [
            crisis,
            *_reply("utter_crisis_support"),
            # A custom action: its name, then each response it sent (rasa-sdk `response=`).
            ActionExecuted("action_request_handoff"),
            BotUttered("nobody", metadata={"utter_action": "utter_handoff_unavailable"}),
            *_reply("utter_crisis_offer"),
            ActionExecuted("action_listen"),
        ],
    )
    assert row["shown"] == (
        "utter_crisis_support,action_request_handoff,utter_handoff_unavailable,utter_crisis_offer"
    )


def test_crisis_check_follows_the_answer_and_records_it_once(url: str) -> None:
    check = _user(
        CHECK_TEXT,
        "crisis_check",
        risk_category="abuse_or_violence",
        risk_level="ambiguous",
        risk_detector="classifier",
    )
    (row,) = _recorded(
        url,
        [
            *_check_turn(check),
            *_answer_yes_turn(),
            # The turn after the answer is not part of the check any more.
            *_turn(_user(ORDINARY_TEXT, "greet"), "utter_greet"),
        ],
    )  # no cumulative check: the form was asked for by the crisis_check intent
    assert (row["kind"], row["category"], row["risk_level"], row["detector"]) == (
        "crisis_check",
        "abuse_or_violence",
        "ambiguous",
        "classifier",
    )
    assert row["shown"].split(",") == [
        "crisis_check_form",
        "utter_ask_crisis_answer",
        # the person's answer, then what it led to
        "crisis_check_form",
        "utter_crisis_support",
        "utter_crisis_lines",
    ]
    assert row["region"] is None


def test_cue_turn_and_the_cumulative_check_it_triggers(url: str) -> None:
    first, second, cumulative = _recorded(
        url,
        [
            # A cue with nothing else: the bot answers as usual.
            *_turn(
                _user(CUE_TEXT, "sadness", cues=["isolation", "burdensomeness"]), "utter_empathy"
            ),
            # Another cue: now the policy asks the confirming question on its own.
            *_check_turn(_user(CUE_TEXT, "sadness", cues=["hopelessness"])),
        ],
    )
    assert (first["kind"], first["cues"], first["category"]) == (
        "cue",
        "burdensomeness,isolation",
        None,
    )
    assert first["shown"] == "utter_empathy"
    assert second["kind"] == "cue" and second["cues"] == "hopelessness"
    assert second["shown"] == "crisis_check_form,utter_ask_crisis_answer"
    assert (cumulative["kind"], cumulative["intent"]) == ("cumulative_check", "sadness")
    assert cumulative["shown"] == "crisis_check_form,utter_ask_crisis_answer"


def test_backdraft_turn(url: str) -> None:
    backdraft = _user(BACKDRAFT_TEXT, "backdraft", backdraft=True)
    (row,) = _recorded(url, _turn(backdraft, "utter_backdraft_care"))
    assert (row["kind"], row["intent"], row["category"], row["shown"]) == (
        "backdraft",
        "backdraft",
        None,
        "utter_backdraft_care",
    )


def test_ordinary_turn_and_answer_records_nothing(url: str) -> None:
    ordinary = _turn(_user(ORDINARY_TEXT, "greet"), "utter_greet")
    # Later steps of an already running form are not a new question.
    assert _recorded(url, [*ordinary, *_answer_yes_turn()]) == []


def test_values_that_are_not_names_never_reach_a_column(url: str) -> None:
    odd = _user(
        CRISIS_TEXT,
        "crisis",
        risk_category=CRISIS_TEXT,
        risk_level="explicit",
        risk_detector=PHRASE,
        cues=[CUE_TEXT, "isolation"],
    )
    odd_reply = BotUttered("x", metadata={"utter_action": CRISIS_TEXT})
    (row,) = _recorded(url, [SlotSet("region", f"near {MARKER} street"), odd, odd_reply])
    # Still a crisis, still recorded; the odd values are replaced or left out.
    assert (row["kind"], row["category"], row["detector"], row["cues"]) == (
        "crisis",
        "unspecified",
        None,
        "isolation",
    )
    assert row["region"] == "other" and row["shown"] == ""


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("uk", "uk"),
        ("UK", "uk"),  # the slot's values, whatever the case
        ("other", "other"),
        ("de", "other"),  # two letters, but not a value of the slot
        ("int", "other"),  # the international file's id prefix, not a region
    ],
)
def test_region_is_stored_only_as_a_value_of_the_slot(url: str, value: str, stored: str) -> None:
    (row,) = _recorded(url, [SlotSet("region", value), *_crisis_turn()])
    assert row["region"] == stored


def test_restart_and_new_session_forget_region_and_open_turn(url: str) -> None:
    first, second = _recorded(
        url,
        [
            SlotSet("region", "us"),
            *_crisis_turn()[:3],
            Restarted(),
            *_reply("utter_greet"),
            SessionStarted(),
            *_crisis_turn(),
        ],
    )
    assert first["shown"] == "utter_crisis_support" and first["region"] == "us"
    assert second["region"] is None


def test_malformed_events_and_a_broken_database_never_raise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(audit, "RETRY_PAUSES_S", (0.0,))
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    # The database's folder is a file: every connection fails.
    broker = AuditEventBroker(f"sqlite:///{blocker / 'sub' / 'bot.db'}")
    with caplog.at_level(logging.WARNING, logger="bot.audit"):
        broker.publish({"event": "user"})  # no sender
        broker.publish({"sender_id": "c9", "event": "user", "parse_data": "not a dict"})
        broker.publish({"sender_id": "c9", "event": "bot", "metadata": [CRISIS_TEXT]})
        _publish(broker, "c9", _crisis_turn())
        assert broker.flush()
    assert "audit: write failed" in caplog.text
    assert MARKER not in caplog.text


def test_idle_conversations_are_forgotten(url: str) -> None:
    now = [0.0]
    broker = AuditEventBroker(url, clock=lambda: now[0])
    _publish(broker, "idle", [SlotSet("region", "nz")])
    now[0] += audit.IDLE_SECONDS + 1
    _publish(broker, "busy", [SlotSet("region", "au")])
    _publish(broker, "idle", _crisis_turn())
    assert broker.flush()
    (row,) = _rows(url)
    assert row["conversation_id"] == "idle" and row["region"] is None


def test_republished_events_update_the_same_record(url: str) -> None:
    # Rasa's fail-safe store (and `rasa export`) can publish events a second time.
    turn = _crisis_turn()
    (row,) = _recorded(url, [*turn, *turn])
    assert row["shown"] == ",".join(CRISIS_REPLIES)


def test_endpoints_yml_loads_the_broker_the_way_rasa_does() -> None:
    config = read_endpoint_config(str(ROOT / "endpoints.yml"), "event_broker")

    async def create() -> EventBroker | None:
        broker = await EventBroker.create(config)
        if broker is not None:
            await broker.close()
        return broker

    broker = asyncio.run(create())
    assert isinstance(broker, AuditEventBroker)
    assert not broker.is_ready()  # closed


class _Spy(AuditEventBroker):
    """The audit broker, also keeping every event body it was given."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.bodies: list[dict[str, Any]] = []

    def publish(self, event: dict[str, Any], headers: dict[str, Any] | None = None) -> None:
        self.bodies.append(event)
        super().publish(event, headers)


def test_cached_tracker_store_publishes_new_events_once(tmp_path: Path, url: str) -> None:
    broker = _Spy(url)
    store = CachedSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "rasa.db"), event_broker=broker
    )
    start = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]
    tracker = DialogueStateTracker.from_events("me", start, [])
    asyncio.run(store.save(tracker))
    assert [b["event"] for b in broker.bodies] == ["action", "session_started", "action"]

    tracker = asyncio.run(store.retrieve("me"))
    assert tracker is not None
    for event in _crisis_turn():
        tracker.update(event)
    asyncio.run(store.save(tracker))
    asyncio.run(store.save(tracker))  # nothing new: nothing published
    assert len(broker.bodies) == len(start) + len(_crisis_turn())
    assert all(b["sender_id"] == "me" for b in broker.bodies)

    # A restarted server (empty cache) still publishes only what is new.
    fresh = _Spy(url)
    restarted = CachedSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "rasa.db"), event_broker=fresh
    )
    again = asyncio.run(restarted.retrieve("me"))
    assert again is not None
    again.update(ActionExecuted("action_listen"))
    asyncio.run(restarted.save(again))
    assert [b["event"] for b in fresh.bodies] == ["action"]

    assert broker.flush()
    (row,) = _rows(url)
    assert row["kind"] == "crisis" and row["shown"] == ",".join(CRISIS_REPLIES)


def test_cli_summary_and_list(url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    broker = AuditEventBroker(url)
    _publish(broker, "c11", _crisis_turn())
    _publish(broker, "c12", [_user(CUE_TEXT, "sadness", cues=["isolation"])])
    assert broker.flush()

    assert main(["audit", "summary", "--since", "1"]) == 0
    out = capsys.readouterr().out
    assert "suicide_or_self_harm" in out and "floor+classifier" in out
    assert "isolation" in out and "2 record(s)" in out

    assert main(["audit", "list", "--conversation", "c11", "--limit", "5"]) == 0
    out = capsys.readouterr().out
    assert "c11" in out and "c12" not in out and ",".join(CRISIS_REPLIES) in out
    assert MARKER not in out


def test_cli_on_an_empty_database(url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    monkeypatch.setenv("BOT_DATABASE_URL", url)
    assert main(["audit", "summary"]) == 0
    assert "no audit records in total" in capsys.readouterr().out
    assert main(["audit", "list"]) == 0
    assert "no audit records" in capsys.readouterr().out

"""Builds rasa-sdk trackers in code for action tests."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker


def tracker(
    sender_id: str = "test-conversation",
    slots: dict[str, Any] | None = None,
    intent: str | None = None,
    text: str = "",
    active_loop: str | None = None,
    requested_slot: str | None = None,
) -> Tracker:
    """A tracker whose latest message has the given intent and whose slots are set."""
    all_slots = dict(slots or {})
    if requested_slot:
        all_slots["requested_slot"] = requested_slot
    return Tracker(
        sender_id=sender_id,
        slots=all_slots,
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0} if intent else {},
            "entities": [],
        },
        events=[],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )

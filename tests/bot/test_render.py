"""Channel rendering: crisis-line numbers become tappable links on the web, stay plain on Slack."""

from __future__ import annotations

import re

import pytest
import yaml

from bot.channels.render import is_rating, segments, slack_message, web_message
from bot.resources import load_directory
from bot.settings import DOMAIN_DIR

LINES = yaml.safe_load((DOMAIN_DIR / "crisis_lines.yml").read_text())["responses"][
    "utter_crisis_lines"
]


def _links(text: str) -> dict[str, str]:
    return {s["text"]: s["href"] for s in segments(text) if "href" in s}


@pytest.mark.parametrize("variation", LINES, ids=lambda v: str(v.get("condition", "unknown"))[:60])
def test_every_number_in_every_crisis_lines_variation_is_a_link(variation: dict) -> None:
    text = variation["text"]
    pieces = segments(text)
    assert "".join(p["text"] for p in pieces) == text  # nothing lost or added
    linked = " ".join(p["text"] for p in pieces if "href" in p)
    contacts = load_directory().contacts()
    for contact in contacts:
        if re.search(rf"(?<![\w.-]){re.escape(contact)}(?![\w-]|\.\w)", text):
            assert contact in linked, (contact, text)
    for piece in pieces:
        if "href" in piece:
            assert re.fullmatch(
                r"(tel:\+?\d+|sms:\d+(\?&body=[A-Z0-9]+)?|https://[\w./-]+)", piece["href"]
            )


def test_call_or_text_links_both_ways() -> None:
    assert segments("call or text 988.") == [
        {"text": "call or "},
        {"text": "text", "href": "sms:988", "kind": "sms"},
        {"text": " "},
        {"text": "988", "href": "tel:988", "kind": "tel"},
        {"text": "."},
    ]


def test_a_text_keyword_fills_in_the_message() -> None:
    assert _links("- Crisis Text Line: text HOME to 741741.") == {
        "text HOME to 741741": "sms:741741?&body=HOME"
    }


def test_spaced_numbers_dial_as_digits() -> None:
    assert _links("Samaritans: call 116 123, free") == {"116 123": "tel:116123"}
    assert _links("Lifeline, call 13 11 14.") == {"13 11 14": "tel:131114"}


def test_only_directory_contacts_become_links() -> None:
    text = "Rate it from 0-10, any time 24/7; call 555 0100 or 9880, see example.org, 1988"
    assert _links(text) == {}


def test_a_contact_inside_a_longer_number_is_not_linked() -> None:
    assert _links("ref 19887 and 0988") == {}


def test_web_message_marks_ratings_and_choices() -> None:
    rating = web_message("How heavy?", [{"title": str(n), "payload": str(n)} for n in range(11)])
    assert rating["choice"] == "rating" and len(rating["buttons"]) == 11
    choice = web_message("Which?", [{"title": "Just talk", "payload": "Just talk"}])
    assert choice["choice"] == "choice"
    assert "buttons" not in web_message("plain")
    assert not is_rating([{"title": "1"}, {"title": "2"}])  # two numbers are not a scale


def test_slack_message_escapes_and_keeps_numbers_plain() -> None:
    message = slack_message("call 988 <now> & breathe", [{"title": "Yes", "payload": "yes"}])
    assert message["text"] == "call 988 &lt;now&gt; &amp; breathe"
    section, actions = message["blocks"]
    assert section["text"]["text"] == "call 988 &lt;now&gt; &amp; breathe"
    assert "tel:" not in str(message)
    assert actions["elements"][0]["value"] == "yes"


def test_slack_keeps_all_eleven_rating_buttons() -> None:
    message = slack_message("0-10?", [{"title": str(n), "payload": str(n)} for n in range(11)])
    (actions,) = (b for b in message["blocks"] if b["type"] == "actions")
    assert actions["block_id"] == "rating"
    assert [e["value"] for e in actions["elements"]] == [str(n) for n in range(11)]


def test_slack_splits_long_text_into_sections() -> None:
    message = slack_message("word " * 1500)
    sections = [b for b in message["blocks"] if b["type"] == "section"]
    assert len(sections) == 3 and all(len(s["text"]["text"]) <= 3000 for s in sections)

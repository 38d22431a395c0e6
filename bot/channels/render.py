"""How one bot message looks on each channel: the only place channel formatting is decided.

The conversation logic produces the same message everywhere: text, and sometimes buttons. Here it
becomes what a channel can show:

- the web page gets text split into segments, where every crisis-line number from the directory
  is a tappable `tel:` or `sms:` link and every service address a web link, and buttons marked as
  a 0-10 rating or a choice;
- Slack gets block-kit blocks: the text in a section (numbers stay plain, as Slack shows them),
  and buttons in an actions block whose values are what the person would have typed.

Links are only made for contacts in the directory (`data/resources/`), so nothing a person typed
and nothing a response happens to contain ("0-10", "24/7") can become a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from bot.resources import load_directory

Button = dict[str, Any]
Segment = dict[str, str]

# Slack's limits: a section's text, a button's text and value, elements in an actions block.
SLACK_SECTION_CHARS = 3000
SLACK_BUTTON_TEXT_CHARS = 75
SLACK_BUTTON_VALUE_CHARS = 2000
SLACK_ACTIONS_ELEMENTS = 25


@dataclass(frozen=True)
class Contacts:
    """Every number and address in the directory, and the pattern that finds them in text."""

    numbers: frozenset[str]
    addresses: frozenset[str]
    pattern: re.Pattern[str]


@lru_cache(maxsize=1)
def contacts() -> Contacts:
    """The directory's contacts, longest first so "116 123" is never read as "116"."""
    found = load_directory().contacts()
    numbers = frozenset(c for c in found if re.fullmatch(r"[\d +-]+", c))
    addresses = frozenset(found - numbers)
    alternatives = sorted(found, key=len, reverse=True)
    body = "|".join(re.escape(contact) for contact in alternatives)
    # Whole contacts only: "1-800-799-7233" never matches inside a longer run of digits.
    pattern = re.compile(rf"(?<![\w.-])(?:{body})(?![\w-]|\.\w)")
    return Contacts(numbers, addresses, pattern)


def dial(number: str) -> str:
    """A number as a phone dials it: digits and a leading plus only."""
    return re.sub(r"[^\d+]", "", number)


_TEXT_KEYWORD = re.compile(r"text ([A-Z0-9]+) to $")
_TEXT_VERB = re.compile(r"(?:^|\W)text $", re.IGNORECASE)
_CALL_OR_TEXT = re.compile(r"call or (text) $", re.IGNORECASE)


def segments(text: str) -> list[Segment]:
    """The text as plain and linked pieces; joined, their `text` is exactly the input.

    "call or text 988" links "text" to `sms:988` and "988" to `tel:988`; "text HOME to 741741"
    links the whole phrase to `sms:741741?&body=HOME`, so the keyword is filled in; "call 999"
    and bare numbers are `tel:`; "988lifeline.org" is an https link.
    """
    found = contacts()
    pieces: list[Segment] = []
    done = 0
    for match in found.pattern.finditer(text):
        contact, start, end = match.group(0), match.start(), match.end()
        before = text[done:start]
        if contact in found.addresses:
            pieces += _plain(before)
            pieces.append({"text": contact, "href": f"https://{contact}", "kind": "web"})
        else:
            number = dial(contact)
            keyword = _TEXT_KEYWORD.search(before)
            call_or_text = _CALL_OR_TEXT.search(before)
            if keyword:
                pieces += _plain(before[: keyword.start()])
                body = keyword.group(1)
                phrase = before[keyword.start() :] + contact
                pieces.append({"text": phrase, "href": f"sms:{number}?&body={body}", "kind": "sms"})
            elif call_or_text:
                word = call_or_text.start(1)
                pieces += _plain(before[:word])
                pieces.append({"text": "text", "href": f"sms:{number}", "kind": "sms"})
                pieces += _plain(before[call_or_text.end(1) :])
                pieces.append({"text": contact, "href": f"tel:{number}", "kind": "tel"})
            elif _TEXT_VERB.search(before):
                pieces += _plain(before)
                pieces.append({"text": contact, "href": f"sms:{number}", "kind": "sms"})
            else:
                pieces += _plain(before)
                pieces.append({"text": contact, "href": f"tel:{number}", "kind": "tel"})
        done = end
    pieces += _plain(text[done:])
    return pieces


def _plain(text: str) -> list[Segment]:
    return [{"text": text}] if text else []


def is_rating(buttons: list[Button]) -> bool:
    """True for the 0-10 scale: every title a number from 0 to 10."""
    titles = [str(b.get("title", "")) for b in buttons]
    return len(titles) > 2 and all(t.isdigit() and 0 <= int(t) <= 10 for t in titles)


def web_message(text: str | None, buttons: list[Button] | None = None) -> dict[str, Any]:
    """What the web page receives for one bot message."""
    message: dict[str, Any] = {"text": text or "", "segments": segments(text or "")}
    if buttons:
        message["buttons"] = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in buttons
        ]
        message["choice"] = "rating" if is_rating(buttons) else "choice"
    return message


def slack_escape(text: str) -> str:
    """Slack's three control characters, escaped as its API asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_message(text: str | None, buttons: list[Button] | None = None) -> dict[str, Any]:
    """`chat.postMessage` arguments (without the channel) for one bot message."""
    text = text or ""
    escaped = slack_escape(text)
    blocks: list[dict[str, Any]] = []
    for start in range(0, max(len(escaped), 1), SLACK_SECTION_CHARS):
        chunk = escaped[start : start + SLACK_SECTION_CHARS]
        if chunk.strip():
            blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    if buttons:
        elements = [
            {
                "type": "button",
                "text": {
                    "type": "plain_text",
                    "text": str(b.get("title", ""))[:SLACK_BUTTON_TEXT_CHARS],
                },
                "value": str(b.get("payload", ""))[:SLACK_BUTTON_VALUE_CHARS],
                "action_id": f"choice-{index}",
            }
            for index, b in enumerate(buttons)
        ]
        for start in range(0, len(elements), SLACK_ACTIONS_ELEMENTS):
            blocks.append(
                {
                    "type": "actions",
                    "block_id": "rating" if is_rating(buttons) else f"choices-{start}",
                    "elements": elements[start : start + SLACK_ACTIONS_ELEMENTS],
                }
            )
    # `text` is the notification and screen-reader fallback; it is never shown beside the blocks.
    return {"text": escaped or " ", "blocks": blocks}

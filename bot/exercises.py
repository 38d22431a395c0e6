"""Exercise logic that needs no Rasa: reading 0-10 ratings and checking free-text answers."""

from __future__ import annotations

import re

from bot.text import drop_invisible, normalise

EXERCISES = {
    "choose_break": "self_compassion_break",
    "choose_friend": "friend_reframe",
}

# Slots each exercise fills; cleared when a new run starts so no answer leaks into the next.
EXERCISE_SLOTS = (
    "pre_rating",
    "post_rating",
    "break_feeling",
    "break_humanity",
    "break_kindness",
    "break_need",
    "friend_words",
    "self_words",
    "friend_landing",
    "rating_change",
)

_NUMBER_WORDS = {
    "zero": 0, "none": 0, "nothing": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_DIGITS = re.compile(r"(?<![\d.])(\d{1,2})(?:\.\d+)?(?![\d])")
_WORDS = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")

# Longest answer kept from one free-text step; the rest is dropped from the slot (not from the
# conversation) so a pasted essay cannot swamp the reflection.
MAX_ANSWER_CHARS = 300


def parse_rating(text: str | None) -> int | None:
    """Read a 0-10 rating from what the person typed ("7", "about a six", "8/10")."""
    if not text:
        return None
    folded = normalise(text)
    digits = [int(m) for m in _DIGITS.findall(folded)]
    # "8/10" and "8 out of 10" name the scale too; the first number is the rating.
    if digits and 0 <= digits[0] <= 10:
        return digits[0]
    if digits:
        return None
    words = _WORDS.findall(folded)
    return _NUMBER_WORDS[words[0]] if words else None


def rating_change(pre: int | None, post: int | None) -> str | None:
    """Compare ratings where higher is heavier: better, same or worse."""
    if pre is None or post is None:
        return None
    if post < pre:
        return "better"
    return "worse" if post > pre else "same"


# "I'd tell them ..." framing around what someone would say to a friend; the words after it are
# what gets quoted back.
_SAY_PREFIX = re.compile(
    r"^\s*(?:i\s*(?:'|’)?d|i would|i'll|i will|id|probably|maybe|honestly|um+|well)?[\s,]*"
    r"(?:tell (?:them|him|her|u|you)|say(?: to (?:them|him|her))?|remind (?:them|him|her))"
    r"(?:\s+(?:that|like))?[\s,:]+",
    re.IGNORECASE,
)


def friend_message(text: str | None) -> str | None:
    """What the person would say to their friend, without "I'd tell them" in front."""
    answer = clean_answer(text)
    if answer is None:
        return None
    stripped = _SAY_PREFIX.sub("", answer, count=1).strip()
    return stripped[:1].upper() + stripped[1:] if clean_answer(stripped) else answer


def clean_answer(text: str | None) -> str | None:
    """An answer to quote back, or None when there is nothing in it to reflect."""
    if text is None:
        return None
    answer = " ".join(drop_invisible(text).split())
    # "/restart" and friends are not answers; the person is asked again, gently.
    if answer.startswith("/"):
        return None
    if not any(ch.isalnum() for ch in answer) and not any(ord(ch) > 0x2000 for ch in answer):
        return None
    if len(answer) > MAX_ANSWER_CHARS:
        answer = answer[:MAX_ANSWER_CHARS].rsplit(" ", 1)[0] + "…"
    return answer

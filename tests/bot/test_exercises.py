"""Ratings and answers as people actually type them."""

from __future__ import annotations

import pytest

from bot.exercises import clean_answer, friend_message, parse_rating, rating_change


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", 7),  # a button press
        ("0", 0),  # zero is a real answer, not "missing"
        ("10", 10),  # top of the scale
        ("about a 6", 6),  # hedged
        ("8/10", 8),  # the scale written out
        ("4 out of 10", 4),  # the scale in words
        ("seven", 7),  # a number word
        ("idk like five?", 5),  # unsure, still a rating
        ("６", 6),  # full-width digit from some phone keyboards
        ("11", None),  # off the scale: ask again rather than guess
        ("banana", None),  # not a rating
        ("", None),  # empty
        (None, None),  # nothing at all
        ("7.5", 7),  # decimals round down to the whole number given first
    ],
)
def test_parse_rating(text: str | None, expected: int | None) -> None:
    assert parse_rating(text) == expected


@pytest.mark.parametrize(
    ("pre", "post", "change"),
    [(8, 4, "better"), (5, 5, "same"), (3, 6, "worse"), (None, 4, None), (4, None, None)],
)
def test_rating_change_higher_is_heavier(
    pre: int | None, post: int | None, change: str | None
) -> None:
    assert rating_change(pre, post) == change


def test_clean_answer_keeps_words_and_emoji_but_not_blank() -> None:
    assert clean_answer("  sad   and\ntired ") == "sad and tired"
    assert clean_answer("💔") == "💔"
    assert clean_answer("   ") is None
    assert clean_answer("...") is None
    long = clean_answer("word " * 200)
    assert long is not None and len(long) <= 301 and long.endswith("…")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'd tell them everyone makes mistakes", "Everyone makes mistakes"),
        ("i would say that it's ok", "It's ok"),
        ("I’d say: be gentle with yourself", "Be gentle with yourself"),
        ("you are enough", "You are enough"),  # no framing to strip
        ("say", "Say"),  # nothing left after stripping: keep what they wrote
    ],
)
def test_friend_message_drops_the_framing(text: str, expected: str) -> None:
    assert friend_message(text) == expected

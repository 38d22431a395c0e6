"""`bot lint`: finds wording in domain/ that is unsafe to show someone in distress."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.domain import load_domain
from bot.resources import RESOURCES_DIR, Directory, load_directory
from bot.settings import DOMAIN_DIR, LEXICON_DIR
from bot.text import fold, normalise

LEXICON = LEXICON_DIR / "response_lint.yml"

# Each list in the lexicon, and how a match is reported.
RULES = {
    "method_details": "names a method or means of harm",
    "stigmatising_language": "uses stigmatising wording about suicide",
    "diet_advice": "gives diet or weight advice",
    "medication_doses": "mentions a medication dose",
    "human_presence": "claims a human is present",
}
# "Not a real person" is the honest opposite of the claim, so a negation just before it clears it.
NEGATABLE = {"human_presence"}
_NEGATIONS = {"not", "no", "never", "nobody", "cannot", "without"}

# Responses named utter_crisis* must name a line or number from data/resources/, except these,
# which show the lines through another response. Remove a name when the response stops doing so.
SHOWS_LINES_ELSEWHERE = frozenset(
    {
        # Always followed by utter_crisis_lines (data/rules/safety.yml).
        "utter_crisis_support",
        # Follows utter_crisis_lines, and its "Show the lines" button sends "help" for them again.
        "utter_crisis_offer",
        # Crisis mode's check-in; its "Show the lines" button sends "help", which shows them.
        "utter_crisis_checkin",
        # Always followed by utter_crisis_lines (data/rules/safety.yml).
        "utter_crisis_goodbye",
        # A clear "no" to the confirming question: no lines are pushed, "help" shows them.
        "utter_crisis_answer_no",
    }
)

# Numbers as responses write them: "988", "116 123", "1-800-799-7233"; not slots like {pre_rating}.
_NUMBER = re.compile(r"(?<![\w{-])(\d[\d -]*\d)(?![\w}])")
# Shorter numbers are ratings and steps ("0 to 10", "step 2"), never a line.
_MIN_DIGITS = 3
# Every line's number has two digits side by side somewhere (tests/bot/test_lint.py checks the
# directory); a countdown ("5-4-3-2-1") does not. So a number written digit by digit ("9-8-8")
# is not read as one, and goes unchecked.
_DIGIT_PAIR = re.compile(r"\d\d")
_NUMBER_WORDS = (
    "a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    "thirty|forty|fifty|hundred"
)
_AMOUNT = rf"(?:\d+(?:[.,]\d+)?|{_NUMBER_WORDS})"

Rules = dict[str, list[tuple[str, re.Pattern[str]]]]


def load_rules(path: Path = LEXICON) -> Rules:
    """The word lists, each entry compiled to match whole words of normalised text."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lists = {key: value for key, value in data.items() if key != "version"}
    if set(lists) != set(RULES):
        raise ValueError(f"{path.name}: expected the lists {sorted(RULES)}, found {sorted(lists)}")
    rules: Rules = {}
    for key, entries in lists.items():
        if not (isinstance(entries, list) and all(isinstance(e, str) for e in entries)):
            raise ValueError(f"{path.name}: {key} must be a list of words and phrases")
        rules[key] = [(entry, _compile(entry)) for entry in entries]
    return rules


def _compile(entry: str) -> re.Pattern[str]:
    """A whole-word pattern for one entry; `<number>` matches digits or a number word."""
    body = re.escape(normalise(entry)).replace(re.escape("<number>"), _AMOUNT)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def numbers_in(text: str) -> list[str]:
    """The phone numbers a text shows, as written, leaving out short ones such as ratings."""
    return [
        number
        for number in _NUMBER.findall(fold(text))
        if sum(ch.isdigit() for ch in number) >= _MIN_DIGITS and _DIGIT_PAIR.search(number)
    ]


def _negated(text: str, start: int) -> bool:
    """True when one of the three words before start, in the same clause, is a negation."""
    clause = re.split(r"[.!?;:,]", text[:start])[-1]
    before = re.findall(r"[a-z']+", clause)[-3:]
    return any(word in _NEGATIONS or word.endswith("n't") for word in before)


def _shown(variation: dict[str, Any]) -> str:
    """Everything a person reads in one variation: its text and its button titles."""
    titles = [str(button.get("title", "")) for button in variation.get("buttons") or []]
    return "\n".join([str(variation.get("text") or ""), *titles])


def lint_responses(
    responses: dict[str, list[dict[str, Any]]], directory: Directory, rules: Rules
) -> list[str]:
    """One line per problem, naming the response and its variation."""
    contacts = directory.contacts()
    # Web addresses and service names count wherever they appear; numbers only whole.
    spelled = {c for c in contacts if not _NUMBER.fullmatch(c)} | {
        line.name for region in directory.regions for line in region.lines
    }
    problems = []
    for name, variations in responses.items():
        for index, variation in enumerate(variations):
            where = f"{name} (variation {index + 1})"
            shown = _shown(variation)
            text = normalise(shown)
            for key, entries in rules.items():
                for entry, pattern in entries:
                    hit = pattern.search(text)
                    if hit and not (key in NEGATABLE and _negated(text, hit.start())):
                        problems.append(f"{where}: {RULES[key]} ({entry!r})")
            numbers = numbers_in(shown)
            for number in numbers:
                if number not in contacts:
                    problems.append(f"{where}: shows {number}, which data/resources/ does not list")
            named = bool(set(numbers) & contacts) or any(word in shown for word in spelled)
            if name.startswith("utter_crisis") and name not in SHOWS_LINES_ELSEWHERE and not named:
                problems.append(
                    f"{where}: names no line or number from data/resources/ (if another response "
                    "shows the lines, add this one to SHOWS_LINES_ELSEWHERE in bot/lint.py)"
                )
    return problems


def stale_allowlist(responses: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Allowlisted names the domain no longer defines: the list must say what is true."""
    return [
        f"bot/lint.py allowlists {name}, which domain/ does not define"
        for name in sorted(SHOWS_LINES_ELSEWHERE - set(responses))
    ]


def lint(
    domain_dir: Path = DOMAIN_DIR, lexicon: Path = LEXICON, resources_dir: Path = RESOURCES_DIR
) -> list[str]:
    """Every problem in every response of the domain; empty when all are fine."""
    responses = load_domain(domain_dir).get("responses") or {}
    directory = load_directory(resources_dir)
    return stale_allowlist(responses) + lint_responses(responses, directory, load_rules(lexicon))

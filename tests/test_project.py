"""Project-wide checks: wording, the README's promises and file map.

Numbers shown and the directory's entries are checked by `bot lint` and `bot resources check`
(tests/bot/test_lint.py, tests/bot/test_resources.py).
"""

from __future__ import annotations

import re
import string
from pathlib import Path

from bot.domain import load_domain
from bot.resources import RISK_CATEGORIES
from tests.conftest import ROOT

DOMAIN = load_domain()


def _texts() -> list[tuple[str, str]]:
    return [
        (name, variation["text"])
        for name, variations in DOMAIN["responses"].items()
        for variation in variations
    ]


def test_responses_only_use_slots_that_exist() -> None:
    slots = set(DOMAIN["slots"])
    for name, text in _texts():
        for _, field, _, _ in string.Formatter().parse(text):
            if field:
                assert field in slots, f"{name} uses {{{field}}}"


def test_greeting_is_honest_and_names_an_emergency_line() -> None:
    for name in ("utter_greet", "utter_intro_brief"):
        for variation in DOMAIN["responses"][name]:
            assert "automated" in variation["text"]
            assert "not" in variation["text"] and "emergency" in variation["text"]
            assert "988" in variation["text"]


def test_no_response_claims_a_human_is_present() -> None:
    for name, text in _texts():
        lowered = text.lower()
        assert "i'm a person" not in lowered and "i am human" not in lowered, name


def test_readme_tells_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    assert "make run" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_readme_file_map_paths_exist() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## File map", 1)[1].split("\n## ", 1)[0]
    paths = re.findall(r"^\| `([^`]+)` \|", section, flags=re.MULTILINE)
    assert len(paths) >= 10
    for path in paths:
        assert (ROOT / path).exists(), f"README file map lists {path}, which does not exist"


def test_no_generated_artifacts_are_tracked() -> None:
    import subprocess

    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    for path in tracked:
        assert not path.startswith(("models/", "var/", ".venv/", "results/")), path
        assert Path(path).suffix not in {".db", ".sqlite", ".gz"}, path


def _by_category(name: str) -> dict[str | None, dict]:
    """A response's variations keyed by the risk_category they are conditioned on (None: the
    variation without a condition)."""
    variations: dict[str | None, dict] = {}
    for variation in DOMAIN["responses"][name]:
        conditions = variation.get("condition") or []
        categories = [c["value"] for c in conditions if c["name"] == "risk_category"]
        assert len(categories) <= 1 and len(conditions) == len(categories), name
        variations[categories[0] if categories else None] = variation
    return variations


def test_the_caring_question_asks_about_the_risk_it_heard() -> None:
    """A hinted heart attack, overdose, abuse or harm to a child is not asked about suicide."""
    questions = _by_category("utter_ask_crisis_answer")
    answers_no = _by_category("utter_crisis_answer_no")
    others = set(RISK_CATEGORIES) - {"suicide_or_self_harm", "unspecified"}
    assert set(questions) == set(answers_no) == others | {None}
    assert "ending your life" in questions[None]["text"]
    for category in others:
        assert "ending your life" not in questions[category]["text"], category
        assert "feel that way" not in answers_no[category]["text"], category
    for category in ("medical_emergency", "substance_overdose"):
        assert "emergency number" in answers_no[category]["text"]
    for question in questions.values():
        assert [b["payload"] for b in question["buttons"]] == ["Yes", "I'm not sure", "No"]

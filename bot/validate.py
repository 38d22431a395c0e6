"""Project data checks: Rasa's validator, warnings as failures, plus our own checks."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from bot.domain import load_domain

_RESPONSE_IN_CODE = re.compile(r"""["'](utter_\w+)["']""")
_UNUSED = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule\.")


def responses_sent_by_actions(actions_dir: Path) -> set[str]:
    """Response names our custom actions mention, which they send with `utter_message`."""
    found: set[str] = set()
    for path in actions_dir.rglob("*.py"):
        found |= set(_RESPONSE_IN_CODE.findall(path.read_text(encoding="utf-8")))
    return found


def form_prompts(domain: dict) -> set[str]:
    """`utter_ask_<slot>` for every slot a form requests: the form sends these itself.

    A slot with an initial value is never empty, so no form ever asks for it.
    """
    slots = domain.get("slots") or {}
    return {
        f"utter_ask_{slot}"
        for form in (domain.get("forms") or {}).values()
        for slot in form.get("required_slots") or []
        if (slots.get(slot) or {}).get("initial_value") is None
    }


# Intents no person's words are trained on: the signal detector sets crisis_check, and
# EXTERNAL_ intents arrive through Rasa's HTTP API (handoff events, reminders).
_UNTRAINED = re.compile(r"The intent '(\w+)' is listed in the domain file, but is not found in")


def _set_by_code(intent: str) -> bool:
    return intent == "crisis_check" or intent.startswith("EXTERNAL_")


def validate_project(root: Path) -> list[str]:
    """Every problem Rasa's validator or our checks find; empty when the data is sound."""
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.utils.common import EXPECTED_WARNINGS
    from rasa.validator import Validator

    domain = load_domain(root / "domain")
    sent_by_code = responses_sent_by_actions(root / "actions")
    # Rasa's validator only counts responses named in stories and rules, so it calls form
    # prompts, responses our actions send, and the default fallback's response "unused".
    used_elsewhere = form_prompts(domain) | sent_by_code | {"utter_default"}

    importer = TrainingDataImporter.load_from_config(
        config_path=str(root / "config.yml"),
        domain_path=str(root / "domain"),
        training_data_paths=[str(root / "data")],
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        validator = Validator.from_importer(importer)
        # The same checks as `rasa data validate`, warnings collected rather than fatal.
        errors_free = all(
            [
                validator.verify_domain_validity(),
                validator.verify_actions_in_stories_rules(),
                validator.verify_forms_in_stories_rules(),
                validator.verify_form_slots(),
                validator.verify_slot_mappings(),
                validator.verify_nlu(ignore_warnings=True),
                validator.verify_story_structure(ignore_warnings=True),
            ]
        )
    problems = []
    for warning in caught:
        if not issubclass(warning.category, UserWarning):
            continue
        message = str(warning.message)
        # Rasa's own CLI silences these as known noise of its dependencies and itself.
        if any(
            issubclass(warning.category, category) and re.match(pattern, message)
            for category, pattern in EXPECTED_WARNINGS
        ):
            continue
        unused = _UNUSED.match(message)
        if unused and unused.group(1) in used_elsewhere:
            continue
        untrained = _UNTRAINED.match(message)
        if untrained and _set_by_code(untrained.group(1)):
            continue
        problems.append(f"rasa: {message}")
    if not errors_free:
        problems.append("rasa: the validator reported errors (see the log above)")
    responses = set(domain.get("responses") or {})
    for name in sorted(sent_by_code - responses):
        problems.append(f"actions send {name}, which domain/ does not define")
    for name in sorted(form_prompts(domain) - responses):
        problems.append(f"a form asks with {name}, which domain/ does not define")
    return problems

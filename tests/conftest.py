"""Shared fixtures: expensive objects are built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture(scope="session")
def detector():  # type: ignore[no-untyped-def]
    """One compiled self-criticism detector for the whole run (compiling takes seconds)."""
    from bot.detectors.self_criticism import SelfCriticismDetector

    return SelfCriticismDetector(ROOT / "data" / "lexicons" / "self_criticism.yml")


@pytest.fixture(scope="session")
def classifier():  # type: ignore[no-untyped-def]
    """The trained model, loaded once and shared by every test that parses text."""
    from bot.cli import Classifier
    from tests.model_fixtures import require_model

    return Classifier(require_model())

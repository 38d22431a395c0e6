"""Fixtures that need the trained model: built once per test run by `make test`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT

MODEL = ROOT / "models" / "kindly.tar.gz"


def require_model() -> Path:
    """The trained model, or a skip telling how to make it (`make test` always trains first)."""
    if not MODEL.exists():
        pytest.skip("no trained model: run `make test` (it trains first) or `make train`")
    return MODEL

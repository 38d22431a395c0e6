"""The domain as one dict, read from every YAML file in domain/ (the way Rasa merges them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.settings import DOMAIN_DIR


def domain_files(domain_dir: Path = DOMAIN_DIR) -> list[Path]:
    """The domain's files, in a stable order."""
    return sorted(domain_dir.glob("*.yml"))


def load_domain(domain_dir: Path = DOMAIN_DIR) -> dict[str, Any]:
    """Merge the files: mappings (responses, slots, forms) and lists (intents, actions) join."""
    merged: dict[str, Any] = {}
    for path in domain_files(domain_dir):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, value in part.items():
            if isinstance(value, dict):
                clash = set(merged.get(key, {})) & set(value)
                if clash:
                    raise ValueError(f"{path.name} defines {key} again: {sorted(clash)}")
                merged.setdefault(key, {}).update(value)
            elif isinstance(value, list):
                merged.setdefault(key, []).extend(value)
            else:
                merged[key] = value
    return merged

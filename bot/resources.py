"""The crisis-line directory in data/resources/: one file per country, checked as it is read."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from bot.settings import DATA_DIR
from bot.text import normalise

RESOURCES_DIR = DATA_DIR / "resources"

# The values of the `region` slot; "other" is anywhere without a file of its own.
REGIONS = ("us", "ca", "uk", "ie", "au", "nz", "other")
# The values of the `risk_category` slot, as the crisis floor names them.
RISK_CATEGORIES = (
    "suicide_or_self_harm",
    "abuse_or_violence",
    "child_safeguarding",
    "harm_to_others",
    "medical_emergency",
    "eating_disorder_behaviour",
    "substance_overdose",
    "unspecified",
)
# A `general` line is the region's crisis line for any risk that has no line of its own.
GENERAL = "general"
CATEGORIES = (*RISK_CATEGORIES, GENERAL)
CHANNEL_TYPES = ("call", "text", "chat", "web")
# Channels a person reaches a human on; a web page is a pointer, not a conversation.
STAFFED = ("call", "text", "chat")
# What `verified_against` says once a human has checked an entry at its live source.
AT_SOURCE = "source"
# Entries older than this are re-checked: services change numbers and hours.
MAX_AGE_DAYS = 180

_FILE_FIELDS = {"region", "name", "aliases", "emergency", "lines"}
_CHECK_FIELDS = {"source", "last_verified", "verified_against"}
_EMERGENCY_FIELDS = {"number", *_CHECK_FIELDS}
_EMERGENCY_OPTIONAL = {"also", "applies_in"}
_LINE_FIELDS = {"id", "name", "categories", "channels", "hours", *_CHECK_FIELDS}
_LINE_OPTIONAL = {"free"}
# Written as people dial them: digits, spaces and dashes ("116 123", "1-800-799-7233").
_NUMBER = re.compile(r"\d(?:[\d -]*\d)?")
# A bare web address as people type it ("988lifeline.org", "findahelpline.com/uk").
_ADDRESS = re.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:/[\w./-]*)?")
_KEYWORD = re.compile(r"[A-Z0-9]+")
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# ISO 3166 calls the United Kingdom "GB"; every other region code is its ISO code.
_ISO_CODES = {"gb": "uk"}
_LOCALE = re.compile(r"[a-z]{2,3}-([a-z]{2})")


class ResourceError(ValueError):
    """A directory that must not be shown to anyone; the message names every bad entry."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Entry:
    """Anything the bot shows: where it came from and when a human last checked it."""

    id: str
    file: str
    source: str
    last_verified: date
    verified_against: str

    @property
    def label(self) -> str:
        """The entry as reports name it: file and id."""
        return f"{self.file}: {self.id}"


@dataclass(frozen=True)
class Emergency(Entry):
    """A region's emergency number, with any other number that works as well."""

    number: str
    also: tuple[str, ...]
    # Set when the number holds in part of the region only (112 "in the EU").
    applies_in: str | None


@dataclass(frozen=True)
class Channel:
    """One way to reach a line: call or text a number, chat or visit a web address."""

    type: str
    address: str
    keyword: str | None = None


@dataclass(frozen=True)
class Line(Entry):
    """A crisis line and the risks it is offered for."""

    name: str
    categories: tuple[str, ...]
    channels: tuple[Channel, ...]
    hours: str
    free: bool

    @property
    def staffed(self) -> bool:
        """True when a person answers on at least one channel."""
        return any(channel.type in STAFFED for channel in self.channels)


@dataclass(frozen=True)
class Region:
    """One file of the directory: a country, or everywhere else."""

    code: str
    name: str
    aliases: tuple[str, ...]
    emergency: Emergency
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Referral:
    """What to show for a risk in a region: the emergency number first, then the lines."""

    emergency: Emergency
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Directory:
    """Every region, in the order of REGIONS."""

    regions: tuple[Region, ...]

    def region(self, code: str) -> Region:
        """The region with this code; ValueError for an unknown one."""
        for region in self.regions:
            if region.code == code:
                return region
        raise ValueError(f"unknown region {code!r}")

    def entries(self) -> list[Entry]:
        """Every emergency number and line."""
        return [entry for r in self.regions for entry in (r.emergency, *r.lines)]

    def contacts(self) -> set[str]:
        """Every number and web address, written exactly as the responses must write them."""
        found: set[str] = set()
        for region in self.regions:
            found |= {region.emergency.number, *region.emergency.also}
            found |= {channel.address for line in region.lines for channel in line.channels}
        return found

    def stale(self, today: date) -> list[Entry]:
        """Entries last verified more than MAX_AGE_DAYS before today."""
        return [e for e in self.entries() if (today - e.last_verified).days > MAX_AGE_DAYS]

    def unverified(self) -> list[Entry]:
        """Entries nobody has yet checked at their live source: each blocks a deployment."""
        return [e for e in self.entries() if e.verified_against != AT_SOURCE]

    def lines_for(self, region: str, category: str) -> Referral:
        """The emergency number and the lines for a risk; the general ones when none is specific."""
        if category not in CATEGORIES:
            raise ValueError(f"unknown category {category!r}")
        found = self.region(region)
        lines = tuple(line for line in found.lines if category in line.categories)
        if not lines:
            lines = tuple(line for line in found.lines if GENERAL in line.categories)
        return Referral(found.emergency, lines)

    @cached_property
    def _alias_regions(self) -> dict[str, str]:
        """Each alias, in the form text is matched in, and its region."""
        return {normalise(a): region.code for region in self.regions for a in region.aliases}

    @cached_property
    def _alias_pattern(self) -> re.Pattern[str]:
        """One pattern for every alias, matching whole words only."""
        # Longest first, so "northern ireland" is read before "ireland" at the same place.
        aliases = sorted(self._alias_regions, key=len, reverse=True)
        body = "|".join(re.escape(alias) for alias in aliases)
        return re.compile(rf"(?<!\w)(?:{body})(?!\w)")

    def region_for_text(self, text: str) -> str | None:
        """The region named first in what someone typed ("I'm in London" -> "uk"), or None."""
        match = self._alias_pattern.search(normalise(text))
        return self._alias_regions[match.group(0)] if match else None

    def region_for_metadata(self, metadata: Mapping[str, Any] | None) -> str | None:
        """The region a channel reports in `region` or `country`: a code, a locale or a name."""
        for key in ("region", "country"):
            value = (metadata or {}).get(key)
            if not isinstance(value, str):
                continue
            code = value.strip().lower().replace("_", "-")
            locale = _LOCALE.fullmatch(code)
            if locale:
                code = locale.group(1)
            code = _ISO_CODES.get(code, code)
            if code in REGIONS:
                return code
            named = self.region_for_text(value)
            if named:
                return named
        return None


def load_directory(directory: Path = RESOURCES_DIR, today: date | None = None) -> Directory:
    """Read and check every file; ResourceError lists every problem, file and entry named.

    Dates are checked against `today` only when it is given (`bot resources check`): the
    running assistant reads the directory for its aliases and must never fail to start
    because a machine's clock disagrees with a verification date.
    """
    problems: list[str] = []
    regions: dict[str, Region] = {}
    seen_ids: dict[str, str] = {}
    seen_aliases: dict[str, str] = {}
    for path in sorted(directory.glob("*.yml")):
        region = _read_region(path, today, problems)
        if region is None:
            continue
        if region.code in regions:
            problems.append(f"{path.name}: region {region.code!r} has another file too")
            continue
        regions[region.code] = region
        for entry in (region.emergency, *region.lines):
            if entry.id in seen_ids:
                problems.append(f"{entry.label}: duplicate id, also in {seen_ids[entry.id]}")
            seen_ids[entry.id] = path.name
        for alias in region.aliases:
            if alias in seen_aliases:
                problems.append(f"{path.name}: alias {alias!r} is also in {seen_aliases[alias]}")
            seen_aliases[alias] = path.name
    for code in REGIONS:
        if code not in regions:
            problems.append(f"{directory.name}/: no file for region {code!r}")
    if problems:
        raise ResourceError(problems)
    return Directory(tuple(regions[code] for code in REGIONS))


def _read_region(path: Path, today: date | None, problems: list[str]) -> Region | None:
    """One file as a Region, or None after adding its problems to the list."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        problems.append(f"{path.name}: not valid YAML ({error})")
        return None
    where = path.name
    if not isinstance(data, dict):
        problems.append(f"{where}: expected a mapping with {sorted(_FILE_FIELDS)}")
        return None
    before = len(problems)
    _check_fields(data, _FILE_FIELDS, set(), where, problems)
    code = data.get("region")
    if "region" in data and code not in REGIONS:
        problems.append(f"{where}: region {code!r} is not one of {', '.join(REGIONS)}")
    if "name" in data and not _text(data["name"]):
        problems.append(f"{where}: name must be text")
    aliases = data.get("aliases")
    if "aliases" in data and not (
        isinstance(aliases, list) and all(_text(a) and a == a.lower().strip() for a in aliases)
    ):
        problems.append(f"{where}: aliases must be a list of lower-case words and phrases")
    emergency = None
    if "emergency" in data:
        emergency = _read_emergency(data["emergency"], f"{code}-emergency", where, today, problems)
    raw_lines = data.get("lines")
    if "lines" in data and not (isinstance(raw_lines, list) and raw_lines):
        problems.append(f"{where}: lines must be a non-empty list")
        raw_lines = []
    lines = [_read_line(raw, i, where, today, problems) for i, raw in enumerate(raw_lines or [])]
    if len(problems) > before or emergency is None:
        return None
    checked = tuple(line for line in lines if line is not None)
    if not any(GENERAL in line.categories for line in checked):
        problems.append(f"{where}: no line is tagged {GENERAL!r}, so some risks would get none")
        return None
    return Region(str(code), str(data["name"]), tuple(data["aliases"]), emergency, checked)


def _read_emergency(
    raw: object, entry_id: str, file: str, today: date | None, problems: list[str]
) -> Emergency | None:
    """The emergency block of a file, or None after adding its problems to the list."""
    where = f"{file}: emergency"
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with {sorted(_EMERGENCY_FIELDS)}")
        return None
    before = len(problems)
    _check_fields(raw, _EMERGENCY_FIELDS, _EMERGENCY_OPTIONAL, where, problems)
    numbers = [raw.get("number"), *(raw.get("also") or [])]
    for number in numbers:
        _check_number(number, where, problems)
    if "applies_in" in raw and not _text(raw["applies_in"]):
        problems.append(f"{where}: applies_in must be text")
    checked = _read_check(raw, where, today, problems)
    if len(problems) > before or checked is None:
        return None
    return Emergency(
        entry_id,
        file,
        *checked,
        number=str(raw["number"]),
        also=tuple(str(n) for n in raw.get("also") or []),
        applies_in=raw.get("applies_in"),
    )


def _read_line(
    raw: object, index: int, file: str, today: date | None, problems: list[str]
) -> Line | None:
    """One entry of `lines`, or None after adding its problems to the list."""
    entry_id = raw.get("id") if isinstance(raw, dict) else None
    where = f"{file}: line {entry_id!r}" if _text(entry_id) else f"{file}: line #{index + 1}"
    if not isinstance(raw, dict):
        problems.append(f"{where}: expected a mapping with {sorted(_LINE_FIELDS)}")
        return None
    before = len(problems)
    _check_fields(raw, _LINE_FIELDS, _LINE_OPTIONAL, where, problems)
    if "id" in raw and not (_text(entry_id) and _ID.fullmatch(str(entry_id))):
        problems.append(f"{where}: id must be lower-case words joined by dashes")
    if "name" in raw and not _text(raw["name"]):
        problems.append(f"{where}: name must be text")
    categories = raw.get("categories")
    if "categories" in raw and not (isinstance(categories, list) and categories):
        problems.append(f"{where}: categories must be a non-empty list")
        categories = []
    problems.extend(
        f"{where}: unknown category {c!r}" for c in categories or [] if c not in CATEGORIES
    )
    channels = raw.get("channels")
    if "channels" in raw and not (isinstance(channels, list) and channels):
        problems.append(f"{where}: channels must be a non-empty list")
        channels = []
    read = [_read_channel(c, where, problems) for c in channels or []]
    if "hours" in raw and not _text(raw["hours"]):
        problems.append(f'{where}: hours must be text ("see source" when not known)')
    if not isinstance(raw.get("free", False), bool):
        problems.append(f"{where}: free must be true or false")
    checked = _read_check(raw, where, today, problems)
    if len(problems) > before or checked is None:
        return None
    return Line(
        str(entry_id),
        file,
        *checked,
        name=str(raw["name"]),
        categories=tuple(raw["categories"]),
        channels=tuple(c for c in read if c is not None),
        hours=str(raw["hours"]),
        free=bool(raw.get("free", False)),
    )


def _read_channel(raw: object, where: str, problems: list[str]) -> Channel | None:
    """One channel of a line, or None after adding its problems to the list."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: a channel must be a mapping with a type")
        return None
    kind = raw.get("type")
    if kind not in CHANNEL_TYPES:
        problems.append(f"{where}: unknown channel type {kind!r} (one of {CHANNEL_TYPES})")
        return None
    field = "number" if kind in ("call", "text") else "address"
    optional = {"keyword"} if kind == "text" else set()
    before = len(problems)
    _check_fields(raw, {"type", field}, optional, f"{where}: {kind} channel", problems)
    value = raw.get(field)
    if field == "number":
        _check_number(value, f"{where}: {kind} channel", problems)
    elif not (_text(value) and _ADDRESS.fullmatch(str(value))):
        problems.append(f"{where}: {kind} address {value!r} is not a web address like example.org")
    keyword = raw.get("keyword")
    if keyword is not None and not (isinstance(keyword, str) and _KEYWORD.fullmatch(keyword)):
        problems.append(f"{where}: keyword {keyword!r} must be capital letters or digits")
    if len(problems) > before:
        return None
    return Channel(str(kind), str(value), keyword)


def _read_check(
    raw: dict[str, Any], where: str, today: date | None, problems: list[str]
) -> tuple[str, date, str] | None:
    """Source, last-verified date and what it was verified against, or None when any is bad."""
    before = len(problems)
    source = raw.get("source")
    if "source" in raw and not (isinstance(source, str) and source.startswith("https://")):
        problems.append(f"{where}: source {source!r} must be an https:// address")
    last_verified = _date(raw.get("last_verified"))
    if "last_verified" in raw:
        if last_verified is None:
            problems.append(
                f"{where}: last_verified {raw['last_verified']!r} is not a date like 2025-01-31"
            )
        elif today is not None and last_verified > today:
            problems.append(f"{where}: last_verified {last_verified} is in the future")
    if "verified_against" in raw and not _text(raw["verified_against"]):
        problems.append(f"{where}: verified_against must say what the entry was checked against")
    if len(problems) > before or last_verified is None:
        return None
    return str(source), last_verified, str(raw["verified_against"])


def _check_fields(
    raw: dict[str, Any], required: set[str], optional: set[str], where: str, problems: list[str]
) -> None:
    """Add a problem for every missing field and every field nobody reads (a typo)."""
    for name in sorted(required - set(raw)):
        problems.append(f"{where}: missing field {name!r}")
    for name in sorted(set(raw) - required - optional):
        problems.append(f"{where}: unknown field {name!r}")


def _check_number(value: object, where: str, problems: list[str]) -> None:
    """Add a problem unless value is a quoted number of digits, spaces and dashes."""
    if not isinstance(value, str):
        # Unquoted, YAML reads 000 as 0 and 116 123 as text: quoting keeps what people dial.
        problems.append(f'{where}: number {value!r} must be written in quotes, like "988"')
    elif not _NUMBER.fullmatch(value):
        problems.append(f"{where}: number {value!r} may hold only digits, spaces and dashes")


def _date(value: object) -> date | None:
    """A date from YAML (read as a date when unquoted) or an ISO string; None otherwise."""
    if isinstance(value, datetime):
        return None  # a time of day says someone typed more than a date; ask for the date
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _text(value: object) -> bool:
    """True for a non-empty string."""
    return isinstance(value, str) and bool(value.strip())

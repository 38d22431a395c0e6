"""The crisis-line directory: every entry checked, every region and risk answered, nothing stale."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot import resources
from bot.cli import main
from bot.crisis_lines import OUTPUT, RESPONSE, WORDING, load_wording, render
from bot.resources import (
    AT_SOURCE,
    CATEGORIES,
    REGIONS,
    RESOURCES_DIR,
    RISK_CATEGORIES,
    Directory,
    ResourceError,
    load_directory,
)

# A fixed day, so tests of age never depend on when they run.
TODAY = dt.date(2030, 6, 1)


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory()


@pytest.fixture(scope="module")
def variations(directory: Directory) -> tuple[dict[str, Any], ...]:
    """The variations of a fresh render, parsed once: reading YAML is the slow part."""
    return tuple(yaml.safe_load(render(directory))["responses"][RESPONSE])


def _edit(directory: Path, name: str, change: Callable[[dict[str, Any]], None]) -> None:
    path = directory / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def _edit_every_entry(directory: Path, **values: Any) -> None:
    """Set the same fields on every emergency number and line of every file."""

    def change(data: dict[str, Any]) -> None:
        for entry in [data["emergency"], *data["lines"]]:
            entry.update(values)

    for path in directory.glob("*.yml"):
        _edit(directory, path.name, change)


def _copy(tmp_path: Path) -> Path:
    """A copy of the real directory, every entry verified on TODAY, to edit one thing in."""
    target = tmp_path / "resources"
    shutil.copytree(RESOURCES_DIR, target)
    _edit_every_entry(target, last_verified=TODAY)
    return target


def _line(data: dict[str, Any], entry_id: str) -> dict[str, Any]:
    return next(line for line in data["lines"] if line["id"] == entry_id)


def test_every_real_file_loads_and_every_region_has_one(directory: Directory) -> None:
    assert [region.code for region in directory.regions] == list(REGIONS)
    files = {entry.file for entry in directory.entries()}
    assert files == {path.name for path in RESOURCES_DIR.glob("*.yml")}


def test_a_clean_copy_loads(tmp_path: Path) -> None:
    # The edits below each break one thing; this shows the copy itself is sound.
    assert load_directory(_copy(tmp_path), today=TODAY).regions


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        # A line without hours: the renderer and a reviewer both need them.
        (
            "uk.yml",
            lambda d: _line(d, "uk-samaritans").pop("hours"),
            "uk.yml: line 'uk-samaritans': missing field 'hours'",
        ),
        # A line without an id is named by its place in the file.
        ("au.yml", lambda d: d["lines"][0].pop("id"), "au.yml: line #1: missing field 'id'"),
        # The emergency number needs its source like any line.
        ("nz.yml", lambda d: d["emergency"].pop("source"), "nz.yml: emergency: missing field"),
        # A category the slot does not have would never be shown.
        (
            "uk.yml",
            lambda d: _line(d, "uk-shout").update(categories=["suicide"]),
            "uk.yml: line 'uk-shout': unknown category 'suicide'",
        ),
        (
            "us.yml",
            lambda d: _line(d, "us-rainn")["channels"][0].update(type="fax"),
            "us.yml: line 'us-rainn': unknown channel type 'fax'",
        ),
        # Plain http can be altered on the way; sources are read by people who re-verify.
        (
            "ie.yml",
            lambda d: _line(d, "ie-samaritans").update(source="http://www.samaritans.org/"),
            "must be an https:// address",
        ),
        (
            "ca.yml",
            lambda d: _line(d, "ca-988").update(last_verified="22/11/2026"),
            "ca.yml: line 'ca-988': last_verified '22/11/2026' is not a date like",
        ),
        # A date after today is a typo, and would hide an entry from the staleness check.
        (
            "ca.yml",
            lambda d: _line(d, "ca-988").update(last_verified=TODAY + dt.timedelta(days=1)),
            "ca.yml: line 'ca-988': last_verified 2030-06-02 is in the future",
        ),
        # Two entries with one id make reports ambiguous.
        (
            "uk.yml",
            lambda d: _line(d, "uk-shout").update(id="uk-samaritans"),
            "uk.yml: uk-samaritans: duplicate id",
        ),
        # Letters or notes inside a number would be shown to someone trying to dial it.
        (
            "uk.yml",
            lambda d: _line(d, "uk-childline")["channels"][0].update(number="0800 1111 (free)"),
            "uk.yml: line 'uk-childline': call channel: number '0800 1111 (free)' may hold only",
        ),
        # Unquoted, YAML reads 000 as the integer 0.
        ("au.yml", lambda d: d["emergency"].update(number=0), "must be written in quotes"),
        (
            "international.yml",
            lambda d: d["lines"][0]["channels"][0].update(address="find a helpline"),
            "web address 'find a helpline' is not a web address",
        ),
        # A typo in a field name would otherwise be silently ignored.
        (
            "nz.yml",
            lambda d: _line(d, "nz-1737").update(hour="24/7"),
            "nz.yml: line 'nz-1737': unknown field 'hour'",
        ),
        # An alias in two files would send people to the wrong country's lines.
        ("ca.yml", lambda d: d["aliases"].append("london"), "alias 'london' is also in"),
        # Without a general line, risks with no specific line would get nothing.
        (
            "au.yml",
            lambda d: _line(d, "au-lifeline").update(categories=["suicide_or_self_harm"]),
            "au.yml: no line is tagged 'general'",
        ),
    ],
)
def test_a_malformed_entry_is_rejected_with_file_and_entry(
    tmp_path: Path, name: str, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    copy = _copy(tmp_path)
    _edit(copy, name, change)
    with pytest.raises(ResourceError) as raised:
        load_directory(copy, today=TODAY)
    assert any(message in problem for problem in raised.value.problems), raised.value.problems


def test_the_running_assistant_reads_a_future_date_without_failing(tmp_path: Path) -> None:
    # A machine whose clock is behind a verification date must still start and show lines;
    # only `bot resources check` (which passes today) calls such a date a problem.
    copy = _copy(tmp_path)
    _edit_every_entry(copy, last_verified=dt.date.today() + dt.timedelta(days=30))
    assert load_directory(copy).region_for_text("I'm in Ireland") == "ie"
    with pytest.raises(ResourceError):
        load_directory(copy, today=dt.date.today())


def test_a_missing_region_file_is_rejected(tmp_path: Path) -> None:
    copy = _copy(tmp_path)
    (copy / "nz.yml").unlink()
    with pytest.raises(ResourceError, match="no file for region 'nz'"):
        load_directory(copy, today=TODAY)


@pytest.mark.parametrize(("age_days", "stale"), [(181, True), (180, False), (0, False)])
def test_an_entry_is_stale_only_after_180_days(tmp_path: Path, age_days: int, stale: bool) -> None:
    copy = _copy(tmp_path)
    verified = TODAY - dt.timedelta(days=age_days)
    _edit(copy, "uk.yml", lambda d: _line(d, "uk-shout").update(last_verified=verified))
    found = [entry.id for entry in load_directory(copy, today=TODAY).stale(TODAY)]
    assert found == (["uk-shout"] if stale else [])


def test_the_real_directory_has_no_stale_entries(directory: Directory) -> None:
    assert [entry.label for entry in directory.stale(dt.date.today())] == []


def test_entries_not_verified_at_the_source_block_a_deployment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = _copy(tmp_path)
    # `bot resources check` reads the copy; nothing in it is stale.
    monkeypatch.setattr(
        resources, "load_directory", lambda today=None: load_directory(copy, today=TODAY)
    )
    assert main(["resources", "check"]) == 0
    assert main(["resources", "check", "--deploy"]) == 1
    _edit_every_entry(copy, verified_against=AT_SOURCE)
    assert main(["resources", "check", "--deploy"]) == 0


def test_every_entry_says_whether_it_was_checked_at_its_source(directory: Directory) -> None:
    # Until a human checks an entry at its source, it says it has not been re-checked there.
    for entry in directory.entries():
        assert (
            entry.verified_against == AT_SOURCE or "not yet re-checked" in entry.verified_against
        ), entry.label


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("category", CATEGORIES)
def test_every_region_and_risk_gets_emergency_and_a_line(
    directory: Directory, region: str, category: str
) -> None:
    referral = directory.lines_for(region, category)
    assert referral.emergency.number
    assert referral.lines
    if region != "other":
        # "Anywhere else" has only a directory of lines: the reference names no line that
        # serves every country.
        assert any(line.staffed for line in referral.lines)


@pytest.mark.parametrize(
    ("region", "category", "expected"),
    [
        ("uk", "abuse_or_violence", ["uk-domestic-abuse-helpline"]),  # a specialised line
        ("uk", "harm_to_others", ["uk-samaritans", "uk-shout"]),  # none: the general lines
        ("ca", "child_safeguarding", ["ca-988", "ca-crisis-text-line"]),  # no specialised lines
        ("us", "child_safeguarding", ["us-childhelp"]),
    ],
)
def test_specific_lines_come_instead_of_general_ones(
    directory: Directory, region: str, category: str, expected: list[str]
) -> None:
    assert [line.id for line in directory.lines_for(region, category).lines] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I'm in the United States", "us"),  # the button payload
        ("i live in the USA", "us"),
        ("I\u2019m in the U.S.", "us"),  # a phone's apostrophe and dotted initials
        ("back in the states now", "us"),
        ("I'm in London", "uk"),
        ("Northern Ireland", "uk"),  # the longer alias wins over "ireland"
        ("dublin", "ie"),
        ("NEW SOUTH WALES", "au"),  # over the UK's "wales"
        ("I'm in Auckland", "nz"),
        ("toronto", "ca"),
        ("I'm somewhere else", "other"),  # the "Somewhere else" button
        ("I live in Germany", "other"),  # 112 is right across the EU
        ("South America", "other"),  # over the US's "america"
        ("can you help us", None),  # "us" is a pronoun, never a country
        ("tell us about it", None),
        ("I feel awful", None),
        ("englandish", None),  # whole words only
    ],
)
def test_region_for_text(directory: Directory, text: str, expected: str | None) -> None:
    assert directory.region_for_text(text) == expected


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ({"country": "GB"}, "uk"),  # ISO 3166 code for the UK
        ({"country": "UK"}, "uk"),
        ({"region": "us"}, "us"),  # as a code, "us" is the country
        ({"region": "AU"}, "au"),
        ({"region": "en-GB"}, "uk"),  # a locale
        ({"region": "fr_CA"}, "ca"),  # a locale written with an underscore
        ({"country": "New Zealand"}, "nz"),  # a name
        ({"country": "Ireland"}, "ie"),
        ({"region": "other"}, "other"),
        ({"region": "xx", "country": "IE"}, "ie"),  # an unknown region falls back to country
        ({"country": "de-DE"}, None),  # a locale of a country without a file: ask
        ({"region": "us-east-1"}, None),  # a server region, not where the person is
        ({"country": 44}, None),
        ({}, None),
        (None, None),
    ],
)
def test_region_for_metadata(
    directory: Directory, metadata: dict[str, Any] | None, expected: str | None
) -> None:
    assert directory.region_for_metadata(metadata) == expected


def test_the_generated_domain_file_is_up_to_date(directory: Directory) -> None:
    assert OUTPUT.read_text(encoding="utf-8") == render(directory), "run `bot resources render`"
    assert main(["resources", "render", "--check"]) == 0


def _matches(condition: list[dict[str, Any]], slots: dict[str, str | None]) -> bool:
    """Rasa's rule: every slot in the condition has the given value."""
    return all(slots.get(c["name"]) == c["value"] for c in condition)


@pytest.mark.parametrize("region", [*REGIONS, None])
@pytest.mark.parametrize("category", [*RISK_CATEGORIES, None])
def test_exactly_one_variation_answers_each_region_and_risk(
    directory: Directory,
    variations: tuple[dict[str, Any], ...],
    region: str | None,
    category: str | None,
) -> None:
    # Rasa picks at random among every matching conditional variation, so two must never match.
    slots = {"region": region, "risk_category": category}
    matching = [v for v in variations if "condition" in v and _matches(v["condition"], slots)]
    if region is None:
        assert matching == []
        assert load_wording()["ask_country"] in variations[-1]["text"]
    else:
        assert len(matching) == 1
        expected = directory.lines_for(region, category or "general")
        text = matching[0]["text"]
        assert text.splitlines()[0].startswith("If you're in danger right now, call")
        assert expected.emergency.number in text.splitlines()[0]
        for line in expected.lines:
            assert line.name in text


def test_the_unknown_region_variation_is_last_and_its_buttons_resolve(
    directory: Directory, variations: tuple[dict[str, Any], ...]
) -> None:
    fallback = variations[-1]
    assert "condition" not in fallback
    assert all("condition" in v for v in variations[:-1])
    for number in ("988", "116 123", "13 11 14", "1737", "112", "findahelpline.com"):
        assert number in fallback["text"]
    payloads = {button["payload"]: button["title"] for button in fallback["buttons"]}
    assert payloads["I'm in the United States"] == "United States"
    assert payloads["I'm somewhere else"] == "Somewhere else"
    resolved = sorted(directory.region_for_text(payload) or "" for payload in payloads)
    assert resolved == sorted(REGIONS)
    for payload in payloads:
        assert not payload.startswith("/")  # plain text, never parsed as an intent


def test_rendered_text_never_names_the_category(variations: tuple[dict[str, Any], ...]) -> None:
    shown = "\n".join(v["text"] for v in variations)
    for category in RISK_CATEGORIES:
        assert category not in shown
        assert category.replace("_", " ") not in shown


def test_a_line_reached_only_by_chat_is_rendered(tmp_path: Path) -> None:
    # The unknown-region variation leaves chat out to stay short; a region's main line that has
    # nothing else still needs a way to reach it (this used to crash the renderer).
    copy = _copy(tmp_path)
    chat_only = [{"type": "chat", "address": "1737.org.nz"}]
    _edit(copy, "nz.yml", lambda d: _line(d, "nz-1737").update(channels=chat_only))
    fallback = yaml.safe_load(render(load_directory(copy, today=TODAY)))["responses"][RESPONSE][-1]
    assert "- New Zealand: chat at 1737.org.nz." in fallback["text"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # A sentence that lost its number would tell someone in danger to call nothing.
        (
            lambda w: w.update(emergency="If you're in danger right now, call for help."),
            r"emergency fills in \[\], expected \['numbers'\]",
        ),
        # A field the renderer does not fill in would fail later, or show "{place}".
        (lambda w: w.update(call="call {number} in {place}"), "call fills in"),
        # A typo in a key would otherwise be ignored while the right key is missing.
        (lambda w: w.update(ask_countyr=w.pop("ask_country")), "unknown piece 'ask_countyr'"),
    ],
)
def test_wording_that_drops_or_adds_a_field_is_refused(
    tmp_path: Path, change: Callable[[dict[str, Any]], None], message: str
) -> None:
    wording = yaml.safe_load(WORDING.read_text(encoding="utf-8"))
    change(wording)
    path = tmp_path / "wording.yml"
    path.write_text(yaml.safe_dump(wording, allow_unicode=True))
    with pytest.raises(ValueError, match=message):
        load_wording(path)

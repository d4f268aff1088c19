"""Mistakes in the programme: every one is listed with its line and field, in file order."""

from __future__ import annotations

import textwrap
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.event_file import EventFileError, load_event_file
from bot.event_file.messages import Problems
from bot.event_file.positions import lines_of
from bot.event_file.schema import make_at
from core.event.model import Desk
from tests.unit.event_file.helpers import MINIMAL, errors_of, line_of


def test_wrong_type_names_the_field_and_its_line() -> None:
    text = MINIMAL.replace("tables = 3", 'tables = "three"')

    assert errors_of(text) == [
        f'line {line_of(text, "tables =")}: rounds[0].tables: must be a whole number, got "three"'
    ]


def test_numbers_in_quotes_are_not_silently_accepted() -> None:
    text = MINIMAL.replace('location = "Desk 1"', 'location = "Desk 1"\nexpert_telegram_id = "42"')

    assert errors_of(text) == [
        f"line {line_of(text, 'expert_telegram_id')}: desks[0].expert_telegram_id: "
        'must be a whole number, got "42"'
    ]


def test_unknown_key_is_reported_with_a_spelling_hint() -> None:
    text = MINIMAL.replace("slot_minutes = 20", "slot_minutes = 20\nslot_minute = 25")

    assert errors_of(text) == [
        f"line {line_of(text, 'slot_minute = 25')}: rounds[0].slot_minute: "
        "unknown key (did you mean slot_minutes?): remove it or check its spelling"
    ]


def test_end_before_start_points_at_end() -> None:
    text = MINIMAL.replace("end = 2025-04-10T11:00:00\nslot", "end = 2025-04-10T09:00:00\nslot")

    assert errors_of(text) == [
        f"line {line_of(text, 'end = 2025-04-10T09:00:00')}: rounds[0].end: "
        "must be after start (2025-04-10 10:00)"
    ]


@pytest.mark.parametrize("zone", ["Europe/Brusels", "Europe", "", "../etc/passwd", "CEST"])
def test_unknown_timezone_is_named(zone: str) -> None:
    text = MINIMAL.replace("Europe/Brussels", zone)

    # "Europe" is a directory of the zone database: with the tzdata package installed, zoneinfo
    # raises IsADirectoryError for it rather than ZoneInfoNotFoundError.
    assert errors_of(text) == [
        f'line 3: event.timezone: unknown IANA time zone "{zone}" '
        '(e.g. "Europe/Brussels" or "Asia/Seoul")'
    ]


def test_duplicate_key_names_the_first_use() -> None:
    text = MINIMAL.replace('key = "proposals"', 'key = "morning"')

    assert errors_of(text) == [
        f'line {line_of(text, "key =", 2)}: desks[0].key: duplicate key "morning": already used '
        f"by rounds[0] (line {line_of(text, 'key =')}); keys name rounds, desks and sessions alike"
    ]


def test_missing_required_field_points_at_its_table_header() -> None:
    text = MINIMAL.replace('title = "Opening"\n', "")

    assert errors_of(text) == [
        f"line {line_of(text, '[[sessions]]')}: sessions[0].title: required key is missing"
    ]


def test_every_problem_is_listed_in_file_order() -> None:
    text = (
        MINIMAL.replace("Europe/Brussels", "Mars/Olympus")
        .replace("slot_minutes = 20", "slot_minutes = 200")
        .replace("tables = 3", "tables = 0")
        .replace('location = "Hall"\n\n[[desks]]', 'location = "Hall"\ncolour = "red"\n\n[[desks]]')
        .replace("end = 2025-04-10T15:00:00", "end = 2025-04-10T14:20:00")
        .replace('key = "opening"', 'key = "morning"')
        .replace('speakers = ["DG CNECT", "MSIT"]', 'speakers = ["DG CNECT", 7]\ncapacity = 0')
    )

    assert errors_of(text) == [
        "line 3: event.timezone: unknown IANA time zone "
        '"Mars/Olympus" (e.g. "Europe/Brussels" or "Asia/Seoul")',
        f"line {line_of(text, 'slot_minutes = 200')}: rounds[0].slot_minutes: "
        "must be between 5 and 120 (got 200)",
        f"line {line_of(text, 'tables = 0')}: rounds[0].tables: must be between 1 and 1000 (got 0)",
        f"line {line_of(text, 'colour')}: rounds[0].colour: "
        "unknown key: remove it or check its spelling",
        f"line {line_of(text, 'T14:20:00')}: desks[0].windows[1]: "
        "a 30-minute slot does not fit between 14:00 and 14:20",
        f'line {line_of(text, "key =", 3)}: sessions[0].key: duplicate key "morning": already '
        f"used by rounds[0] (line {line_of(text, 'key =')}); keys name rounds, desks and "
        "sessions alike",
        f"line {line_of(text, 'speakers')}: sessions[0].speakers[1]: "
        'must be text in "quotes", got 7',
        f"line {line_of(text, 'capacity')}: sessions[0].capacity: must be 1 or more (got 0)",
    ]


def test_rules_across_fields_still_run_when_another_field_of_the_table_is_wrong() -> None:
    text = MINIMAL.replace("tables = 3", 'tables = "3"').replace(
        "end = 2025-04-10T11:00:00\nslot", "end = 2025-04-10T09:00:00\nslot"
    )

    assert errors_of(text) == [
        f"line {line_of(text, 'T09:00:00')}: rounds[0].end: must be after start (2025-04-10 10:00)",
        f'line {line_of(text, "tables")}: rounds[0].tables: must be a whole number, got "3"',
    ]


def test_times_outside_the_event_days_and_overlapping_rounds_are_refused() -> None:
    second_round = textwrap.dedent(
        """\
        [[rounds]]
        key = "late-morning"
        name = "Late morning"
        start = 2025-04-10T10:40:00
        end = 2025-04-10T12:00:00
        slot_minutes = 20
        tables = 3
        location = "Hall"

        """
    )
    text = MINIMAL.replace("[[desks]]", second_round + "[[desks]]").replace(
        "{ start = 2025-04-10T14:00:00, end = 2025-04-10T15:00:00 }",
        "{ start = 2025-04-12T14:00:00, end = 2025-04-12T15:00:00 }",
    )

    assert errors_of(text) == [
        f'line {line_of(text, "T10:40:00")}: rounds[1].start: overlaps round "morning" '
        "(2025-04-10 10:00-11:00)",
        f"line {line_of(text, '2025-04-12')}: desks[0].windows[1].start: 2025-04-12 is not a day "
        "of the event (2025-04-09 to 2025-04-10)",
    ]


def test_days_must_be_consecutive_and_given_once() -> None:
    gap = MINIMAL.replace("days = [2025-04-09, 2025-04-10]", "days = [2025-04-08, 2025-04-10]")
    assert errors_of(gap) == [
        "line 4: event.days[1]: days must be consecutive: expected 2025-04-09 after 2025-04-08"
    ]

    both = MINIMAL.replace("days = [", "start_date = 2025-04-09\ndays = [")
    assert errors_of(both) == [
        "line 5: event.days: give either days or start_date and end_date, not both"
    ]

    neither = MINIMAL.replace("days = [2025-04-09, 2025-04-10]\n", "")
    assert errors_of(neither) == [
        "line 1: event: give days = [2025-04-09, ...] or start_date and end_date"
    ]


def test_times_that_daylight_saving_skips_or_repeats_are_refused() -> None:
    text = (
        MINIMAL.replace(
            "days = [2025-04-09, 2025-04-10]", "start_date = 2025-03-30\nend_date = 2025-04-10"
        )
        .replace("2025-04-09T09:30:00", "2025-03-30T02:30:00")
        .replace("2025-04-09T10:15:00", "2025-03-30T03:30:00")
    )

    assert errors_of(text) == [
        f"line {line_of(text, 'T02:30:00')}: sessions[0].start: 2025-03-30 02:30 does not exist "
        "in Europe/Brussels (the clocks jump forward)"
    ]


def test_offsets_and_seconds_are_refused_to_keep_one_way_of_writing_times() -> None:
    text = MINIMAL.replace("start = 2025-04-10T10:00:00\nend", "start = 2025-04-10T10:00:00Z\nend")
    text = text.replace("end = 2025-04-09T10:15:00", "end = 2025-04-09T10:15:30")

    assert errors_of(text) == [
        f"line {line_of(text, 'T10:00:00Z')}: rounds[0].start: write the local time of the event "
        "without an offset or Z, e.g. 2025-04-10T09:00:00",
        f"line {line_of(text, 'T10:15:30')}: sessions[0].end: must be a whole minute "
        "(got 10:15:30)",
    ]


def test_toml_syntax_errors_give_the_line_and_the_usual_fix() -> None:
    text = MINIMAL.replace("start = 2025-04-10T10:00:00\nend", "start = 2025-04-10T10:00\nend")

    [message] = errors_of(text)

    assert message.startswith(f"line {line_of(text, 'T10:00')}: not valid TOML: ")
    assert "write 2025-04-10T09:00:00" in message


def test_structure_mistakes_are_explained() -> None:
    single = MINIMAL.replace("[[rounds]]", "[rounds]")
    assert errors_of(single) == [
        f"line {line_of(single, '[rounds]')}: rounds: must be an array of tables: "
        "write [[rounds]] above each one"
    ]

    assert errors_of("") == ["line 1: event: required table [event] is missing"]

    extra = MINIMAL + "\n[[session]]\nkey = 'x'\n"
    assert errors_of(extra) == [
        f"line {line_of(extra, '[[session]]')}: session: unknown table (did you mean sessions?): "
        "the file has [event], [[rounds]], [[desks]] and [[sessions]]"
    ]

    empty_windows = MINIMAL.replace(
        MINIMAL[MINIMAL.index("windows = [") : MINIMAL.index("[[sessions]]")], "windows = []\n\n"
    )
    assert errors_of(empty_windows) == [
        f"line {line_of(empty_windows, 'windows')}: desks[0].windows: must list at least one "
        "window, e.g. [{start = ..., end = ...}]"
    ]


def test_lines_are_found_past_tricky_strings_and_comments() -> None:
    text = MINIMAL.replace(
        'speakers = ["DG CNECT", "MSIT"]',
        'speakers = [\n  "DG CNECT",  # the Commission\n  "MSIT, [[rounds]] \\"x\\"",\n]\n'
        "description = '''\n[[rounds]]\nkey = 1\n'''\ncapacity = -1",
    )

    assert errors_of(text) == [
        f"line {line_of(text, 'capacity')}: sessions[0].capacity: must be 1 or more (got -1)"
    ]


def test_unreadable_files_are_reported_like_other_problems(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    with pytest.raises(EventFileError, match="cannot read"):
        load_event_file(missing)

    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(MINIMAL.replace("Test forum", "Forum é").encode("latin-1"))
    with pytest.raises(EventFileError, match="cannot read"):
        load_event_file(latin1)


def test_a_refusal_from_core_is_placed_at_the_line_of_the_field_it_names() -> None:
    """Core's models have the last word: what they refuse is reported like any other problem."""
    problems = Problems(lines_of(MINIMAL), tomllib.loads(MINIMAL))
    ten, nine = (datetime(2025, 4, 10, hour, tzinfo=UTC) for hour in (10, 9))

    made = make_at(
        problems,
        ("desks", 0),
        lambda: Desk("d", "NCP", "Proposals", ((ten, nine),), slot_minutes=30, location="Desk 1"),
    )

    assert made is None
    assert problems.messages() == [
        f"line {line_of(MINIMAL, '{ start = 2025-04-10T10:00:00')}: desks[0].windows[0].end: "
        "must be after start (2025-04-10 10:00)"
    ]

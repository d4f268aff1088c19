"""Conversions: time zones, windows and options as tables, survey times and defaults."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path

from bot.event_file import load_event_file, parse_event_toml
from tests.unit.event_file.helpers import MINIMAL, WITH_SURVEY, errors_of, line_of


def test_winter_time_and_other_zones_convert_with_their_own_offset() -> None:
    winter = MINIMAL.replace("2025-04-09T09:30:00", "2025-03-29T09:30:00")
    winter = winter.replace("2025-04-09T10:15:00", "2025-03-29T10:15:00")
    winter = winter.replace(
        "days = [2025-04-09, 2025-04-10]", "start_date = 2025-03-29\nend_date = 2025-04-10"
    )
    event = parse_event_toml(winter)
    # 29 March 2025 is still CET (UTC+1); the clocks go forward on the 30th.
    assert event.sessions[0].starts_at == datetime(2025, 3, 29, 8, 30, tzinfo=UTC)
    assert len(event.days) == 13

    seoul = parse_event_toml(MINIMAL.replace("Europe/Brussels", "Asia/Seoul"))
    assert seoul.timezone == "Asia/Seoul"
    assert seoul.rounds[0].starts_at == datetime(2025, 4, 10, 1, 0, tzinfo=UTC)


def test_desk_windows_may_also_be_written_as_tables(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        textwrap.dedent(
            """\
            windows = [
                { start = 2025-04-10T10:00:00, end = 2025-04-10T11:00:00 },
                { start = 2025-04-10T14:00:00, end = 2025-04-10T15:00:00 },
            ]
            """
        ),
        textwrap.dedent(
            """\
            expert_telegram_id = 123456789

            [[desks.windows]]
            start = 2025-04-10T10:00:00
            end = 2025-04-10T11:00:00

            [[desks.windows]]
            start = 2025-04-10T14:00:00
            end = 2025-04-10T13:00:00
            """
        ),
    )
    assert errors_of(text) == [
        f"line {line_of(text, 'end = 2025-04-10T13:00:00')}: desks[0].windows[1].end: "
        "must be after start (2025-04-10 14:00)"
    ]

    path = tmp_path / "event.toml"
    path.write_text(text.replace("T13:00:00", "T15:00:00"), encoding="utf-8")
    desk = load_event_file(path).desks[0]
    assert desk.expert_telegram_id == 123456789
    assert len(desk.slots()) == 4


def test_a_file_without_a_survey_has_none() -> None:
    assert parse_event_toml(MINIMAL).survey is None


def test_survey_times_become_utc_and_defaults_apply() -> None:
    survey = parse_event_toml(WITH_SURVEY).survey

    assert survey is not None
    assert survey.opens_at == datetime(2025, 4, 10, 15, 0, tzinfo=UTC)
    assert survey.closes_at == datetime(2025, 4, 24, 21, 59, tzinfo=UTC)
    overall, following, ideas = survey.questions
    assert (overall.required, overall.max_length, overall.options) == (True, 1000, ())
    assert following.option_label("no", "ko") == "아니요"
    assert (ideas.required, ideas.max_length) == (False, 500)

    seoul = parse_event_toml(WITH_SURVEY.replace("Europe/Brussels", "Asia/Seoul")).survey
    assert seoul is not None
    assert seoul.opens_at == datetime(2025, 4, 10, 8, 0, tzinfo=UTC)


def test_survey_options_may_also_be_written_as_tables() -> None:
    text = WITH_SURVEY.replace(
        textwrap.dedent(
            """\
            options = [
                { key = "yes", en = "Yes", ko = "네" },
                { key = "no", en = "No", ko = "아니요" },
            ]
            """
        ),
        textwrap.dedent(
            """\

            [[survey.questions.options]]
            key = "yes"
            en = "Yes"
            ko = "네"

            [[survey.questions.options]]
            key = "yes"
            en = "No"
            ko = "아니요"
            """
        ),
    )
    first, second = line_of(text, 'key = "yes"'), line_of(text, 'key = "yes"', 2)
    assert errors_of(text) == [
        f"line {second}: survey.questions[1].options[1].key: duplicate "
        f'option key "yes": already used by survey.questions[1].options[0] (line {first})'
    ]

    survey = parse_event_toml(
        text.replace('key = "yes"\nen = "No"', 'key = "no"\nen = "No"')
    ).survey
    assert survey is not None
    assert [o.key for o in survey.questions[1].options] == ["yes", "no"]

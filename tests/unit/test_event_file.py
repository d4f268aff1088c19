"""Event files: the example forum loads, times become UTC, and every mistake names its line."""

from __future__ import annotations

import textwrap
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.event_file import EventFileError, load_event_file, parse_event_toml
from core.event.model import Event

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = REPO_ROOT / "examples" / "korea-eu-quantum-forum.toml"
BRUSSELS = ZoneInfo("Europe/Brussels")
TRACKS = {"Quantum Computing & Simulation", "Quantum Communication", "Quantum Sensing & Metrology"}

MINIMAL = textwrap.dedent(
    """\
    [event]
    name = "Test forum"
    timezone = "Europe/Brussels"
    days = [2025-04-09, 2025-04-10]

    [[rounds]]
    key = "morning"
    name = "Morning round"
    start = 2025-04-10T10:00:00
    end = 2025-04-10T11:00:00
    slot_minutes = 20
    tables = 3
    location = "Hall"

    [[desks]]
    key = "proposals"
    expert = "NCP"
    topic = "Proposal development"
    slot_minutes = 30
    location = "Desk 1"
    windows = [
        { start = 2025-04-10T10:00:00, end = 2025-04-10T11:00:00 },
        { start = 2025-04-10T14:00:00, end = 2025-04-10T15:00:00 },
    ]

    [[sessions]]
    key = "opening"
    title = "Opening"
    track = "Plenary"
    room = "Hall"
    start = 2025-04-09T09:30:00
    end = 2025-04-09T10:15:00
    speakers = ["DG CNECT", "MSIT"]
    """
)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing needle, so tests survive edits of the fixture."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def errors_of(text: str) -> list[str]:
    with pytest.raises(EventFileError) as caught:
        parse_event_toml(text)
    assert str(caught.value) == "\n".join(caught.value.messages)
    return caught.value.messages


def local_day(moment: datetime) -> date:
    return moment.astimezone(BRUSSELS).date()


@pytest.fixture(scope="module")
def forum() -> Event:
    return load_event_file(EXAMPLE)


# --- the example forum --------------------------------------------------------------------------


def test_example_forum_runs_three_days_in_brussels(forum: Event) -> None:
    assert forum.timezone == "Europe/Brussels"
    assert forum.days == (date(2025, 4, 9), date(2025, 4, 10), date(2025, 4, 11))
    assert "Quantum" in forum.name


def test_day_one_has_the_plenary_and_the_three_parallel_tracks(forum: Event) -> None:
    day1 = [s for s in forum.sessions if local_day(s.starts_at) == date(2025, 4, 9)]

    assert len(day1) >= 4
    tracks = [s for s in day1 if s.track in TRACKS]
    assert {s.track for s in tracks} == TRACKS
    assert len({s.room for s in tracks}) == 3  # parallel sessions need three rooms
    assert len({(s.starts_at, s.ends_at) for s in tracks}) == 1  # ... at the same time
    opening = next(s for s in day1 if "DG CNECT" in " ".join(s.speakers))
    assert any("MSIT" in speaker for speaker in opening.speakers)
    assert opening.starts_at < tracks[0].starts_at


def test_day_two_has_two_matchmaking_rounds_with_their_slots_and_tables(forum: Event) -> None:
    assert len(forum.rounds) == 2
    for r in forum.rounds:
        assert local_day(r.starts_at) == date(2025, 4, 10)
        assert r.slot_minutes == 20
        assert r.tables == 15
        assert r.location == "Matchmaking area, level 2"
        # 10:00-12:30 and 14:00-16:30: 150 minutes, seven 20-minute slots each.
        assert len(r.slots()) == 7
        assert {s.capacity for s in r.slots()} == {15}


def test_day_two_has_the_horizon_europe_consultation_desks(forum: Event) -> None:
    assert len(forum.desks) >= 3
    topics = {d.topic for d in forum.desks}
    assert {
        "Proposal development",
        "Eligibility and Korea's association",
        "Administrative and financial rules",
    } <= topics
    for d in forum.desks:
        assert d.slot_minutes == 30
        assert d.slots()
        assert {local_day(s.starts_at) for s in d.slots()} == {date(2025, 4, 10)}
    assert any("NCP" in d.expert for d in forum.desks)
    assert any("NRF" in d.expert for d in forum.desks)


def test_day_three_is_the_study_visit_with_limited_places(forum: Event) -> None:
    visit = next(s for s in forum.sessions if "TU Delft" in s.title)

    assert local_day(visit.starts_at) == date(2025, 4, 11)
    assert visit.registration is True
    assert visit.capacity == 25
    assert "Brussels" in visit.room


def test_local_times_become_utc_in_summer_time(forum: Event) -> None:
    morning = next(r for r in forum.rounds if r.key == "morning")

    # 2025-04-10 10:00 in Brussels is CEST (UTC+2): 08:00 UTC.
    assert morning.starts_at == datetime(2025, 4, 10, 8, 0, tzinfo=UTC)
    assert morning.ends_at == datetime(2025, 4, 10, 10, 30, tzinfo=UTC)
    assert morning.slots()[0].key == "morning@20250410T0800"


def test_example_slot_keys_are_unique_and_short(forum: Event) -> None:
    keys = [s.key for s in forum.all_slots()]

    assert len(keys) == len(set(keys)) == 2 * 7 + sum(len(d.slots()) for d in forum.desks)
    assert max(map(len, keys)) <= 40


def test_example_multiline_descriptions_are_one_paragraph(forum: Event) -> None:
    for session in forum.sessions:
        assert "\n" not in session.description
        assert session.description == session.description.strip()


# --- conversions --------------------------------------------------------------------------------


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


# --- malformed files ----------------------------------------------------------------------------


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


# --- the survey ---------------------------------------------------------------------------------

SURVEY = textwrap.dedent(
    """\

    [survey]
    opens = 2025-04-10T17:00:00
    closes = 2025-04-24T23:59:00

    [[survey.questions]]
    key = "overall"
    kind = "rating"
    en = "Overall?"
    ko = "전반적으로?"

    [[survey.questions]]
    key = "next"
    kind = "single"
    en = "Next year?"
    ko = "내년에도?"
    options = [
        { key = "yes", en = "Yes", ko = "네" },
        { key = "no", en = "No", ko = "아니요" },
    ]

    [[survey.questions]]
    key = "ideas"
    kind = "text"
    required = false
    max_length = 500
    en = "Ideas?"
    ko = "의견?"
    """
)
WITH_SURVEY = MINIMAL + SURVEY


def test_example_survey_opens_on_the_last_day_and_closes_two_weeks_later(forum: Event) -> None:
    survey = forum.survey

    assert survey is not None
    # Brussels wall-clock times in CEST (UTC+2).
    assert survey.opens_at == datetime(2025, 4, 11, 15, 0, tzinfo=UTC)
    assert survey.closes_at == datetime(2025, 4, 25, 21, 59, tzinfo=UTC)
    assert local_day(survey.opens_at) == forum.days[-1]
    assert not survey.is_open(datetime(2025, 4, 10, 12, 0, tzinfo=UTC))
    assert survey.is_open(datetime(2025, 4, 20, 12, 0, tzinfo=UTC))


def test_example_survey_asks_what_the_forum_report_was_built_on(forum: Event) -> None:
    survey = forum.survey
    assert survey is not None

    shape = [(q.key, q.kind, q.required) for q in survey.questions]
    assert shape == [
        ("overall", "rating", True),
        ("matchmaking-useful", "rating", False),
        ("took-part", "multi", True),
        ("next-edition", "single", True),
        ("matchmaking-ideas", "text", False),
        ("follow-up-support", "multi", False),
    ]
    options = {q.key: [o.key for o in q.options] for q in survey.questions}
    assert options["took-part"] == [
        "thematic-sessions",
        "matchmaking",
        "he-consultations",
        "study-visit",
    ]
    assert options["next-edition"] == ["yes", "maybe", "no"]
    assert {"proposal-workshops", "travel-grants"} <= set(options["follow-up-support"])
    assert options["overall"] == options["matchmaking-ideas"] == []
    ideas = survey.question("matchmaking-ideas")
    assert ideas is not None and ideas.max_length == 1000


def test_example_survey_is_worded_in_both_languages(forum: Event) -> None:
    survey = forum.survey
    assert survey is not None

    def hangul(text: str) -> bool:
        return any("\uac00" <= char <= "\ud7a3" for char in text)

    for question in survey.questions:
        assert hangul(question.text("ko")) and not hangul(question.text("en"))
        for option in question.options:
            assert hangul(question.option_label(option.key, "ko"))
            assert not hangul(question.option_label(option.key, "en"))


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


def test_survey_closing_before_it_opens_points_at_closes() -> None:
    text = WITH_SURVEY.replace("closes = 2025-04-24T23:59:00", "closes = 2025-04-10T17:00:00")

    assert errors_of(text) == [
        f"line {line_of(text, 'closes =')}: survey.closes: must be after opens (2025-04-10 17:00)"
    ]


def test_survey_options_must_fit_the_kind_of_question() -> None:
    one_option = WITH_SURVEY.replace('    { key = "no", en = "No", ko = "아니요" },\n', "")
    assert errors_of(one_option) == [
        f"line {line_of(one_option, 'options = [')}: survey.questions[1].options: "
        "single needs 2 to 12 options"
    ]

    thirteen = ", ".join(f'{{ key = "o{i}", en = "O", ko = "오" }}' for i in range(13))
    crowded = WITH_SURVEY.replace('kind = "single"', 'kind = "multi"').replace(
        'options = [\n    { key = "yes", en = "Yes", ko = "네" },\n', f"options = [{thirteen},\n"
    )
    assert errors_of(crowded) == [
        f"line {line_of(crowded, 'options = [')}: survey.questions[1].options: "
        "multi needs 2 to 12 options"
    ]

    missing = WITH_SURVEY.replace("options = [", "choices = [")
    assert errors_of(missing) == [
        f"line {line_of(missing, '[[survey.questions]]', 2)}: survey.questions[1].options: "
        "single needs 2 to 12 options",
        f"line {line_of(missing, 'choices')}: survey.questions[1].choices: "
        "unknown key: remove it or check its spelling",
    ]

    rated = WITH_SURVEY.replace(
        'kind = "rating"', 'kind = "rating"\noptions = [{ key = "a", en = "A", ko = "가" }]'
    ).replace(
        "max_length = 500", 'max_length = 500\noptions = [{ key = "a", en = "A", ko = "가" }]'
    )
    assert errors_of(rated) == [
        f"line {line_of(rated, 'options =')}: survey.questions[0].options: rating questions have "
        "no options (people rate 1 to 5): remove it",
        f"line {line_of(rated, 'options =', 3)}: survey.questions[2].options: text questions "
        "have no options (people type their answer): remove it",
    ]

    limited = WITH_SURVEY.replace('kind = "rating"', 'kind = "rating"\nmax_length = 10')
    assert errors_of(limited) == [
        f"line {line_of(limited, 'max_length = 10')}: survey.questions[0].max_length: "
        "only text questions have a max_length: remove it"
    ]


def test_survey_fields_are_checked_one_by_one_in_file_order() -> None:
    text = (
        WITH_SURVEY.replace("opens = 2025-04-10T17:00:00", "opens = 2025-04-10T17:00:00Z")
        .replace('key = "next"', 'key = "overall"')
        .replace('kind = "single"', 'kind = "single"\nrequird = false')
        .replace('ko = "아니요"', 'ko = "  "')
        .replace('{ key = "yes"', '{ key = "Yes!"')
        .replace('kind = "text"', 'kind = "essay"')
        .replace("max_length = 500", "max_length = 5000")
    )

    first, second = line_of(text, 'key = "overall"'), line_of(text, 'key = "overall"', 2)
    blank = line_of(text, 'ko = "  "')
    assert errors_of(text) == [
        f"line {line_of(text, 'opens =')}: survey.opens: write the local time of the event "
        "without an offset or Z, e.g. 2025-04-10T09:00:00",
        f"line {second}: survey.questions[1].key: duplicate "
        f'question key "overall": already used by survey.questions[0] (line {first})',
        f"line {line_of(text, 'requird')}: survey.questions[1].requird: unknown key "
        "(did you mean required?): remove it or check its spelling",
        f"line {line_of(text, 'Yes!')}: survey.questions[1].options[0].key: must be 1-24 "
        'characters from a-z, 0-9 and "-" (got "Yes!")',
        f"line {blank}: survey.questions[1].options[1].ko: must not be empty",
        f"line {line_of(text, 'essay')}: survey.questions[2].kind: must be one of "
        '"rating", "single", "multi", "text" (got "essay")',
        f"line {line_of(text, 'max_length')}: survey.questions[2].max_length: "
        "must be between 1 and 4000 (got 5000)",
    ]


def test_survey_structure_mistakes_are_explained() -> None:
    no_questions = MINIMAL + SURVEY[: SURVEY.index("[[survey.questions]]")]
    assert errors_of(no_questions) == [
        f"line {line_of(no_questions, '[survey]')}: survey.questions: required key is missing"
    ]

    empty = no_questions + "questions = []\n"
    assert errors_of(empty) == [
        f"line {line_of(empty, 'questions = []')}: survey.questions: must have at least one "
        "question: add [[survey.questions]] tables"
    ]

    listed = WITH_SURVEY.replace("[survey]", "[[survey]]").replace("[[survey.questions]]", "")
    listed = listed[: listed.index('key = "overall"')]
    assert errors_of(listed) == [
        f"line {line_of(listed, '[[survey]]')}: survey: must be a table: write [survey] once, "
        "then [[survey.questions]] for each question"
    ]

    misspelt = MINIMAL + "\n[servey]\nopens = 2025-04-10T17:00:00\n"
    [message] = errors_of(misspelt)
    assert message.startswith(
        f"line {line_of(misspelt, '[servey]')}: servey: unknown table (did you mean survey?)"
    )

    typo = WITH_SURVEY.replace("closes =", "closing =")
    assert errors_of(typo) == [
        f"line {line_of(typo, '[survey]')}: survey.closes: required key is missing",
        f"line {line_of(typo, 'closing')}: survey.closing: unknown key (did you mean closes?): "
        "remove it or check its spelling",
    ]


def test_survey_times_that_daylight_saving_skips_are_refused() -> None:
    text = WITH_SURVEY.replace("opens = 2025-04-10T17:00:00", "opens = 2025-03-30T02:30:00")

    assert errors_of(text) == [
        f"line {line_of(text, 'opens =')}: survey.opens: 2025-03-30 02:30 does not exist "
        "in Europe/Brussels (the clocks jump forward)"
    ]


def test_a_malformed_survey_changes_nothing_in_the_database(tmp_path: Path, monkeypatch, capsys):
    import sqlite3

    from bot.__main__ import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORUMBOT_CONFIG", raising=False)
    db = tmp_path / "bot.db"
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{db}"\n', encoding="utf-8")

    def stored() -> list[tuple[object, ...]]:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT key, active FROM slots ORDER BY key").fetchall()

    assert main(["--config", str(config), "event", "load", str(EXAMPLE)]) == 0
    before = stored()
    capsys.readouterr()
    bad = EXAMPLE.read_text(encoding="utf-8").replace('kind = "single"', 'kind = "choice"')
    bad = bad.replace("tables = 15", "tables = 20")  # a change that must not be applied
    broken = tmp_path / "broken.toml"
    broken.write_text(bad, encoding="utf-8")

    assert main(["--config", str(config), "event", "load", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "nothing was changed" in err
    assert f"line {line_of(bad, 'choice')}: survey.questions[3].kind: " in err
    assert stored() == before

"""The example forum loads: its days, programme, times in UTC, and its survey."""

from __future__ import annotations

from datetime import UTC, date, datetime

from core.event.model import Event
from tests.unit.event_file.helpers import TRACKS, local_day


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

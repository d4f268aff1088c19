"""A whole calendar: entries in the event's zone with a VTIMEZONE that holds a DST change, and
the same UID as the entry's own file."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from core.reference.calendar import CalendarEntry, ics_calendar

NOW = datetime(2025, 3, 1, tzinfo=UTC)


def entry(uid: str, start: datetime, hours: int = 1) -> CalendarEntry:
    return CalendarEntry(uid, 2, start, start.replace(hour=start.hour + hours), f"Talk {uid}")


def test_times_stay_right_across_a_dst_change():
    entries = [
        entry("a@forumbot", datetime(2025, 3, 29, 9, 0, tzinfo=UTC)),  # 10:00 CET
        entry("b@forumbot", datetime(2025, 3, 30, 8, 0, tzinfo=UTC)),  # 10:00 CEST
    ]
    text = ics_calendar(entries, name="Spring forum", timezone="Europe/Brussels", now=NOW)
    assert "DTSTART;TZID=Europe/Brussels:20250329T100000" in text
    assert "DTSTART;TZID=Europe/Brussels:20250330T100000" in text
    assert "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200" in text
    calendar = icalendar.Calendar.from_ical(text)
    starts = {str(e["UID"]): e["DTSTART"].dt.astimezone(UTC) for e in calendar.walk("VEVENT")}
    assert starts == {e.uid: e.start for e in entries}
    assert all(int(e["SEQUENCE"]) == 2 for e in calendar.walk("VEVENT"))


def test_a_zone_without_dst_and_an_empty_calendar():
    seoul = ics_calendar(
        [entry("c@forumbot", datetime(2026, 12, 8, 0, 0, tzinfo=UTC))],
        name="Workshop",
        timezone="Asia/Seoul",
        now=NOW,
    )
    assert "DTSTART;TZID=Asia/Seoul:20261208T090000" in seoul
    assert seoul.count("BEGIN:STANDARD") == 1 and "TZOFFSETTO:+0900" in seoul
    empty = ics_calendar([], name="Nothing", timezone="Asia/Seoul", now=NOW)
    assert "BEGIN:VEVENT" not in empty and icalendar.Calendar.from_ical(empty)
    assert ZoneInfo("Asia/Seoul")

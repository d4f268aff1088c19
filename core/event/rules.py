"""The programme's rules, each stated once: the model refuses what breaks them, and the event-file
loader reports every breach, in these words, at the line of the field concerned."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.reference.rules import between, minute

#: Keys end up in slot keys and callback data, so they stay short and URL-safe.
KEY_PATTERN = re.compile(r"[a-z0-9-]{2,32}")
#: Guards against a typo in a year turning the event into months of empty days.
MAX_DAYS = 31
SLOT_MINUTES = (5, 120)
MAX_TABLES = 1000
ONE_DAY = timedelta(days=1)
#: A desk nobody can book is a mistake, not a feature.
NO_WINDOWS = "must list at least one window"
_INSTANT = timedelta(microseconds=1)


def key(value: str) -> str | None:
    """Keys of rounds, desks and sessions: 2-32 characters from a-z, 0-9 and "-"."""
    if KEY_PATTERN.fullmatch(value):
        return None
    return f'must be 2-32 characters from a-z, 0-9 and "-" (got "{value}")'


def slot_minutes(value: int) -> str | None:
    """A slot long enough to say hello, short enough to leave room for the next one."""
    return between(value, *SLOT_MINUTES)


def tables(value: int) -> str | None:
    """At least one table; more than a thousand is a typo."""
    return between(value, 1, MAX_TABLES)


def time_zone(name: str) -> ZoneInfo | str:
    """The event's zone, or the problem (naming valid examples) when there is no such zone."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return f'unknown IANA time zone "{name}" (e.g. "Europe/Brussels" or "Asia/Seoul")'


def wall_clock(local: datetime, zone: ZoneInfo) -> str | None:
    """A problem when a local time is skipped or repeated by a daylight-saving change."""
    aware = local.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        return f"{minute(local)} does not exist in {zone.key} (the clocks jump forward)"
    if aware.utcoffset() != local.replace(tzinfo=zone, fold=1).utcoffset():
        return (
            f"{minute(local)} happens twice in {zone.key} (the clocks go back): pick another time"
        )
    return None


def span(
    start: datetime, end: datetime, *, days: Sequence[date], zone: ZoneInfo | None
) -> list[tuple[str, str]]:
    """("start" or "end", problem) for a local span: in order, on event days, at real times."""
    if end <= start:
        return [("end", f"must be after start ({minute(start)})")]
    problems: list[tuple[str, str]] = []
    # An end at midnight closes the day before, so it is checked as that day's last instant.
    last_day = (end - _INSTANT).date()
    for day, name in ((start.date(), "start"), (last_day, "end")):
        if days and day not in days and not (name == "end" and day == start.date()):
            problems.append((name, f"{day} is not a day of the event ({days[0]} to {days[-1]})"))
    for value, name in ((start, "start"), (end, "end")):
        problem = wall_clock(value, zone) if zone else None
        if problem:
            problems.append((name, problem))
    return problems


def fit(start: datetime, end: datetime, minutes: int) -> str | None:
    """A round or desk window must hold at least one whole slot."""
    if end - start < timedelta(minutes=minutes):
        return f"a {minutes}-minute slot does not fit between {start:%H:%M} and {end:%H:%M}"
    return None


def overlaps(spans: Sequence[tuple[datetime, datetime, str]], what: str) -> list[tuple[int, str]]:
    """(index, problem) for each span that starts before an earlier one (by start) has ended."""
    problems: list[tuple[int, str]] = []
    latest: tuple[datetime, datetime, str] | None = None
    for i in sorted(range(len(spans)), key=lambda i: (spans[i][0], spans[i][1])):
        start, end, _name = spans[i]
        if latest is not None and start < latest[1]:
            problems.append(
                (i, f"overlaps {what} {latest[2]} ({minute(latest[0])}-{latest[1]:%H:%M})")
            )
        if latest is None or end > latest[1]:
            latest = spans[i]
    return problems


def gaps(days: Sequence[date]) -> list[tuple[int, str]]:
    """(index, problem) for each listed day that does not follow the one before it."""
    return [
        (i, f"days must be consecutive: expected {days[i - 1] + ONE_DAY} after {days[i - 1]}")
        for i in range(1, len(days))
        if days[i] != days[i - 1] + ONE_DAY
    ]


def day_range(first: date, last: date) -> list[date]:
    """Every day from first to last, both included (capped one past MAX_DAYS, for safety)."""
    count = (last - first).days + 1
    return [first + i * ONE_DAY for i in range(min(count, MAX_DAYS + 1))]


def too_long(days: Sequence[date]) -> str | None:
    """An event lasts at most MAX_DAYS days."""
    return f"an event lasts at most {MAX_DAYS} days" if len(days) > MAX_DAYS else None

"""pretalx and other frab-style `schedule.json` (the C3VOC schema), with the variants seen in
the wild: `start` as "HH:MM" where the schema says date-time, `date` without an offset,
`duration` as "HH:MM" or "D:HH:MM", persons with `name` instead of `public_name`."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.programme_import.model import (
    NO_ROOM,
    ImportedProgramme,
    ImportedSession,
    SourceError,
    person,
    to_local,
    zone_of,
)

FORMAT = "frab/pretalx schedule.json"
_DURATION = re.compile(r"^(?:(?P<d>\d+):)?(?P<h>\d{1,2}):(?P<m>\d{2})$")
_SAFE = re.compile(r"[^a-z0-9]")


def is_schedule(doc: object) -> bool:
    """`{"schedule": {"conference": ...}}`, or the inner object alone."""
    inner = doc.get("schedule", doc) if isinstance(doc, dict) else None
    return isinstance(inner, dict) and isinstance(inner.get("conference"), dict)


def duration(value: object, where: str) -> timedelta:
    """ "HH:MM" or "D:HH:MM" (a number of minutes is accepted too)."""
    if isinstance(value, int):
        return timedelta(minutes=value)
    found = _DURATION.match(str(value or "").strip())
    if found is None:
        raise SourceError(f"{where}: unreadable duration {value!r} (expected HH:MM or D:HH:MM)")
    return timedelta(days=int(found["d"] or 0), hours=int(found["h"]), minutes=int(found["m"]))


def _start(event: dict[str, Any], day: object, zone: ZoneInfo, where: str) -> datetime:
    """`date` (ISO, with offset or in the conference's zone), else the day plus `start`."""
    for value in (event.get("date"), event.get("start")):
        if isinstance(value, str) and "T" in value:
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                continue
            return moment if moment.tzinfo else moment.replace(tzinfo=zone)
    start = str(event.get("start") or "")
    try:
        clock = datetime.strptime(start[:5], "%H:%M").time()
        on = date.fromisoformat(str(day)[:10])
    except ValueError:
        raise SourceError(f"{where}: unreadable start {start!r} on {day!r}") from None
    return datetime.combine(on, clock, tzinfo=zone)


def _text(value: object) -> str:
    """A name from a string or a {name: ...} object (pretalx's tracks are both in the wild)."""
    if isinstance(value, dict):
        value = value.get("name") or value.get("en") or next(iter(value.values()), "")
    return str(value or "").strip()


def _persons(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = (
        person(None, None, None, p.get("public_name") or p.get("name") or p.get("full_public_name"))
        if isinstance(p, dict)
        else str(p).strip()
        for p in value
    )
    return tuple(n for n in names if n)


def _keys(events: list[dict[str, Any]]) -> dict[int, str]:
    """ "pretalx-" and the shortest guid prefix (8+ characters) that no other event shares."""
    ids = [
        _SAFE.sub("", str(e.get("guid") or e.get("id") or e.get("code") or "").lower())
        for e in events
    ]
    keys: dict[int, str] = {}
    for n in range(8, 25):
        prefixes = [i[:n] for i in ids]
        for index, prefix in enumerate(prefixes):
            if index not in keys and prefix and prefixes.count(prefix) == 1:
                keys[index] = f"pretalx-{prefix}"
    missing = [events[i].get("title") for i in range(len(events)) if i not in keys]
    if missing:
        raise SourceError(f"events without a distinct guid or id: {missing}")
    return keys


def parse_frab(doc: object, *, timezone: str | None = None) -> ImportedProgramme:
    """Every talk of every room of every day; a talk over several days is one item."""
    if not is_schedule(doc):
        raise SourceError("not a frab/pretalx schedule.json (no schedule.conference)")
    assert isinstance(doc, dict)
    conference = doc.get("schedule", doc)["conference"]
    source_zone = zone_of(str(conference.get("time_zone_name") or timezone or "UTC"))
    zone = zone_of(timezone) if timezone else source_zone
    placed: list[tuple[dict[str, Any], object, str]] = []
    for day in conference.get("days") or []:
        rooms = day.get("rooms") if isinstance(day, dict) else None
        for room, events in (rooms or {}).items():
            placed.extend((e, day.get("date"), room) for e in events or [] if isinstance(e, dict))
    keys = _keys([e for e, _day, _room in placed])
    programme = ImportedProgramme(FORMAT, _text(conference.get("title")) or None, zone.key)
    for index, (event, day, room) in enumerate(placed):
        where = f"event {event.get('guid') or event.get('id')}"
        start = _start(event, day, source_zone, where)
        end = start + duration(event.get("duration"), where)
        abstract = str(event.get("abstract") or event.get("description") or "").strip()
        programme.sessions.append(
            ImportedSession(
                key=keys[index],
                title=str(event.get("title") or "Untitled").strip(),
                track=_text(event.get("track")) or _text(event.get("type")) or "Programme",
                room=_text(event.get("room")) or str(room).strip() or NO_ROOM,
                start=to_local(start, zone),
                end=to_local(end, zone),
                speakers=_persons(event.get("persons")),
                description=abstract,
            )
        )
    programme.sessions.sort(key=lambda s: (s.start, s.room, s.key))
    return programme

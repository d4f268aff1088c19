"""Indico's timetable export (`/export/timetable/<id>.json`) and, for tracks and speakers, its
contributions export (`/export/event/<id>.json?detail=contributions`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
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

FORMAT = "Indico timetable"
#: Where Indico serves the contributions export of the event whose timetable is at a URL.
_TIMETABLE_URL = re.compile(r"^(?P<base>https://.+)/export/timetable/(?P<id>\d+)\.json")
BREAK_TRACK = "Break"


def is_timetable(doc: object) -> bool:
    """Indico's HTTP API wrapper around a timetable: results keyed by event id, then day."""
    return (
        isinstance(doc, dict)
        and isinstance(doc.get("results"), dict)
        and (doc.get("_type") == "HTTPAPIResult" or "count" in doc)
    )


def contributions_url(timetable_url: str) -> str | None:
    """The contributions export of the same event, when the timetable came from an Indico URL."""
    found = _TIMETABLE_URL.match(timetable_url)
    if found is None:
        return None
    return f"{found['base']}/export/event/{found['id']}.json?detail=contributions"


def _moment(value: object, where: str) -> datetime:
    """{date, time, tz} as an aware moment."""
    if not isinstance(value, dict):
        raise SourceError(f"{where}: startDate/endDate must be {{date, time, tz}}")
    try:
        naive = datetime.fromisoformat(f"{value['date']}T{value['time']}")
        return naive.replace(tzinfo=zone_of(str(value.get("tz") or "UTC")))
    except (KeyError, ValueError):
        raise SourceError(f"{where}: unreadable date {value!r}") from None


def _people(entries: object) -> tuple[str, ...]:
    """Conveners or presenters as "First Last (Affiliation)"."""
    if not isinstance(entries, list):
        return ()
    names = (
        person(p.get("firstName"), p.get("familyName"), p.get("affiliation"), p.get("name"))
        for p in entries
        if isinstance(p, dict)
    )
    return tuple(n for n in names if n)


def _export_speakers(entries: object) -> tuple[str, ...]:
    """Speakers of the contributions export (first_name, last_name, affiliation)."""
    if not isinstance(entries, list):
        return ()
    names = (
        person(p.get("first_name"), p.get("last_name"), p.get("affiliation"), p.get("fullName"))
        for p in entries
        if isinstance(p, dict)
    )
    return tuple(n for n in names if n)


class Contributions:
    """The contributions export, looked up by the contribution's database id."""

    def __init__(self, doc: object | None) -> None:
        self.event: dict[str, Any] = {}
        self.by_id: dict[str, dict[str, Any]] = {}
        if doc is None:
            return
        results = doc.get("results") if isinstance(doc, dict) else None
        if not isinstance(results, list) or not results or not isinstance(results[0], dict):
            raise SourceError("the contributions export has no event in its results")
        self.event = results[0]
        for contribution in self.event.get("contributions") or []:
            if isinstance(contribution, dict):
                for id_key in ("db_id", "id"):
                    if contribution.get(id_key) is not None:
                        self.by_id.setdefault(str(contribution[id_key]), contribution)

    def of(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        """The export's record of a timetable contribution (empty when unknown)."""
        return self.by_id.get(str(entry.get("contributionId")), {})


def _key(entry_id: str) -> str:
    """The stable key: the timetable entry's id (s12, c11, b3) after "indico-"."""
    return f"indico-{entry_id.lower()}"


def parse_indico(
    timetable: object,
    contributions: object | None = None,
    *,
    timezone: str | None = None,
    each_contribution: bool = False,
) -> ImportedProgramme:
    """Session blocks become items with their contributions in the description (or, with
    `each_contribution`, each contribution an item); breaks are kept; times move to the
    event's zone (given, else the contributions export's, else the timetable's own)."""
    if not is_timetable(timetable):
        raise SourceError("not an Indico timetable export (no HTTPAPIResult results)")
    assert isinstance(timetable, dict)
    extra = Contributions(contributions)
    events = timetable["results"]
    if len(events) != 1:
        raise SourceError(f"the timetable export holds {len(events)} events; export one")
    days = next(iter(events.values()))
    if not isinstance(days, dict):
        raise SourceError("the timetable's event is not keyed by day")
    entries = [e for day in days.values() if isinstance(day, dict) for e in day.values()]
    zone_name = timezone or extra.event.get("timezone") or _first_tz(entries) or "UTC"
    zone = zone_of(str(zone_name))
    programme = ImportedProgramme(
        FORMAT + (" + contributions export" if contributions is not None else ""),
        str(extra.event["title"]) if extra.event.get("title") else None,
        zone.key,
    )
    for entry in sorted(entries, key=_start_key):
        if isinstance(entry, dict):
            programme.sessions.extend(_items(entry, extra, zone, each_contribution))
    programme.sessions.sort(key=lambda s: (s.start, s.room, s.key))
    return programme


def _first_tz(entries: list[Any]) -> str | None:
    """The zone the export wrote its times in."""
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("startDate"), dict):
            return str(entry["startDate"].get("tz") or "") or None
    return None


def _start_key(entry: object) -> str:
    """Sort entries by their written start (ties keep the file's order)."""
    if isinstance(entry, dict) and isinstance(entry.get("startDate"), dict):
        return f"{entry['startDate'].get('date')}T{entry['startDate'].get('time')}"
    return ""


def _items(
    entry: dict[str, Any], extra: Contributions, zone: ZoneInfo, each: bool
) -> list[ImportedSession]:
    """The agenda items one top-level timetable entry becomes."""
    kind = entry.get("entryType")
    if kind == "Session":
        return _block(entry, extra, zone, each)
    if kind in ("Contribution", "Break"):
        return [_single(entry, extra, zone, room=None, track=None)]
    return []


def _times(entry: Mapping[str, Any], zone: ZoneInfo) -> tuple[datetime, datetime]:
    where = str(entry.get("id", "?"))
    return (
        to_local(_moment(entry.get("startDate"), where), zone),
        to_local(_moment(entry.get("endDate"), where), zone),
    )


def _room(entry: Mapping[str, Any], fallback: str | None) -> str:
    """The room, else the venue, else the enclosing block's, else "to be announced"."""
    for value in (entry.get("room"), entry.get("location"), fallback):
        if value and str(value).strip():
            return str(value).strip()
    return NO_ROOM


def _single(
    entry: dict[str, Any],
    extra: Contributions,
    zone: ZoneInfo,
    *,
    room: str | None,
    track: str | None,
) -> ImportedSession:
    """A contribution or a break as one item."""
    start, end = _times(entry, zone)
    is_break = entry.get("entryType") == "Break"
    known = {} if is_break else extra.of(entry)
    speakers = _people(entry.get("presenters")) or _export_speakers(known.get("speakers"))
    return ImportedSession(
        key=_key(str(entry.get("id"))),
        title=str(entry.get("title") or known.get("title") or "Untitled").strip(),
        track=BREAK_TRACK if is_break else str(known.get("track") or track or "Programme"),
        room=_room(entry, room),
        start=start,
        end=end,
        speakers=() if is_break else speakers,
        description=_plain(entry.get("description") or known.get("description")),
        is_break=is_break,
    )


def _block(
    entry: dict[str, Any], extra: Contributions, zone: ZoneInfo, each: bool
) -> list[ImportedSession]:
    """A session block: one item listing its contributions, or its contributions as items."""
    title = str(entry.get("title") or "Session").strip()
    slot_title = str(entry.get("slotTitle") or "").strip()
    room = _room(entry, None)
    children = [c for c in (entry.get("entries") or {}).values() if isinstance(c, dict)]
    children.sort(key=_start_key)
    inner = [_single(c, extra, zone, room=room, track=title) for c in children]
    if each:
        return inner
    start, end = _times(entry, zone)
    lines = [_plain(entry.get("description"))] if entry.get("description") else []
    for item in inner:
        who = f" — {', '.join(item.speakers)}" if item.speakers else ""
        lines.append(f"{item.start:%H:%M}–{item.end:%H:%M} {item.title}{who}")
    tracks = {i.track for i in inner if not i.is_break and i.track != title}
    return [
        ImportedSession(
            key=_key(str(entry.get("id"))),
            title=f"{title}: {slot_title}" if slot_title and slot_title != title else title,
            track=tracks.pop() if len(tracks) == 1 else title,
            room=room,
            start=start,
            end=end,
            speakers=_people(entry.get("conveners")),
            description="\n".join(line for line in lines if line),
        )
    ]


def _plain(value: object) -> str:
    """Descriptions as text: Indico's HTML/markdown tags dropped, blank lines squeezed."""
    if not value:
        return ""
    text = re.sub(r"<[^>]+>", "", str(value))
    return re.sub(r"\n{3,}", "\n\n", text).strip()

"""iCalendar (RFC 5545) files for meetings, consultations and whole calendars, written by hand
to stay pure."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

PRODID = "-//forumbot//EN"
#: RFC 5546 wants a calendar address for the organiser and attendees; we know no e-mail
#: addresses, so we use the reserved .invalid domain (RFC 2606): no client can ever mail it.
NO_REPLY_DOMAIN = "forumbot.invalid"
ALARM_MINUTES = 15
#: Octets per line before folding, CRLF not counted (RFC 5545 section 3.1).
FOLD_OCTETS = 75

Method = Literal["REQUEST", "CANCEL"]

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NEWLINE = re.compile(r"\r\n|\r|\n")


def escape_text(value: str) -> str:
    """Escape a TEXT value so commas, semicolons and newlines survive every parser."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = _NEWLINE.sub("\\\\n", value)
    return _CONTROL.sub("", value)


def _param(value: str) -> str:
    """A quoted parameter value: DQUOTE and controls are not allowed inside, so replace them."""
    value = _CONTROL.sub("", _NEWLINE.sub(" ", value)).replace('"', "'")
    return f'"{value}"'


def fold(line: str) -> Iterator[str]:
    """Split a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    piece: list[str] = []
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > FOLD_OCTETS:
            yield "".join(piece)
            # The leading space of a continuation line counts towards its 75 octets.
            piece, size = [" "], 1
        piece.append(char)
        size += width
    yield "".join(piece)


def _stamp(value: datetime, what: str) -> str:
    """A UTC DATE-TIME in the form 20250410T080000Z; naive times are refused, not guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware")
    return f"{value.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _address(name: str) -> str:
    """A stable, undeliverable calendar address per attendee, so clients do not merge them."""
    digest = hashlib.blake2s(name.encode("utf-8"), digest_size=5).hexdigest()
    return f"mailto:attendee-{digest}@{NO_REPLY_DOMAIN}"


def ics_event(
    *,
    uid: str,
    sequence: int,
    start: datetime,
    end: datetime,
    summary: str,
    description: str,
    location: str,
    method: Method = "REQUEST",
    organizer_name: str,
    attendees: Sequence[str],
    now: datetime,
) -> str:
    """One VEVENT in a VCALENDAR; the same uid with a higher sequence updates or cancels it."""
    if not uid or uid != uid.strip() or _CONTROL.search(uid) or _NEWLINE.search(uid):
        raise ValueError(f"uid must be non-empty printable text without spaces around: {uid!r}")
    if sequence < 0:
        raise ValueError("sequence must be 0 or more")
    if method not in ("REQUEST", "CANCEL"):
        raise ValueError(f"method must be REQUEST or CANCEL, not {method!r}")
    dtstart, dtend = _stamp(start, "start"), _stamp(end, "end")
    if end <= start:
        raise ValueError("end must be after start")
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{escape_text(uid)}",
        f"DTSTAMP:{_stamp(now, 'now')}",
        f"DTSTART:{dtstart}",
        f"DTEND:{dtend}",
        f"SEQUENCE:{sequence}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += [
        f"STATUS:{'CANCELLED' if method == 'CANCEL' else 'CONFIRMED'}",
        "TRANSP:OPAQUE",
        f"ORGANIZER;CN={_param(organizer_name)}:mailto:noreply@{NO_REPLY_DOMAIN}",
    ]
    lines += [
        f"ATTENDEE;CN={_param(name)};ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;RSVP=FALSE:"
        f"{_address(name)}"
        for name in attendees
    ]
    if method == "REQUEST":
        lines += [
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{escape_text(summary)}",
            f"TRIGGER:-PT{ALARM_MINUTES}M",
            "END:VALARM",
        ]
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(f"{piece}\r\n" for line in lines for piece in fold(line))


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One VEVENT of a whole calendar; the uid and sequence are those of its own .ics file."""

    uid: str
    sequence: int
    start: datetime
    end: datetime
    summary: str
    description: str = ""
    location: str = ""


def _offset(delta: timedelta | None) -> str:
    """+0900, -0330: a UTC offset as iCalendar writes it."""
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def vtimezone(zone: ZoneInfo, start: datetime, end: datetime) -> list[str]:
    """A VTIMEZONE for the span the calendar covers: the offset in force at its start, and
    every change of offset inside it (found hour by hour), each as its own observance."""
    first = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    last = end.astimezone(UTC) + timedelta(days=1)
    changes: list[tuple[datetime, timedelta | None, timedelta | None]] = []
    before = first.astimezone(zone).utcoffset()
    changes.append((first, before, before))
    moment = first
    while moment < last:
        moment += timedelta(hours=1)
        now_offset = moment.astimezone(zone).utcoffset()
        if now_offset != before:
            changes.append((moment, before, now_offset))
            before = now_offset
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone.key}"]
    for at, old, new in changes:
        local = at.astimezone(zone)
        kind = "DAYLIGHT" if local.dst() else "STANDARD"
        lines += [
            f"BEGIN:{kind}",
            f"DTSTART:{local.replace(tzinfo=None):%Y%m%dT%H%M%S}",
            f"TZOFFSETFROM:{_offset(old)}",
            f"TZOFFSETTO:{_offset(new)}",
            f"TZNAME:{escape_text(local.tzname() or zone.key)}",
            f"END:{kind}",
        ]
    return [*lines, "END:VTIMEZONE"]


def ics_calendar(
    entries: Sequence[CalendarEntry], *, name: str, timezone: str, now: datetime
) -> str:
    """One calendar (METHOD:PUBLISH) with every entry, its times written in the event's zone;
    a calendar app that imported an entry's own file updates it instead of adding another."""
    zone = ZoneInfo(timezone)
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{zone.key}",
    ]
    if entries:
        lines += vtimezone(zone, min(e.start for e in entries), max(e.end for e in entries))
    stamp = _stamp(now, "now")
    for entry in sorted(entries, key=lambda e: (e.start, e.uid)):
        if entry.end <= entry.start:
            raise ValueError(f"{entry.uid}: end must be after start")
        lines += [
            "BEGIN:VEVENT",
            f"UID:{escape_text(entry.uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID={zone.key}:{_local(entry.start, zone)}",
            f"DTEND;TZID={zone.key}:{_local(entry.end, zone)}",
            f"SEQUENCE:{entry.sequence}",
            f"SUMMARY:{escape_text(entry.summary)}",
        ]
        if entry.description:
            lines.append(f"DESCRIPTION:{escape_text(entry.description)}")
        if entry.location:
            lines.append(f"LOCATION:{escape_text(entry.location)}")
        lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(f"{piece}\r\n" for line in lines for piece in fold(line))


def _local(value: datetime, zone: ZoneInfo) -> str:
    """An aware moment as the event's wall clock (DTSTART;TZID=... form)."""
    _stamp(value, "time")  # refuses naive times
    return f"{value.astimezone(zone):%Y%m%dT%H%M%S}"

"""What a programme source yields: sessions in the event's local time, ready for the event file."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The room an item gets when its source names none (the event file needs one).
NO_ROOM = "Room to be announced"


class SourceError(Exception):
    """A source that cannot be read or understood; the message is one line for the organiser."""


@dataclass(frozen=True, slots=True)
class ImportedSession:
    """One item of the programme, its times the clock on the wall at the event."""

    key: str
    title: str
    track: str
    room: str
    start: datetime
    end: datetime
    speakers: tuple[str, ...] = ()
    description: str = ""
    is_break: bool = False


@dataclass(slots=True)
class ImportedProgramme:
    """A whole source: its format's name, the event's name and zone, the items."""

    source_format: str
    name: str | None
    timezone: str
    sessions: list[ImportedSession] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def days(self) -> tuple[date, date] | None:
        """The first and last local day any item touches."""
        if not self.sessions:
            return None
        first = min(s.start.date() for s in self.sessions)
        last = max(s.end.date() if s.end.time() else s.start.date() for s in self.sessions)
        return first, max(first, last)


def zone_of(name: str) -> ZoneInfo:
    """The IANA zone, or a SourceError naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise SourceError(f'unknown time zone "{name}"') from None


def to_local(moment: datetime, zone: ZoneInfo) -> datetime:
    """An aware moment as the event's wall clock, in whole minutes, without an offset."""
    local = moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return local.replace(second=0, microsecond=0)


def person(first: object, last: object, affiliation: object = None, name: object = None) -> str:
    """ "First Last (Affiliation)", from whichever parts the source gives."""
    full = " ".join(str(p).strip() for p in (first, last) if p and str(p).strip())
    if not full and name:
        full = str(name).strip()
    if full and affiliation and str(affiliation).strip():
        return f"{full} ({str(affiliation).strip()})"
    return full

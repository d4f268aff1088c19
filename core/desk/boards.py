"""What the desk's pages show: the meeting grid of a round, a person's day, the attendee list.

Every person is read through `seen_by(..., Viewer.ORGANISER)`, so what someone hid from the
organisers stays hidden here too."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.desk.ports import UnitOfWork
from core.meetings.model import ConsultDesk, Meeting, MeetingStatus, Slot, SlotKind
from core.meetings.outcomes import Outcome
from core.people.profile import Profile
from core.people.search import search
from core.people.visibility import UNKNOWN, Viewer, seen_by
from core.programme.attendance import Attendance
from core.programme.sessions import Session
from core.reference.countries import delegation
from core.reference.errors import NotFound


@dataclass(frozen=True, slots=True)
class Who:
    """One person as the desk shows them."""

    telegram_id: int
    name: str
    organisation: str


@dataclass(frozen=True, slots=True)
class Cell:
    """One table in one slot: the meeting there and its state."""

    meeting_id: int
    table: int
    people: tuple[Who, ...]
    #: booked, held, no_show or cancelled.
    state: str


@dataclass(slots=True)
class Grid:
    """A round: its slots (columns), its tables (rows), and the meetings in the cells."""

    round_key: str
    rounds: list[str]
    slots: list[Slot]
    tables: list[int]
    cells: dict[tuple[str, int], Cell] = field(default_factory=dict)
    current_slot: str | None = None


@dataclass(slots=True)
class DayItem:
    """One line of a person's day: a meeting, a consultation or a session."""

    starts_at: datetime
    ends_at: datetime
    kind: str
    what: str
    where: str
    state: str = ""


@dataclass(slots=True)
class Attendee:
    """A row of the attendee list."""

    who: Who
    country: str
    delegation: str
    sector: str
    complete: bool
    profile: Profile


def state_of(meeting: Meeting, slot: Slot | None, no_shows: set[int], now: datetime) -> str:
    """booked, held, no_show or cancelled, as /stats counts them."""
    if meeting.status is MeetingStatus.CANCELLED:
        return "cancelled"
    if meeting.id in no_shows:
        return "no_show"
    if slot is not None and slot.ends_at <= now:
        return "held"
    return "booked"


def who(profiles: dict[int, Profile], telegram_id: int) -> Who:
    """A person's name and organisation as organisers may see them."""
    shown = seen_by(profiles.get(telegram_id), Viewer.ORGANISER)
    if shown is None:
        return Who(telegram_id, UNKNOWN, "")
    return Who(telegram_id, shown.full_name or UNKNOWN, shown.organisation or "")


async def no_shows(uow: UnitOfWork) -> set[int]:
    """Meetings someone (or the desk) recorded as not held."""
    return {m for m, _p, outcome, _c in await uow.outcomes.all() if outcome == Outcome.NO_SHOW}


async def grid(uow: UnitOfWork, round_key: str | None, *, now: datetime) -> Grid:
    """The meeting grid of one round (the first round when none or an unknown one is asked)."""
    every = await uow.meetings.slots(SlotKind.MEETING)
    first: dict[str, datetime] = {}
    for s in every:
        first[s.owner_key] = min(first.get(s.owner_key, s.starts_at), s.starts_at)
    rounds = sorted(first, key=lambda r: (first[r], r))
    # Asked for, else the round running or coming next, else the first.
    running = [s.owner_key for s in sorted(every, key=lambda s: s.starts_at) if s.ends_at > now]
    key = round_key if round_key in rounds else (running or rounds or [""])[0]
    slots = sorted((s for s in every if s.owner_key == key), key=lambda s: s.starts_at)
    capacity = max((s.capacity for s in slots), default=0)
    out = Grid(key, rounds, slots, list(range(1, capacity + 1)))
    out.current_slot = next((s.key for s in slots if s.starts_at <= now < s.ends_at), None)
    by_key = {s.key: s for s in slots}
    profiles = await uow.profiles.all_basic()
    missing = await no_shows(uow)
    seen: dict[int, Who] = {}
    for meeting in await uow.meetings.in_slots(list(by_key)):
        slot = by_key.get(meeting.slot_key)
        if slot is None or meeting.id is None:
            continue
        for p in meeting.people:
            if p not in seen:
                seen[p] = who(profiles, p)
        cell = Cell(
            meeting.id,
            meeting.table,
            tuple(seen[p] for p in meeting.people),
            state_of(meeting, slot, missing, now),
        )
        place = (slot.key, meeting.table)
        # A live meeting wins over one cancelled at the same table.
        if place not in out.cells or out.cells[place].state == "cancelled":
            out.cells[place] = cell
    return out


async def day_of(uow: UnitOfWork, person: int, *, now: datetime) -> tuple[Who, list[DayItem]]:
    """A person's day: meetings (with table), consultations, and the sessions they follow."""
    profiles = await uow.profiles.all_basic()
    slots = {s.key: s for s in await uow.meetings.slots()}
    desks: dict[str, ConsultDesk] = {d.key: d for d in await uow.meetings.desks()}
    missing = await no_shows(uow)
    items: list[DayItem] = []
    for meeting in await uow.meetings.meetings_of(person):
        slot = slots.get(meeting.slot_key)
        if slot is None or meeting.status is MeetingStatus.CANCELLED:
            continue
        state = state_of(meeting, slot, missing, now)
        if meeting.kind is SlotKind.CONSULT:
            desk = desks.get(slot.owner_key)
            what = f"{desk.topic} · {desk.expert}" if desk else slot.owner_key
            items.append(
                DayItem(slot.starts_at, slot.ends_at, "consultation", what, slot.location, state)
            )
        else:
            others = [who(profiles, p) for p in meeting.people if p != person]
            what = "; ".join(
                f"{o.name} ({o.organisation})" if o.organisation else o.name for o in others
            )
            where = f"{slot.location} · #{meeting.table}".strip(" ·")
            items.append(DayItem(slot.starts_at, slot.ends_at, "meeting", what, where, state))
    mine = await uow.agenda.mine(person)
    sessions: dict[str, Session] = {s.key: s for s in await uow.agenda.sessions()}
    for key, status in mine.items():
        session = sessions.get(key)
        if session is None:
            continue
        items.append(
            DayItem(
                session.starts_at,
                session.ends_at,
                "session",
                session.title,
                session.room,
                "waitlisted" if status is Attendance.WAITLISTED else "",
            )
        )
    items.sort(key=lambda i: (i.starts_at, i.kind))
    return who(profiles, person), items


async def attendees(
    uow: UnitOfWork,
    *,
    query: str = "",
    delegation_is: str = "",
    sector_is: str = "",
    complete: str = "",
) -> list[Attendee]:
    """Consented people, filtered; a name query uses the /find search (Hangul or Latin)."""
    profiles = await uow.profiles.all_basic()
    rows: list[Attendee] = []
    for person in await uow.people.everyone():
        if not person.has_current_consent():
            continue
        shown = seen_by(profiles.get(person.telegram_id), Viewer.ORGANISER)
        if shown is None:
            shown = Profile(person.telegram_id)
        rows.append(
            Attendee(
                Who(person.telegram_id, shown.full_name or UNKNOWN, shown.organisation or ""),
                shown.country or "",
                delegation(shown.country),
                shown.sector or "",
                profiles[person.telegram_id].is_complete()
                if person.telegram_id in profiles
                else False,
                shown,
            )
        )
    if delegation_is:
        rows = [r for r in rows if r.delegation == delegation_is]
    if sector_is:
        rows = [r for r in rows if r.sector == sector_is]
    if complete in ("yes", "no"):
        rows = [r for r in rows if r.complete == (complete == "yes")]
    if query.strip():
        by_id = {r.who.telegram_id: r for r in rows}
        found = search(query[:100], [(r.who.telegram_id, r.who.name) for r in rows], limit=50)
        return [by_id[pid] for pid, _name, _score in found]
    return sorted(rows, key=lambda r: (r.who.name.casefold(), r.who.telegram_id))


@dataclass(frozen=True, slots=True)
class RequestRow:
    """A meeting request as the desk lists it."""

    sender: Who
    target: Who
    status: str
    created_at: datetime


async def requests(uow: UnitOfWork, *, now: datetime) -> list[RequestRow]:
    """Every meeting request, newest first (a pending one past its time counts as expired)."""
    profiles = await uow.profiles.all_basic()
    out = []
    for r in await uow.meetings.all_requests():
        status = str(r.status)
        if status == "pending" and r.expires_at <= now:
            status = "expired"
        out.append(
            RequestRow(who(profiles, r.from_id), who(profiles, r.to_id), status, r.created_at)
        )
    return sorted(out, key=lambda r: r.created_at, reverse=True)


async def meeting(uow: UnitOfWork, meeting_id: int, *, now: datetime) -> tuple[Cell, Slot]:
    """One meeting with its slot, for its page and its two actions."""
    found = await uow.meetings.get_meeting(meeting_id)
    slot = await uow.meetings.get_slot(found.slot_key) if found is not None else None
    if found is None or slot is None or found.id is None:
        raise NotFound(what="meeting")
    profiles = await uow.profiles.all_basic()
    state = state_of(found, slot, await no_shows(uow), now)
    return Cell(found.id, found.table, tuple(who(profiles, p) for p in found.people), state), slot

"""The event programme: matchmaking rounds, consultation desks, sessions, and their slots."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from core.consortia.model import Topic
from core.event import rules
from core.feedback.survey import Survey
from core.programme.sessions import Session
from core.reference.rules import RuleBroken, after, repeats
from core.reference.utc import as_utc as _utc

SlotKind = Literal["meeting", "consult"]

#: Slot keys are stored in an indexed column and quoted in callback data, so they stay short.
SLOT_KEY_MAX = 40


def slot_key(owner_key: str, starts_at: datetime) -> str:
    """Stable name of a slot, so reloading the event file finds the same slot (and its bookings).

    The form is ``{owner_key}@{YYYYmmddTHHMM}`` with the start in UTC. Owner keys too long for
    SLOT_KEY_MAX are cut and given a short hash, so two long keys never share a slot key.
    """
    stamp = f"{_utc(starts_at, 'starts_at'):%Y%m%dT%H%M}"
    room = SLOT_KEY_MAX - len(stamp) - 1
    owner = owner_key
    if len(owner) > room:
        digest = hashlib.blake2s(owner_key.encode(), digest_size=3).hexdigest()
        owner = f"{owner_key[: room - len(digest) - 1]}~{digest}"
    return f"{owner}@{stamp}"


@dataclass(frozen=True, slots=True)
class SlotSpec:
    """One bookable time slot as the event file defines it (bookings live elsewhere)."""

    key: str
    kind: SlotKind
    #: Key of the Round (kind "meeting") or Desk (kind "consult") that opens this slot.
    owner_key: str
    starts_at: datetime
    ends_at: datetime
    #: Tables for a matchmaking slot, 1 for a consultation slot.
    capacity: int
    location: str


def _cut(
    owner_key: str,
    kind: SlotKind,
    *,
    start: datetime,
    end: datetime,
    minutes: int,
    capacity: int,
    location: str,
) -> list[SlotSpec]:
    """Consecutive slots from start while a whole slot still fits before end (the rest is idle)."""
    step = timedelta(minutes=minutes)
    slots: list[SlotSpec] = []
    at = start
    while at + step <= end:
        slots.append(
            SlotSpec(
                key=slot_key(owner_key, at),
                kind=kind,
                owner_key=owner_key,
                starts_at=at,
                ends_at=at + step,
                capacity=capacity,
                location=location,
            )
        )
        at += step
    return slots


@dataclass(frozen=True, slots=True)
class Round:
    """A matchmaking round: a time window cut into equal slots, each with the same tables."""

    key: str
    name: str
    starts_at: datetime
    ends_at: datetime
    slot_minutes: int
    tables: int
    location: str

    def __post_init__(self) -> None:
        """Refuse a round no slot could be booked in, and keep times in UTC."""
        owner = f"round {self.key!r}"
        starts_at = _utc(self.starts_at, "starts_at")
        ends_at = _utc(self.ends_at, "ends_at")
        problem = after(starts_at, ends_at)
        if problem:
            raise RuleBroken(owner, ("ends_at",), problem)
        for name, problem in (
            ("slot_minutes", rules.slot_minutes(self.slot_minutes)),
            ("tables", rules.tables(self.tables)),
        ):
            if problem:
                raise RuleBroken(owner, (name,), problem)
        object.__setattr__(self, "starts_at", starts_at)
        object.__setattr__(self, "ends_at", ends_at)

    def slots(self) -> tuple[SlotSpec, ...]:
        """The round's meeting slots, each offering every table."""
        return tuple(
            _cut(
                self.key,
                "meeting",
                start=self.starts_at,
                end=self.ends_at,
                minutes=self.slot_minutes,
                capacity=self.tables,
                location=self.location,
            )
        )


@dataclass(frozen=True, slots=True)
class Desk:
    """A consultation desk: one expert, one topic, open during some windows, one visitor a slot."""

    key: str
    expert: str
    topic: str
    windows: tuple[tuple[datetime, datetime], ...]
    slot_minutes: int
    location: str
    expert_telegram_id: int | None = None

    def __post_init__(self) -> None:
        """Refuse a desk nobody could book, and keep times in UTC sorted by start."""
        owner = f"desk {self.key!r}"
        if not self.windows:
            raise RuleBroken(owner, ("windows",), rules.NO_WINDOWS)
        windows: list[tuple[datetime, datetime]] = []
        for i, (start, end) in enumerate(self.windows):
            start_utc, end_utc = _utc(start, "window start"), _utc(end, "window end")
            problem = after(start_utc, end_utc)
            if problem:
                raise RuleBroken(owner, ("windows", i, "ends_at"), problem)
            windows.append((start_utc, end_utc))
        problem = rules.slot_minutes(self.slot_minutes)
        if problem:
            raise RuleBroken(owner, ("slot_minutes",), problem)
        object.__setattr__(self, "windows", tuple(sorted(windows)))

    def slots(self) -> tuple[SlotSpec, ...]:
        """The desk's consultation slots, window after window."""
        slots: list[SlotSpec] = []
        for start, end in self.windows:
            slots += _cut(
                self.key,
                "consult",
                start=start,
                end=end,
                minutes=self.slot_minutes,
                capacity=1,
                location=self.location,
            )
        return tuple(slots)


@dataclass(frozen=True, slots=True)
class Event:
    """The whole programme of one event; times are UTC, `timezone` is how people see them."""

    name: str
    #: IANA name, e.g. "Europe/Brussels".
    timezone: str
    days: tuple[date, ...]
    rounds: tuple[Round, ...] = ()
    desks: tuple[Desk, ...] = ()
    sessions: tuple[Session, ...] = ()
    #: The feedback survey the bot sends when it opens; None when the file defines none.
    survey: Survey | None = None
    #: Call topics the event's consortia may aim at (`[[topics]]`), with their restrictions.
    topics: tuple[Topic, ...] = ()

    def __post_init__(self) -> None:
        """Keys name rounds, desks and sessions in one namespace, so slot keys never collide."""
        owners: list[tuple[str, int, str]] = [
            *(("rounds", i, r.key) for i, r in enumerate(self.rounds)),
            *(("desks", i, d.key) for i, d in enumerate(self.desks)),
            *(("sessions", i, s.key) for i, s in enumerate(self.sessions)),
        ]
        for again, first in repeats([key for _, _, key in owners]):
            section, index, key = owners[again]
            raise RuleBroken(
                f"event {self.name!r}",
                (section, index, "key"),
                f"key {key!r} is used twice",
                first=owners[first][:2],
            )

    def all_slots(self) -> tuple[SlotSpec, ...]:
        """Every meeting and consultation slot, in time order."""
        slots = [s for r in self.rounds for s in r.slots()]
        slots += [s for d in self.desks for s in d.slots()]
        return tuple(sorted(slots, key=_order))


def _order(slot: SlotSpec) -> tuple[datetime, str]:
    """Time, then key: a deterministic order for listings and tests."""
    return (slot.starts_at, slot.key)


@dataclass(frozen=True, slots=True)
class SlotChanges:
    """What loading a new version of the event file would do to the slots already stored."""

    added: tuple[SlotSpec, ...]
    #: The new specs of slots whose key stays but whose end, capacity or location changes.
    updated: tuple[SlotSpec, ...]
    #: Stored slots that the new file no longer opens (their bookings would have to be cancelled).
    removed: tuple[SlotSpec, ...]

    @property
    def is_empty(self) -> bool:
        """True when the file changes no slot, so a reload can skip writing."""
        return not (self.added or self.updated or self.removed)


def plan_changes(existing: Mapping[str, SlotSpec], new: Event) -> SlotChanges:
    """Compare stored slots with a new event version, so the loader can refuse to drop bookings."""
    fresh = {slot.key: slot for slot in new.all_slots()}
    added = tuple(slot for key, slot in fresh.items() if key not in existing)
    updated = tuple(s for k, s in fresh.items() if k in existing and existing[k] != s)
    removed = tuple(sorted((s for k, s in existing.items() if k not in fresh), key=_order))
    return SlotChanges(added=added, updated=updated, removed=removed)

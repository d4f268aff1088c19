"""What loading an event file would change, without changing it: the organiser's dry run, which
names the sessions that people follow before they are moved or dropped."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.event.loading import to_spec
from core.event.model import Event, plan_changes
from core.event.ports import UnitOfWork, UowFactory
from core.programme.attendance import Attendance


@dataclass(frozen=True, slots=True)
class Followed:
    """A session that changes while people follow it (or signed up for it)."""

    key: str
    title: str
    followers: int
    signed_up: int  # holding a place (registered)


@dataclass(slots=True)
class LoadPreview:
    """Slots and sessions a load would add, update or remove, and the bookings it would hit."""

    slots_added: int = 0
    slots_updated: int = 0
    slots_removed: int = 0
    booked_in_removed: int = 0
    sessions_added: list[str] = field(default_factory=list)
    sessions_updated: list[str] = field(default_factory=list)
    sessions_removed: list[str] = field(default_factory=list)
    moved_followed: list[Followed] = field(default_factory=list)
    removed_followed: list[Followed] = field(default_factory=list)


async def preview_load(uow_factory: UowFactory, event: Event) -> LoadPreview:
    """The load's effect, read in one transaction that is never committed."""
    async with uow_factory() as uow:
        existing = {s.key: s for s in await uow.meetings.slots()}
        changes = plan_changes({k: to_spec(s) for k, s in existing.items()}, event)
        removed_keys = [s.key for s in changes.removed]
        booked = await uow.meetings.live_in_slots(removed_keys) if removed_keys else []
        preview = LoadPreview(
            len(changes.added), len(changes.updated), len(changes.removed), len(booked)
        )
        stored = {s.key: s for s in await uow.agenda.sessions()}
        fresh = {s.key: s for s in event.sessions}
        for key, session in fresh.items():
            old = stored.get(key)
            if old is None:
                preview.sessions_added.append(key)
            elif old != session:
                preview.sessions_updated.append(key)
                if (old.starts_at, old.ends_at, old.room) != (
                    session.starts_at,
                    session.ends_at,
                    session.room,
                ):
                    followed = await _followed(uow, key, session.title)
                    if followed is not None:
                        preview.moved_followed.append(followed)
        for key, old in stored.items():
            if key not in fresh:
                preview.sessions_removed.append(key)
                followed = await _followed(uow, key, old.title)
                if followed is not None:
                    preview.removed_followed.append(followed)
        return preview


async def _followed(uow: UnitOfWork, key: str, title: str) -> Followed | None:
    """The followers of a session, when it has any."""
    people = await uow.agenda.followers(key)
    if not people:
        return None
    signed = sum(1 for _person, status, _at in people if status is Attendance.REGISTERED)
    return Followed(key, title, len(people), signed)

"""Weeks after the event: did the meetings lead to collaborations and proposals?"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.feedback.ports import UnitOfWork, UowFactory
from core.meetings.model import MeetingStatus, SlotKind
from core.outbox.delivery import enqueue
from core.outbox.model import Action, OutgoingMessage
from core.people.access import require_person
from core.people.visibility import Viewer, name_seen
from core.reference.errors import NotAllowed, NotFound

PROPOSAL = ("submitted", "planned", "no")


async def partners_met(uow: UnitOfWork, person: int, now: datetime) -> dict[int, str]:
    """People met in 1:1 meetings that took place (ended, not cancelled), with names."""
    slots = {s.key: s for s in await uow.meetings.slots()}
    out: dict[int, str] = {}
    for meeting in await uow.meetings.meetings_of(person):
        slot = slots.get(meeting.slot_key)
        if (
            meeting.kind is not SlotKind.MEETING
            or meeting.status is not MeetingStatus.BOOKED
            or slot is None
            or slot.ends_at > now
        ):
            continue
        for other in meeting.people:
            if other != person and other not in out:
                out[other] = name_seen(await uow.profiles.get(other), Viewer.PARTNER)
    return out


async def event_end(uow: UnitOfWork, timezone: str) -> datetime | None:
    """The end of the event's last day (local midnight), from its sessions and slots."""
    zone = ZoneInfo(timezone)
    ends = [s.ends_at for s in await uow.meetings.slots()]
    ends += [s.ends_at for s in await uow.agenda.sessions()]
    if not ends:
        return None
    last = max(ends).astimezone(zone)
    return last.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)


async def summary(uow: UnitOfWork) -> tuple[int, int, int]:
    """Collaborations (distinct pairs), proposals submitted, proposals planned."""
    pairs: set[tuple[int, int]] = set()
    submitted = planned = 0
    for person, _n, partners, proposal in await uow.followups.all():
        pairs |= {(min(person, p), max(person, p)) for p in partners}
        submitted += proposal == "submitted"
        planned += proposal == "planned"
    return len(pairs), submitted, planned


def _buttons(n: int, met: dict[int, str]) -> list[list[dict[str, Any]]]:
    """One toggle per partner (labelled with their name as written), then Done and Nobody."""
    rows: list[list[dict[str, Any]]] = []
    for pid, name in list(met.items())[:20]:
        rows.append([Action("feedback.followup.toggle", (n, pid)).button_text(f"⬜ {name}")])
    rows.append(
        [
            Action("feedback.followup.done", (n,)).button("followup.button.done"),
            Action("feedback.followup.none", (n,)).button("followup.button.none"),
        ]
    )
    return rows


class FollowUps:
    """The follow-up N days after the event, and the answers people give to it."""

    def __init__(self, uow: UowFactory, days: Sequence[int], timezone: str) -> None:
        self.uow = uow
        self.days = list(days)
        self.timezone = timezone

    async def ask_due(self, *, now: datetime) -> int:
        """For each follow-up whose day has come, one message to each person who met someone."""
        async with self.uow() as uow:
            end = await event_end(uow, self.timezone)
            if end is None:
                return 0
            added = 0
            for n in self.days:
                if now < end + timedelta(days=n):
                    continue
                for person in await uow.people.everyone():
                    if person.unreachable_at is not None or not person.has_current_consent():
                        continue
                    met = await partners_met(uow, person.telegram_id, now)
                    if not met:
                        continue
                    added += await enqueue(
                        uow,
                        recipient_id=person.telegram_id,
                        message=OutgoingMessage(
                            key="followup.ask", params={"days": n}, buttons=_buttons(n, met)
                        ),
                        due_at=now,
                        dedupe_key=f"followup:{n}:{person.telegram_id}",
                        now=now,
                    )
            await uow.commit()
            return added

    async def met_by(self, person: int, *, now: datetime) -> dict[int, str]:
        """The people this person met (for the follow-up buttons)."""
        async with self.uow() as uow:
            await require_person(uow, person)
            return await partners_met(uow, person, now)

    async def choose(self, person: int, partner: int, *, now: datetime) -> dict[int, str]:
        """Check a partner may be ticked (only people they met); returns everyone they met."""
        met = await self.met_by(person, now=now)
        if partner not in met:
            raise NotAllowed()
        return met

    async def record(
        self,
        person: int,
        n: int,
        partners: list[int],
        proposal: str | None,
        *,
        now: datetime,
    ) -> None:
        """Store who they work with (only people they met) and the proposal status."""
        if proposal is not None and proposal not in PROPOSAL:
            raise NotFound(what="answer")
        async with self.uow() as uow:
            await require_person(uow, person)
            met = await partners_met(uow, person, now)
            if any(p not in met for p in partners):
                raise NotAllowed()
            await uow.followups.save(person, n, sorted(set(partners)), proposal, now)
            await uow.commit()

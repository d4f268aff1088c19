"""Loading the event file into storage: idempotent, and never silently dropping a booking."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from core.booking import IcsBuilder, dt, ics_attachment
from core.delivery import enqueue
from core.event import Event, SlotSpec, plan_changes
from core.meetings import BookingError, ConsultDesk, Meeting, Slot, SlotKind
from core.onboarding import UowFactory
from core.outbox import OutgoingMessage


@dataclass(slots=True)
class LoadReport:
    """What a load changed (or, refused, would have changed)."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    desks: int = 0
    cancelled: list[Meeting] = field(default_factory=list)


def to_slot(spec: SlotSpec) -> Slot:
    """The stored form of a slot spec from the event file."""
    return Slot(
        spec.key,
        SlotKind(spec.kind),
        spec.owner_key,
        spec.starts_at,
        spec.ends_at,
        spec.capacity,
        spec.location,
    )


def to_spec(slot: Slot) -> SlotSpec:
    """The spec form of a stored slot, to compare with a new file."""
    kind: Literal["meeting", "consult"] = "meeting" if slot.kind is SlotKind.MEETING else "consult"
    return SlotSpec(
        slot.key, kind, slot.owner_key, slot.starts_at, slot.ends_at, slot.capacity, slot.location
    )


async def load_event(
    uow_factory: UowFactory, event: Event, *, force: bool, now: datetime, ics: IcsBuilder
) -> LoadReport:
    """Create or update slots and desks; refuse to remove booked slots unless `force`, which
    cancels those meetings and tells the people concerned."""
    async with uow_factory() as uow:
        existing = {s.key: s for s in await uow.meetings.slots()}
        changes = plan_changes({k: to_spec(s) for k, s in existing.items()}, event)
        shrinking = [
            spec.key
            for spec in changes.updated
            if len(await uow.meetings.used_tables(spec.key)) > spec.capacity
            or spec.starts_at != existing[spec.key].starts_at
        ]
        affected_keys = [s.key for s in changes.removed] + shrinking
        affected = await uow.meetings.live_in_slots(affected_keys) if affected_keys else []
        if affected and not force:
            raise BookingError(
                reason="would_cancel",
                count=len(affected),
                slots=sorted({m.slot_key for m in affected}),
            )
        for meeting in affected:
            slot = existing[meeting.slot_key]
            await uow.meetings.cancel_meeting(meeting, now)
            for person in meeting.people:
                text = ics(meeting, slot, "CANCEL", event.name, now)
                await enqueue(
                    uow,
                    recipient_id=person,
                    message=OutgoingMessage(
                        key="meetings.cancelled_by_organiser",
                        params={"when": dt(slot.starts_at)},
                        attachment=ics_attachment(text, f"meeting-{meeting.id}-cancelled.ics"),
                    ),
                    due_at=now,
                    dedupe_key=f"meeting:{meeting.id}:s{meeting.sequence}:{person}",
                    now=now,
                )
        for spec in changes.added + changes.updated:
            await uow.meetings.upsert_slot(to_slot(spec))
        for spec in changes.removed:
            gone = to_slot(spec)
            gone.active = False
            await uow.meetings.upsert_slot(gone)
        for desk in event.desks:
            await uow.meetings.upsert_desk(
                ConsultDesk(
                    desk.key, desk.expert, desk.topic, desk.location, desk.expert_telegram_id
                )
            )
        await uow.commit()
        return LoadReport(
            len(changes.added),
            len(changes.updated),
            len(changes.removed),
            len(event.desks),
            affected,
        )

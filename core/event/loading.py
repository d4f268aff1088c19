"""Loading the event file into storage: idempotent, and never silently dropping a booking."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from core.event.model import Event, SlotSpec, plan_changes
from core.event.ports import UnitOfWork, UowFactory
from core.meetings.messages import IcsBuilder, forget_follow_ups, ics_attachment
from core.meetings.model import BookingError, ConsultDesk, Meeting, Slot, SlotKind
from core.outbox.delivery import enqueue
from core.outbox.model import OutgoingMessage, dt
from core.outbox.reminders import ReminderSettings
from core.programme.attendance import ATTENDING
from core.programme.reminders import forget_session, remind_session


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


async def _load_sessions(uow: UnitOfWork, event: Event, now: datetime) -> None:
    """Upsert sessions; followers of a moved or dropped session are told, reminders follow."""
    stored = {s.key: s for s in await uow.agenda.sessions()}
    fresh = {s.key: s for s in event.sessions}
    for key, session in fresh.items():
        await uow.agenda.upsert_session(session)
        old = stored.get(key)
        if old is not None and (old.starts_at, old.ends_at, old.room) != (
            session.starts_at,
            session.ends_at,
            session.room,
        ):
            for person, status, _at in await uow.agenda.followers(key):
                await forget_session(uow, key, person)
                if status in ATTENDING:
                    await remind_session(uow, session, person, ReminderSettings(), now)
                await enqueue(
                    uow,
                    recipient_id=person,
                    message=OutgoingMessage(
                        key="agenda.moved",
                        params={
                            "title": session.title,
                            "when": dt(session.starts_at),
                            "room": session.room,
                        },
                    ),
                    due_at=now,
                    dedupe_key=f"session-moved:{key}:{person}:{int(now.timestamp())}",
                    now=now,
                )
    for key, old in stored.items():
        if key in fresh:
            continue
        await uow.agenda.upsert_session(old, active=False)
        for person, _status, _at in await uow.agenda.followers(key):
            await forget_session(uow, key, person)
            await enqueue(
                uow,
                recipient_id=person,
                message=OutgoingMessage(key="agenda.cancelled", params={"title": old.title}),
                due_at=now,
                dedupe_key=f"session-cancelled:{key}:{person}",
                now=now,
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
            assert meeting.id is not None
            await forget_follow_ups(uow, meeting.id)
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
        await _load_sessions(uow, event, now)
        await uow.survey.set_definition(event.survey)
        await uow.consortia.set_topics(event.topics)
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

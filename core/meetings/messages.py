"""What meetings tell people: the .ics calendar files and the queued messages to the others."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime

from core.meetings import outcomes
from core.meetings.model import Meeting, MeetingRequest, Slot, SlotKind
from core.meetings.ports import UnitOfWork
from core.meetings.reminders import forget_meeting, remind_meeting
from core.outbox.delivery import enqueue
from core.outbox.model import Action, OutgoingMessage, dt
from core.outbox.ports import HasOutbox
from core.outbox.reminders import ReminderSettings
from core.people.ports import HasProfiles
from core.people.visibility import Viewer, name_seen, seen_by
from core.reference.calendar import CalendarEntry, ics_event

#: Builds the .ics text for a meeting: (meeting, slot, method, summary, now) -> text.
IcsBuilder = Callable[[Meeting, Slot, str, str, datetime], str]


def meeting_entry(meeting: Meeting, slot: Slot, other: str, event_name: str) -> CalendarEntry:
    """A meeting as a calendar entry: the UID, SEQUENCE and words of its own .ics file."""
    what = "Consultation" if meeting.kind is SlotKind.CONSULT else "1:1 meeting"
    where = slot.location + (f", table {meeting.table}" if meeting.kind is SlotKind.MEETING else "")
    return CalendarEntry(
        uid=f"{meeting.kind}-{meeting.id}@forumbot",
        sequence=meeting.sequence,
        start=slot.starts_at,
        end=slot.ends_at,
        summary=f"{what}: {other}",
        description=f"{event_name}: {what} with {other}.",
        location=where,
    )


def calendar_for(event_name: str) -> IcsBuilder:
    """The .ics builder: one stable UID per meeting, SEQUENCE from the meeting, CANCEL on cancel."""

    def build(meeting: Meeting, slot: Slot, method: str, other: str, now: datetime) -> str:
        entry = meeting_entry(meeting, slot, other, event_name)
        return ics_event(
            uid=entry.uid,
            sequence=entry.sequence,
            start=entry.start,
            end=entry.end,
            summary=entry.summary,
            description=entry.description,
            location=entry.location,
            method="CANCEL" if method == "CANCEL" else "REQUEST",
            organizer_name=event_name,
            attendees=[other],
            now=now,
        )

    return build


def ics_attachment(text: str, name: str) -> dict[str, str]:
    """An .ics file as an outbox attachment."""
    return {
        "kind": "document",
        "filename": name,
        "mime": "text/calendar",
        "b64": base64.b64encode(text.encode()).decode(),
    }


def request_prefix(request_id: int | None) -> str:
    """Dedupe-key prefix of every message about one meeting request (to either side)."""
    return f"request:{request_id}:"


async def name_of(uow: HasProfiles, person: int) -> str:
    """The name a meeting partner sees ('?' when the profile has none)."""
    return name_seen(await uow.profiles.get(person), Viewer.PARTNER)


async def follow_up(
    uow: UnitOfWork, meeting: Meeting, slot: Slot, settings: ReminderSettings, now: datetime
) -> None:
    """A booked meeting's reminders before it and its outcome question after it."""
    names = {p: await name_of(uow, p) for p in meeting.people}
    await remind_meeting(uow, meeting, slot, names, settings, now)
    await outcomes.ask_later(uow, meeting, slot.ends_at, names, now)


async def forget_follow_ups(uow: UnitOfWork, meeting_id: int) -> None:
    """A cancelled or moved meeting's pending reminders and outcome questions go with it."""
    await forget_meeting(uow, meeting_id)
    await outcomes.forget(uow, meeting_id)


async def tell_request(
    uow: UnitOfWork, request: MeetingRequest, offered: list[Slot], name: str, now: datetime
) -> None:
    """The target learns who asks (and from where, unless the asker hid it), with one Accept
    button per offered time."""
    assert request.id is not None
    asker = seen_by(await uow.profiles.get(request.from_id), Viewer.PARTNER)
    organisation = (asker.organisation if asker else None) or ""
    buttons = [
        [
            Action("meetings.request.accept", (request.id, s.key)).button(
                "meetings.button.accept_at", when=dt(s.starts_at)
            )
        ]
        for s in offered
    ]
    buttons.append(
        [
            Action("meetings.request.decline", (request.id,)).button("meetings.button.decline"),
            Action("meetings.request.other_time", (request.id,)).button(
                "meetings.button.other_time"
            ),
        ]
    )
    if organisation:
        key = "meetings.request_in" if request.slot_keys else "meetings.request_in_any"
    else:
        key = "meetings.request_in_name" if request.slot_keys else "meetings.request_in_any_name"
    await enqueue(
        uow,
        recipient_id=request.to_id,
        message=OutgoingMessage(
            key=key,
            params={
                "name": name,
                "organisation": organisation,
                "note": request.note or "—",
                "expires": dt(request.expires_at),
            },
            buttons=buttons,
        ),
        due_at=now,
        dedupe_key=f"{request_prefix(request.id)}in",
        now=now,
    )


async def tell_closed(
    uow: UnitOfWork, request: MeetingRequest, recipient: int, key: str, name: str, now: datetime
) -> None:
    """The other side of a request learns that it was declined, withdrawn or has expired."""
    await enqueue(
        uow,
        recipient_id=recipient,
        message=OutgoingMessage(key=key, params={"name": name}),
        due_at=now,
        dedupe_key=f"{request_prefix(request.id)}{request.status}",
        now=now,
    )


async def tell_booked(
    uow: HasOutbox,
    meeting: Meeting,
    slot: Slot,
    recipient: int,
    ics: str,
    other: str,
    now: datetime,
) -> None:
    """The confirmation with the .ics, to someone who did not press the button themselves."""
    await enqueue(
        uow,
        recipient_id=recipient,
        message=OutgoingMessage(
            key="meetings.booked",
            params={
                "name": other,
                "when": dt(slot.starts_at),
                "table": meeting.table,
                "location": slot.location,
            },
            attachment=ics_attachment(ics, f"meeting-{meeting.id}.ics"),
        ),
        due_at=now,
        dedupe_key=f"meeting:{meeting.id}:s{meeting.sequence}:{recipient}",
        now=now,
    )


async def tell_others(
    uow: HasOutbox, meeting: Meeting, by_id: int, message: OutgoingMessage, now: datetime
) -> None:
    """A cancelled or moved meeting, to everyone but the person who changed it."""
    for recipient in meeting.people:
        if recipient == by_id:
            continue
        await enqueue(
            uow,
            recipient_id=recipient,
            message=message,
            due_at=now,
            dedupe_key=f"meeting:{meeting.id}:s{meeting.sequence}:{recipient}",
            now=now,
        )


async def tell_late(
    uow: HasOutbox, meeting_id: int, by_id: int, recipient: int, name: str, now: datetime
) -> bool:
    """'Running late' to the others, at most once per meeting; False when already told."""
    return await enqueue(
        uow,
        recipient_id=recipient,
        message=OutgoingMessage(key="reminders.late", params={"name": name}),
        due_at=now,
        dedupe_key=f"late:{meeting_id}:{by_id}:{recipient}",
        now=now,
    )

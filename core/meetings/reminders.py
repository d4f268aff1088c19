"""Meeting reminders: one outbox row per person before the start, keyed so a change drops them."""

from __future__ import annotations

from datetime import datetime

from core.meetings.model import Meeting, Slot, SlotKind
from core.outbox.delivery import enqueue
from core.outbox.model import Action, OutgoingMessage, dt
from core.outbox.ports import HasOutbox
from core.outbox.reminders import ReminderSettings


def meeting_prefix(meeting_id: int) -> str:
    """Dedupe-key prefix of every reminder of one meeting."""
    return f"remind:m:{meeting_id}:"


async def remind_meeting(
    uow: HasOutbox,
    meeting: Meeting,
    slot: Slot,
    names: dict[int, str],
    settings: ReminderSettings,
    now: datetime,
) -> None:
    """One reminder per person, lead time before the start; pointless (dropped) once it began."""
    if slot.starts_at <= now or meeting.id is None:
        return
    due = max(slot.starts_at - settings.meeting_lead, now)
    for person in meeting.people:
        others = ", ".join(names.get(p, "?") for p in meeting.people if p != person)
        if meeting.kind is SlotKind.MEETING:
            message = OutgoingMessage(
                key="reminders.meeting",
                params={
                    "name": others,
                    "when": dt(slot.starts_at),
                    "table": meeting.table,
                    "location": slot.location,
                },
                buttons=[
                    [
                        Action("meetings.reminder.late", (meeting.id,)).button(
                            "reminders.button.late"
                        ),
                        Action("meetings.reminder.cant", (meeting.id,)).button(
                            "reminders.button.cant"
                        ),
                    ]
                ],
            )
        else:
            message = OutgoingMessage(
                key="reminders.consult",
                params={"when": dt(slot.starts_at), "location": slot.location},
            )
        await enqueue(
            uow,
            recipient_id=person,
            message=message,
            due_at=due,
            dedupe_key=f"{meeting_prefix(meeting.id)}s{meeting.sequence}:{person}",
            expires_at=slot.starts_at,
            now=now,
        )


async def forget_meeting(uow: HasOutbox, meeting_id: int) -> int:
    """Drop the pending reminders of a cancelled or moved meeting (same transaction)."""
    return await uow.outbox.drop_pending(meeting_prefix(meeting_id), "meeting changed")

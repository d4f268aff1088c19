"""After each meeting: did it take place, and did it lead anywhere (the brokerage-event scale)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from core.meetings.model import Meeting, SlotKind
from core.meetings.ports import UnitOfWork, UowFactory
from core.outbox.delivery import enqueue
from core.outbox.model import OutgoingMessage
from core.people.access import require_person
from core.reference.errors import NotAllowed, NotFound

#: When the question goes out after the meeting's end.
ASK_AFTER = timedelta(minutes=10)


class Outcome(StrEnum):
    """The four outcomes organisers know from brokerage events."""

    NO_SHOW = "n"  # did not take place
    NO_INTEREST = "l"  # not enough common interest
    INFORMATIVE = "i"  # informative, no cooperation planned
    COOPERATION = "c"  # cooperation possible


def prefix(meeting_id: int) -> str:
    """Dedupe-key prefix of one meeting's outcome questions."""
    return f"outcome:{meeting_id}:"


async def ask_later(
    uow: UnitOfWork, meeting: Meeting, ends_at: datetime, names: dict[int, str], now: datetime
) -> None:
    """Queue the question for everyone in a 1:1 meeting, shortly after it ends."""
    if meeting.id is None or meeting.kind is not SlotKind.MEETING:
        return
    for person in meeting.people:
        other = ", ".join(names.get(p, "?") for p in meeting.people if p != person)
        await enqueue(
            uow,
            recipient_id=person,
            message=OutgoingMessage(
                key="outcomes.ask",
                params={"name": other},
                buttons=[
                    [{"key": f"outcomes.option.{o.value}", "data": f"oc:{meeting.id}:{o.value}"}]
                    for o in Outcome
                ],
            ),
            due_at=ends_at + ASK_AFTER,
            dedupe_key=f"{prefix(meeting.id)}s{meeting.sequence}:{person}",
            now=now,
        )


async def forget(uow: UnitOfWork, meeting_id: int) -> int:
    """A cancelled or moved meeting's questions are dropped with it."""
    return await uow.outbox.drop_pending(prefix(meeting_id), "meeting changed")


async def record(
    uow_factory: UowFactory,
    meeting_id: int,
    person: int,
    outcome: Outcome,
    *,
    now: datetime,
    comment: str | None = None,
) -> None:
    """Store (or change) one person's answer; only people in the meeting may answer."""
    async with uow_factory() as uow:
        await require_person(uow, person)
        meeting = await uow.meetings.get_meeting(meeting_id)
        if meeting is None:
            raise NotFound(what="meeting")
        if person not in meeting.people:
            raise NotAllowed()
        await uow.outcomes.save(meeting_id, person, outcome.value, comment, now)
        await uow.commit()


async def comment(
    uow_factory: UowFactory, meeting_id: int, person: int, text: str, *, now: datetime
) -> bool:
    """Attach a comment (seen only by organisers) to an answer already given."""
    async with uow_factory() as uow:
        current = await uow.outcomes.get(meeting_id, person)
        if current is None:
            return False
        await uow.outcomes.save(meeting_id, person, current[0], text[:1000], now)
        await uow.commit()
        return True

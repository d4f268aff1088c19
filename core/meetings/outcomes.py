"""After each meeting: did it take place, and did it lead anywhere (the brokerage-event scale)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from core.meetings.model import BookingError, Meeting, MeetingStatus, SlotKind
from core.meetings.ports import UnitOfWork, UowFactory
from core.outbox.delivery import enqueue
from core.outbox.model import Action, OutgoingMessage, dt
from core.people.access import require_person
from core.people.profile import clean_text
from core.people.visibility import name_seen
from core.reference.errors import NotAllowed, NotFound

#: When the question goes out after the meeting's end.
ASK_AFTER = timedelta(minutes=10)


#: An outcome comment keeps at most this many characters.
COMMENT_LIMIT = 1000


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
                    [
                        Action("meetings.outcome.answer", (meeting.id, o.value)).button(
                            f"outcomes.option.{o.value}"
                        )
                    ]
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


class Outcomes:
    """Answers to the after-meeting question; only people in the meeting may answer."""

    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def record(
        self,
        meeting_id: int,
        person: int,
        outcome: Outcome,
        *,
        now: datetime,
        comment: str | None = None,
    ) -> None:
        """Store (or change) one person's answer."""
        async with self.uow() as uow:
            await require_person(uow, person)
            meeting = await uow.meetings.get_meeting(meeting_id)
            if meeting is None:
                raise NotFound(what="meeting")
            if person not in meeting.people:
                raise NotAllowed()
            await uow.outcomes.save(meeting_id, person, outcome.value, comment, now)
            await uow.commit()

    async def mark_no_show(self, meeting_id: int, *, now: datetime) -> bool:
        """The organisers record at the desk (core/desk checked who asks) that a meeting did not
        take place: stored as everyone's outcome, and both people are told. False when it was
        marked so already."""
        async with self.uow() as uow:
            meeting = await uow.meetings.get_meeting(meeting_id)
            if meeting is None or meeting.kind is not SlotKind.MEETING:
                raise NotFound(what="meeting")
            if meeting.status is not MeetingStatus.BOOKED:
                raise BookingError(reason="closed", status=str(meeting.status))
            slot = await uow.meetings.get_slot(meeting.slot_key)
            assert slot is not None and meeting.id is not None
            if slot.starts_at > now:
                raise BookingError(reason="not_started")
            answers = [await uow.outcomes.get(meeting_id, p) for p in meeting.people]
            if all(a is not None and a[0] == Outcome.NO_SHOW.value for a in answers):
                return False
            names = {p: name_seen(await uow.profiles.get(p)) for p in meeting.people}
            for person, answer in zip(meeting.people, answers, strict=True):
                comment = answer[1] if answer else None
                await uow.outcomes.save(meeting_id, person, Outcome.NO_SHOW.value, comment, now)
                other = ", ".join(names[p] for p in meeting.people if p != person)
                await enqueue(
                    uow,
                    recipient_id=person,
                    message=OutgoingMessage(
                        key="desk.told.no_show",
                        params={"name": other, "when": dt(slot.starts_at)},
                    ),
                    due_at=now,
                    dedupe_key=f"desk-no-show:{meeting_id}:{person}",
                    now=now,
                )
            # The "how did it go?" question is answered already.
            await forget(uow, meeting_id)
            await uow.commit()
            return True

    async def may_comment(self, meeting_id: int, person: int) -> None:
        """A comment belongs to an answer the person gave; anyone else is refused."""
        async with self.uow() as uow:
            if await uow.outcomes.get(meeting_id, person) is None:
                raise NotAllowed()

    async def comment(self, meeting_id: int, person: int, text: str, *, now: datetime) -> bool:
        """Attach a comment (seen only by organisers) to an answer already given."""
        async with self.uow() as uow:
            current = await uow.outcomes.get(meeting_id, person)
            if current is None:
                return False
            # Cleaned like every typed text: no control characters (PostgreSQL refuses NUL).
            comment = clean_text(text)[:COMMENT_LIMIT]
            await uow.outcomes.save(meeting_id, person, current[0], comment, now)
            await uow.commit()
            return True

"""What an erasure takes out of other people's rows: the person's name and words, never their
delivery reports or statistics."""

from __future__ import annotations

from core.meetings import outcomes
from core.meetings.messages import request_prefix
from core.meetings.reminders import meeting_prefix
from core.privacy.ports import UnitOfWork


async def forget_in_others_rows(uow: UnitOfWork, person: int) -> None:
    """Before the person's own rows go: messages about their requests are not delivered any more
    (the requests go with them), and other people's undelivered messages that name them or quote
    their notes are emptied (the rows stay for the delivery report)."""
    profile = await uow.profiles.get(person)
    requests = await uow.meetings.requests_of(person)
    gone = "one side erased their data"
    for request in requests:
        await uow.outbox.drop_pending(request_prefix(request.id), gone)
    # Past meetings are not cancelled, but they go with the person: their partners' pending
    # reminders and "how was it?" questions would name them and lead nowhere.
    for meeting in await uow.meetings.meetings_of(person):
        if meeting.id is not None:
            await uow.outbox.drop_pending(meeting_prefix(meeting.id), gone)
            await uow.outbox.drop_pending(outcomes.prefix(meeting.id), gone)
    mentions = [profile.full_name] if profile and profile.full_name else []
    mentions += [r.note for r in requests if r.from_id == person and r.note]
    if mentions:
        await uow.privacy.scrub_undelivered(person, mentions)

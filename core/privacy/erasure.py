"""What an erasure takes out of other people's rows: the person's name and words, never their
delivery reports or statistics."""

from __future__ import annotations

from core.meetings.messages import request_prefix
from core.privacy.ports import UnitOfWork


async def forget_in_others_rows(uow: UnitOfWork, person: int) -> None:
    """Before the person's own rows go: messages about their requests are not delivered any more
    (the requests go with them), and other people's undelivered messages that name them or quote
    their notes are emptied (the rows stay for the delivery report)."""
    profile = await uow.profiles.get(person)
    requests = await uow.meetings.requests_of(person)
    for request in requests:
        await uow.outbox.drop_pending(request_prefix(request.id), "one side erased their data")
    mentions = [profile.full_name] if profile and profile.full_name else []
    mentions += [r.note for r in requests if r.from_id == person and r.note]
    if mentions:
        await uow.privacy.scrub_undelivered(person, mentions)

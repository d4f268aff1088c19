"""What the members see of a change: their card, edited in place for everybody, and a short
notice only for what they must act on or should know (coordination handed to them, the
consortium closed, the verdict turned)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

from core.consortia.cards import load, topic_for, verdict_of
from core.consortia.model import Consortium, MemberStatus
from core.consortia.ports import UnitOfWork
from core.outbox.delivery import enqueue
from core.outbox.model import Action, OutgoingMessage

#: The kind of living message the chat layer keeps up to date (see OutgoingMessage.live).
CARD = "consortium.card"

#: A notice: {"key": catalogue key, "params": its parameters} (see `notice`).
Notice = dict[str, Any]


def notice(key: str, **params: Any) -> Notice:
    """One line a member should see with their card."""
    return {"key": key, "params": params}


async def refresh(
    uow: UnitOfWork,
    before: Consortium,
    version: int,
    now: datetime,
    *,
    skip: Collection[int] = (),
    told: Mapping[int, list[Notice]] | None = None,
) -> Consortium:
    """After a change: every member's card (and an invitee's, once they opened it) is brought
    up to date in place, with the notices each must see on top; `skip` already sees the new
    card (the person who acted). Returns the consortium as it is now."""
    assert before.id is not None
    cid = before.id
    after = await load(uow, cid)
    topic = topic_for(after, await uow.consortia.topic(after.topic_id))
    was = verdict_of(before, topic, now).eligible
    is_now = verdict_of(after, topic, now).eligible
    for member in after.members:
        person = member.telegram_id
        if person in skip or member.status is MemberStatus.DECLINED:
            continue
        notices = list((told or {}).get(person, []))
        if member.status is MemberStatus.MEMBER and was != is_now and not after.closed:
            key = "consortium.notice.eligible" if is_now else "consortium.notice.not_eligible"
            notices.append(notice(key, title=after.title))
        invited = member.status is MemberStatus.INVITED
        if invited and await uow.consortia.card_message(cid, person) is None:
            continue  # the invitation itself shows the idea
        await enqueue(
            uow,
            recipient_id=person,
            message=card_message(cid, notices),
            due_at=now,
            dedupe_key=f"consortium:{cid}:v{version}:{person}",
            now=now,
        )
    return after


def card_message(consortium_id: int, notices: list[Notice]) -> OutgoingMessage:
    """The living card, with its notices as the text above it (none: the card alone)."""
    message = OutgoingMessage(live={"kind": CARD, "id": consortium_id})
    if notices:
        message.key = "consortium.notice.lines"
        message.params = {"lines": notices}
        message.buttons = [
            [Action("consortia.card.show", (consortium_id,)).button("consortium.button.card")]
        ]
    return message


async def notify(
    uow: UnitOfWork, person: int, dedupe: str, now: datetime, key: str, **params: Any
) -> None:
    """One person hears of something done to them (e.g. taken out of a consortium)."""
    await enqueue(
        uow,
        recipient_id=person,
        message=OutgoingMessage(key=key, params=params),
        due_at=now,
        dedupe_key=dedupe,
        now=now,
    )

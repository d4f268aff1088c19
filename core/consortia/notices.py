"""What the other members hear of a change: the change, the verdict now, the card's button."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from core.consortia.cards import named, topic_for, verdict_of
from core.consortia.model import Consortium
from core.consortia.ports import UnitOfWork
from core.outbox.delivery import enqueue
from core.outbox.model import Action, OutgoingMessage


async def tell(
    uow: UnitOfWork,
    consortium: Consortium,
    version: int,
    key: str,
    now: datetime,
    *,
    actor: int,
    **params: Any,
) -> None:
    """Every other accepted member hears of the change, with the verdict now."""
    assert consortium.id is not None
    topic = topic_for(consortium, await uow.consortia.topic(consortium.topic_id))
    verdict = verdict_of(await named(uow, consortium), topic, now)
    status = {
        "key": "consortium.status.eligible" if verdict.eligible else "consortium.status.missing",
        "params": {"count": len(verdict.unmet)},
    }
    for member in consortium.active():
        if member.telegram_id == actor:
            continue
        await enqueue(
            uow,
            recipient_id=member.telegram_id,
            message=OutgoingMessage(
                key=key,
                params={"title": consortium.title, "status": [status], **params},
                buttons=[
                    [
                        Action("consortia.card.show", (consortium.id,)).button(
                            "consortium.button.card"
                        )
                    ]
                ],
            ),
            due_at=now,
            dedupe_key=f"consortium:{consortium.id}:v{version}:{member.telegram_id}",
            now=now,
        )


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

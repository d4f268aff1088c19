"""Use cases around the outbox: enqueue, claim what is due, and record what happened."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from core.outbox.model import (
    DeliveryPolicy,
    OutboxRow,
    Outcome,
    OutgoingMessage,
    Status,
    apply_outcome,
)
from core.outbox.ports import HasOutbox, UowFactory

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Delivery:
    """A claimed row together with the language to render it in."""

    row: OutboxRow
    language: str
    timezone: str | None = None


async def enqueue(
    uow: HasOutbox,
    *,
    recipient_id: int,
    message: OutgoingMessage,
    due_at: datetime,
    dedupe_key: str,
    expires_at: datetime | None = None,
    now: datetime,
) -> bool:
    """Add a message in the caller's transaction; False when the dedupe key was used already."""
    row = OutboxRow(
        id=None,
        recipient_id=recipient_id,
        message=message,
        due_at=due_at,
        dedupe_key=dedupe_key,
        expires_at=expires_at,
        created_at=now,
    )
    return await uow.outbox.enqueue(row)


async def claim_batch(
    uow_factory: UowFactory,
    *,
    now: datetime,
    limit: int,
    policy: DeliveryPolicy,
    default_language: str = "en",
) -> list[Delivery]:
    """Lease due rows to this dispatcher; drop the ones whose moment has passed."""
    async with uow_factory() as uow:
        rows = await uow.outbox.claim_due(now, limit, now + policy.lease)
        people = await uow.people.get_many({row.recipient_id for row in rows})
        out: list[Delivery] = []
        for row in rows:
            if row.expires_at is not None and row.expires_at <= now:
                row.status, row.claimed_until = Status.DROPPED, None
                row.last_error = "expired before it could be sent"
                log.info("outbox row %s dropped: expired at %s", row.id, row.expires_at)
                await uow.outbox.save(row)
                continue
            person = people.get(row.recipient_id)
            if person is not None and person.unreachable_at is not None:
                row.status, row.claimed_until = Status.UNREACHABLE, None
                row.last_error = "recipient blocked the bot"
                await uow.outbox.save(row)
                continue
            out.append(
                Delivery(
                    row,
                    person.language if person else default_language,
                    person.timezone if person else None,
                )
            )
        await uow.commit()
        return out


async def record_outcomes(
    uow_factory: UowFactory,
    results: list[tuple[OutboxRow, Outcome]],
    *,
    now: datetime,
    policy: DeliveryPolicy,
) -> int:
    """Several results in one transaction (one commit instead of one per message). Safe to call
    again with the same results after a failed commit; a row whose lease ran out and that another
    claim took over keeps that claim's result. Returns how many results were recorded."""
    if not results:
        return 0
    recorded = 0
    async with uow_factory() as uow:
        by_claim: dict[str | None, list[int]] = {}
        for row, outcome in results:
            if outcome.kind == "sent" and row.id is not None:
                by_claim.setdefault(row.claim_token, []).append(row.id)
        for token, ids in by_claim.items():
            recorded += await uow.outbox.mark_sent(ids, now, token=token)
        for claimed, outcome in results:
            if outcome.kind == "sent":
                continue  # done in bulk above
            row = replace(claimed)  # the caller's copy stays as claimed, for a retry
            apply_outcome(row, outcome, now, policy)
            recorded += await uow.outbox.save(row)
            if outcome.kind == "forbidden":
                await uow.people.mark_unreachable(row.recipient_id, now)
                await uow.outbox.cancel_pending_for(
                    row.recipient_id, Status.UNREACHABLE, "recipient blocked the bot"
                )
        await uow.commit()
    if recorded < len(results):
        log.warning(
            "outbox: %d of %d results not recorded: their rows were claimed again meanwhile",
            len(results) - recorded,
            len(results),
        )
    return recorded

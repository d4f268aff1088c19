"""Repository for the outbox: enqueue without duplicates, claim with a lease, record outcomes."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.outbox.model import OutboxRow, OutgoingMessage, Status
from storage.outbox.rows import OutboxRowModel


def _outbox_to_core(row: OutboxRowModel) -> OutboxRow:
    return OutboxRow(
        id=row.id,
        recipient_id=row.recipient_id,
        message=OutgoingMessage.from_json(row.payload),
        due_at=row.due_at,
        dedupe_key=row.dedupe_key,
        status=Status(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        claimed_until=row.claimed_until,
        claim_token=row.claim_token,
        sent_at=row.sent_at,
        expires_at=row.expires_at,
        created_at=row.created_at,
    )


class SqlOutbox:
    """The outbox; claiming uses FOR UPDATE SKIP LOCKED where the database has it."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def enqueue(self, row: OutboxRow) -> bool:
        exists = await self.s.scalar(
            select(OutboxRowModel.id).where(OutboxRowModel.dedupe_key == row.dedupe_key)
        )
        if exists is not None:
            return False
        model = OutboxRowModel(
            recipient_id=row.recipient_id,
            payload=row.message.to_json(),
            due_at=row.due_at,
            dedupe_key=row.dedupe_key,
            status=str(row.status),
            attempts=row.attempts,
            expires_at=row.expires_at,
            created_at=row.created_at or row.due_at,
        )
        try:
            async with self.s.begin_nested():
                self.s.add(model)
                await self.s.flush()
        except IntegrityError:
            return False  # a concurrent writer used the same key first
        row.id = model.id
        return True

    async def mark_sent(self, ids: list[int], at: datetime, *, token: str | None) -> int:
        """Many deliveries of one claim in one UPDATE; the content is dropped once delivered.
        Rows another claim took over meanwhile are left alone (returns how many were marked)."""
        if not ids:
            return 0
        result = await self.s.execute(
            update(OutboxRowModel)
            .where(
                OutboxRowModel.id.in_(ids),
                OutboxRowModel.claim_token.is_not_distinct_from(token),
            )
            .values(
                status=Status.SENT,
                sent_at=at,
                claimed_until=None,
                claim_token=None,
                last_error=None,
                payload={},
            )
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    async def enqueue_many(self, rows: list[OutboxRow]) -> int:
        """Bulk insert that skips dedupe keys already present (one statement per 500 rows)."""
        bind = self.s.bind
        dialect = bind.dialect.name if bind is not None else "sqlite"
        insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
        added = 0
        for start in range(0, len(rows), 500):
            values = [
                {
                    "recipient_id": r.recipient_id,
                    "payload": r.message.to_json(),
                    "due_at": r.due_at,
                    "dedupe_key": r.dedupe_key,
                    "status": str(r.status),
                    "attempts": r.attempts,
                    "expires_at": r.expires_at,
                    "created_at": r.created_at or r.due_at,
                }
                for r in rows[start : start + 500]
            ]
            stmt = (
                insert_(OutboxRowModel)
                .values(values)
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
            )
            result = await self.s.execute(stmt)
            added += int(getattr(result, "rowcount", 0) or 0)
        return added

    async def claim_due(
        self, now: datetime, limit: int, lease_until: datetime, token: str | None = None
    ) -> list[OutboxRow]:
        """Lease due rows under a fresh claim token (a result needs it to be recorded)."""
        token = token or secrets.token_hex(16)
        claimable = or_(
            OutboxRowModel.status == Status.PENDING,
            and_(OutboxRowModel.status == Status.SENDING, OutboxRowModel.claimed_until < now),
        )
        stmt = (
            select(OutboxRowModel)
            .where(claimable, OutboxRowModel.due_at <= now)
            .order_by(OutboxRowModel.due_at, OutboxRowModel.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(await self.s.scalars(stmt))
        for r in rows:
            r.status = Status.SENDING
            r.claimed_until = lease_until
            r.claim_token = token
            r.attempts += 1
        await self.s.flush()
        return [_outbox_to_core(r) for r in rows]

    async def save(self, row: OutboxRow) -> bool:
        """Write a claimed row's new state, only while its claim still holds the row (False when
        another claim took it over: that claim's result must stand)."""
        values: dict[str, Any] = {
            "status": str(row.status),
            "attempts": row.attempts,
            "last_error": row.last_error,
            "claimed_until": row.claimed_until,
            "claim_token": None,  # the claim ends with its result
            "sent_at": row.sent_at,
            "due_at": row.due_at,
        }
        if row.status == Status.SENT:
            # Data minimisation: once delivered, the content is not needed any more.
            values["payload"] = {}
        result = await self.s.execute(
            update(OutboxRowModel)
            .where(
                OutboxRowModel.id == row.id,
                OutboxRowModel.claim_token.is_not_distinct_from(row.claim_token),
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

    async def cancel_pending_for(self, recipient_id: int, status: str, reason: str) -> int:
        result = await self.s.execute(
            update(OutboxRowModel)
            .where(
                OutboxRowModel.recipient_id == recipient_id,
                OutboxRowModel.status == Status.PENDING,
            )
            .values(status=status, last_error=reason)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    async def drop_pending(self, prefix: str, reason: str) -> int:
        """Drop pending rows whose dedupe key starts with `prefix` (e.g. a cancelled meeting's
        reminders), in the caller's transaction."""
        result = await self.s.execute(
            update(OutboxRowModel)
            .where(
                OutboxRowModel.dedupe_key.startswith(prefix, autoescape=True),
                OutboxRowModel.status == Status.PENDING,
            )
            .values(status=Status.DROPPED, last_error=reason, payload={})
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    async def statuses(self, prefix: str) -> list[tuple[Status, str | None]]:
        """Status and last error of every row under a prefix (a broadcast's report)."""
        rows = await self.s.execute(
            select(OutboxRowModel.status, OutboxRowModel.last_error).where(
                OutboxRowModel.dedupe_key.startswith(prefix, autoescape=True)
            )
        )
        return [(Status(s), e) for s, e in rows.all()]

    async def pending_keys(self, prefix: str) -> list[str]:
        """Dedupe keys of pending rows under a prefix (tests and diagnostics)."""
        rows = await self.s.scalars(
            select(OutboxRowModel.dedupe_key).where(
                OutboxRowModel.dedupe_key.startswith(prefix, autoescape=True),
                OutboxRowModel.status == Status.PENDING,
            )
        )
        return list(rows)

    async def get_by_key(self, dedupe_key: str) -> OutboxRow | None:
        row = await self.s.scalar(
            select(OutboxRowModel).where(OutboxRowModel.dedupe_key == dedupe_key)
        )
        return None if row is None else _outbox_to_core(row)

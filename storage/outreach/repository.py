"""Repository for broadcasts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.outbox.model import OutgoingMessage
from core.outreach.model import Broadcast, BroadcastStatus
from storage.outreach.rows import BroadcastRow


def _core(row: BroadcastRow) -> Broadcast:
    return Broadcast(
        row.id,
        row.author_id,
        OutgoingMessage.from_json(row.payload),
        BroadcastStatus(row.status),
        row.created_at,
        row.audience,
        row.total,
        row.sent_at,
        row.progress_message_id,
    )


class SqlBroadcasts:
    """Broadcasts table."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, item: Broadcast) -> None:
        row = BroadcastRow(
            author_id=item.author_id,
            payload=item.message.to_json(),
            audience=item.audience,
            status=str(item.status),
            total=item.total,
            created_at=item.created_at,
        )
        self.s.add(row)
        await self.s.flush()
        item.id = row.id

    async def get(self, broadcast_id: int) -> Broadcast | None:
        row = await self.s.get(BroadcastRow, broadcast_id)
        return None if row is None else _core(row)

    async def save(self, item: Broadcast) -> None:
        row = await self.s.get(BroadcastRow, item.id)
        if row is None:
            return
        row.audience, row.status, row.total = item.audience, str(item.status), item.total
        row.sent_at, row.progress_message_id = item.sent_at, item.progress_message_id
        await self.s.flush()

    async def with_status(self, status: BroadcastStatus) -> list[Broadcast]:
        rows = await self.s.scalars(
            select(BroadcastRow).where(BroadcastRow.status == str(status)).order_by(BroadcastRow.id)
        )
        return [_core(r) for r in rows]

    async def recent(self, limit: int) -> list[Broadcast]:
        rows = await self.s.scalars(
            select(BroadcastRow)
            .where(
                BroadcastRow.status.in_([str(BroadcastStatus.SENDING), str(BroadcastStatus.DONE)])
            )
            .order_by(BroadcastRow.id.desc())
            .limit(limit)
        )
        return [_core(r) for r in rows]

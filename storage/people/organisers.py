"""Repository for organisers added at run time (`forumbot organisers add`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.people.rows import OrganiserRow


class SqlOrganisers:
    """Organisers added at run time."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, telegram_id: int, at: datetime) -> bool:
        if await self.s.get(OrganiserRow, telegram_id) is not None:
            return False
        self.s.add(OrganiserRow(telegram_id=telegram_id, added_at=at))
        await self.s.flush()
        return True

    async def all(self) -> set[int]:
        return set(await self.s.scalars(select(OrganiserRow.telegram_id)))

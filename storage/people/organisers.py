"""Repository for organisers added and removed at run time (`forumbot organisers add|remove`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.people.rows import OrganiserRow


class SqlOrganisers:
    """Organisers added at run time; a removed one stays marked until the bot took back their
    command menu."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, telegram_id: int, at: datetime) -> bool:
        row = await self.s.get(OrganiserRow, telegram_id)
        if row is not None and row.removed_at is None:
            return False
        if row is None:
            self.s.add(OrganiserRow(telegram_id=telegram_id, added_at=at))
        else:
            row.added_at, row.removed_at = at, None
        await self.s.flush()
        return True

    async def remove(self, telegram_id: int, at: datetime) -> bool:
        row = await self.s.get(OrganiserRow, telegram_id)
        if row is None or row.removed_at is not None:
            return False
        row.removed_at = at
        await self.s.flush()
        return True

    async def all(self) -> set[int]:
        return set(
            await self.s.scalars(
                select(OrganiserRow.telegram_id).where(OrganiserRow.removed_at.is_(None))
            )
        )

    async def added(self) -> dict[int, datetime]:
        rows = await self.s.execute(
            select(OrganiserRow.telegram_id, OrganiserRow.added_at).where(
                OrganiserRow.removed_at.is_(None)
            )
        )
        return {int(telegram_id): at for telegram_id, at in rows.all()}

    async def revoked(self) -> set[int]:
        return set(
            await self.s.scalars(
                select(OrganiserRow.telegram_id).where(OrganiserRow.removed_at.is_not(None))
            )
        )

    async def forget_revoked(self, ids: set[int]) -> None:
        if ids:
            await self.s.execute(
                delete(OrganiserRow).where(
                    OrganiserRow.telegram_id.in_(ids), OrganiserRow.removed_at.is_not(None)
                )
            )

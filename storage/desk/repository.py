"""Repository for the desk's login links and sessions (hashes only, never the secrets)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.desk.model import DeskSession, LoginLink
from storage.desk.rows import DeskLinkRow, DeskSessionRow


class SqlDesk:
    """Login links and sessions of the organisers' desk."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add_link(self, link: LoginLink) -> None:
        self.s.add(
            DeskLinkRow(
                id=link.id_hash,
                telegram_id=link.telegram_id,
                expires_at=link.expires_at,
                used_at=None,
            )
        )
        await self.s.flush()

    async def get_link(self, id_hash: str) -> LoginLink | None:
        row = await self.s.get(DeskLinkRow, id_hash)
        if row is None:
            return None
        return LoginLink(row.id, row.telegram_id, row.expires_at, row.used_at)

    async def use_link(self, id_hash: str, at: datetime) -> bool:
        """Mark a link used; False when another request used it first (one winner, atomically)."""
        result = await self.s.execute(
            update(DeskLinkRow)
            .where(DeskLinkRow.id == id_hash, DeskLinkRow.used_at.is_(None))
            .values(used_at=at)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def add_session(self, session: DeskSession) -> None:
        self.s.add(
            DeskSessionRow(
                id=session.id_hash,
                telegram_id=session.telegram_id,
                csrf=session.csrf,
                created_at=session.created_at,
                seen_at=session.seen_at,
            )
        )
        await self.s.flush()

    async def get_session(self, id_hash: str) -> DeskSession | None:
        row = await self.s.get(DeskSessionRow, id_hash)
        if row is None:
            return None
        return DeskSession(row.id, row.telegram_id, row.csrf, row.created_at, row.seen_at)

    async def touch_session(self, id_hash: str, at: datetime) -> None:
        await self.s.execute(
            update(DeskSessionRow).where(DeskSessionRow.id == id_hash).values(seen_at=at)
        )

    async def drop_session(self, id_hash: str) -> None:
        await self.s.execute(delete(DeskSessionRow).where(DeskSessionRow.id == id_hash))

    async def drop_old(self, links_before: datetime, sessions_before: datetime) -> None:
        """Forget expired links and idle sessions (housekeeping on every login)."""
        await self.s.execute(delete(DeskLinkRow).where(DeskLinkRow.expires_at < links_before))
        await self.s.execute(delete(DeskSessionRow).where(DeskSessionRow.seen_at < sessions_before))

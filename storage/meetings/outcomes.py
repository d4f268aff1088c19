"""Repository for how meetings went, one answer per person and meeting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.meetings.rows import (
    OutcomeRow,
)


class SqlOutcomes:
    """Meeting outcomes."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def save(
        self, meeting_id: int, person: int, outcome: str, comment: str | None, at: datetime
    ) -> None:
        row = await self.s.get(OutcomeRow, (meeting_id, person))
        if row is None:
            row = OutcomeRow(meeting_id=meeting_id, telegram_id=person)
            self.s.add(row)
        row.outcome, row.comment, row.at = outcome, comment, at
        await self.s.flush()

    async def get(self, meeting_id: int, person: int) -> tuple[str, str | None] | None:
        row = await self.s.get(OutcomeRow, (meeting_id, person))
        return None if row is None else (row.outcome, row.comment)

    async def all(self) -> list[tuple[int, int, str, str | None]]:
        rows = await self.s.scalars(select(OutcomeRow).order_by(OutcomeRow.meeting_id))
        return [(r.meeting_id, r.telegram_id, r.outcome, r.comment) for r in rows]

"""Repository for saved, skipped and requested suggestions, and for card impressions."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.partners.interests import Interest, InterestKind
from storage.partners.rows import ImpressionRow, InterestRow
from storage.people.rows import PersonRow


class SqlInterests:
    """Interests and impressions tables."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def _exist(self, *people: int) -> bool:
        """Everyone named is (still) a person: nothing is recorded about someone erased."""
        wanted = set(people)
        found = await self.s.scalar(select(func.count()).where(PersonRow.telegram_id.in_(wanted)))
        return found == len(wanted)

    async def add(self, interest: Interest) -> bool:
        """Insert or refresh the time (a double tap or a repeated skip is one row); False, and
        nothing stored, when either person no longer exists."""
        key = (interest.actor_id, interest.target_id, str(interest.kind))
        row = await self.s.get(InterestRow, key)
        if row is not None:
            row.at = interest.at
            await self.s.flush()
            return True
        if not await self._exist(interest.actor_id, interest.target_id):
            return False
        try:
            async with self.s.begin_nested():
                self.s.add(
                    InterestRow(
                        actor_id=interest.actor_id,
                        target_id=interest.target_id,
                        kind=str(interest.kind),
                        at=interest.at,
                    )
                )
        except IntegrityError:
            # The same decision arrived twice at once (one row is enough), or someone was
            # erased this very moment (then nothing is stored).
            return await self._exist(interest.actor_id, interest.target_id)
        return True

    async def remove(self, actor_id: int, target_id: int, kind: InterestKind) -> bool:
        result = await self.s.execute(
            delete(InterestRow).where(
                InterestRow.actor_id == actor_id,
                InterestRow.target_id == target_id,
                InterestRow.kind == str(kind),
            )
        )
        return bool(getattr(result, "rowcount", 0))

    @staticmethod
    def _to_core(row: InterestRow) -> Interest:
        return Interest(row.actor_id, row.target_id, InterestKind(row.kind), row.at)

    async def by_actor(self, actor_id: int) -> list[Interest]:
        rows = await self.s.scalars(
            select(InterestRow)
            .where(InterestRow.actor_id == actor_id)
            .order_by(InterestRow.at.desc(), InterestRow.target_id)
        )
        return [self._to_core(r) for r in rows]

    async def between(self, actor_id: int, target_id: int) -> list[Interest]:
        rows = await self.s.scalars(
            select(InterestRow).where(
                InterestRow.actor_id == actor_id, InterestRow.target_id == target_id
            )
        )
        return [self._to_core(r) for r in rows]

    async def record_impression(self, viewer_id: int, target_id: int, at: datetime) -> bool:
        """A card was shown; False, and nothing stored, when either person no longer exists."""
        row = await self.s.get(ImpressionRow, (viewer_id, target_id))
        if row is not None:
            row.last_at = at
            row.times += 1
            await self.s.flush()
            return True
        if not await self._exist(viewer_id, target_id):
            return False
        try:
            async with self.s.begin_nested():
                self.s.add(
                    ImpressionRow(
                        viewer_id=viewer_id, target_id=target_id, first_at=at, last_at=at, times=1
                    )
                )
        except IntegrityError:
            return await self._exist(viewer_id, target_id)  # a twin insert, or an erasure
        return True

    async def of_kinds(self, kinds: Collection[InterestKind]) -> list[Interest]:
        """Every decision of these kinds (for the schedule builder)."""
        rows = await self.s.scalars(
            select(InterestRow)
            .where(InterestRow.kind.in_([str(k) for k in kinds]))
            .order_by(InterestRow.at, InterestRow.actor_id, InterestRow.target_id)
        )
        return [self._to_core(r) for r in rows]

    async def exposure_counts(self) -> dict[int, int]:
        """How many different people were shown each person."""
        rows = await self.s.execute(
            select(ImpressionRow.target_id, func.count()).group_by(ImpressionRow.target_id)
        )
        return {int(t): int(n) for t, n in rows.all()}

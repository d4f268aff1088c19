"""A counter bumped with every change other processes must notice (erasure, purge, import)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base

#: The counter's one row.
ROW_ID = 1


class DataChangesRow(Base):
    """One row: how many changes to who exists were committed, by any process."""

    __tablename__ = "data_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    counter: Mapped[int] = mapped_column(BigInteger)


class SqlChanges:
    """Bump in the changing transaction; read before trusting anything cached in memory."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def bump(self) -> None:
        """One more change, committed (or rolled back) with the caller's transaction."""
        bind = self.s.bind
        dialect = bind.dialect.name if bind is not None else "sqlite"
        insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = insert_(DataChangesRow).values(id=ROW_ID, counter=1)
        await self.s.execute(
            stmt.on_conflict_do_update(
                index_elements=["id"], set_={"counter": DataChangesRow.counter + 1}
            )
        )

    async def current(self) -> int:
        """The number of changes so far (0 before the first)."""
        value = await self.s.scalar(
            select(DataChangesRow.counter).where(DataChangesRow.id == ROW_ID)
        )
        return int(value or 0)

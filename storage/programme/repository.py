"""Repository for sessions and who follows them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.programme.attendance import Attendance
from core.programme.sessions import Session
from storage.programme.rows import AttendanceRow, SessionRow


def _session(row: SessionRow) -> Session:
    return Session(
        row.key,
        row.title,
        row.track,
        row.room,
        row.starts_at,
        row.ends_at,
        tuple(str(s) for s in row.speakers or []),
        row.capacity,
        row.registration,
        row.description,
    )


class SqlAgenda:
    """Sessions and attendance tables."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def upsert_session(self, item: Session, *, active: bool = True) -> None:
        row = await self.s.get(SessionRow, item.key)
        if row is None:
            row = SessionRow(key=item.key)
            self.s.add(row)
        row.title, row.track, row.room = item.title, item.track, item.room
        row.starts_at, row.ends_at = item.starts_at, item.ends_at
        row.speakers, row.capacity = list(item.speakers), item.capacity
        row.registration, row.description, row.active = (
            item.registration,
            item.description,
            active,
        )
        await self.s.flush()

    async def sessions(self) -> list[Session]:
        rows = await self.s.scalars(
            select(SessionRow)
            .where(SessionRow.active.is_(True))
            .order_by(SessionRow.starts_at, SessionRow.key)
        )
        return [_session(r) for r in rows]

    async def get_session(self, key: str) -> Session | None:
        row = await self.s.get(SessionRow, key)
        return None if row is None or not row.active else _session(row)

    async def attendance(self, key: str, person: int) -> Attendance | None:
        row = await self.s.get(AttendanceRow, (key, person))
        return None if row is None else Attendance(row.status)

    async def set_attendance(self, key: str, person: int, status: Attendance, at: datetime) -> None:
        row = await self.s.get(AttendanceRow, (key, person))
        if row is None:
            self.s.add(
                AttendanceRow(session_key=key, telegram_id=person, status=str(status), at=at)
            )
        else:
            row.status = str(status)
        await self.s.flush()

    async def remove_attendance(self, key: str, person: int) -> None:
        await self.s.execute(
            delete(AttendanceRow).where(
                AttendanceRow.session_key == key, AttendanceRow.telegram_id == person
            )
        )

    async def followers(self, key: str) -> list[tuple[int, Attendance, datetime]]:
        """Everyone following a session, first come first."""
        rows = await self.s.scalars(
            select(AttendanceRow)
            .where(AttendanceRow.session_key == key)
            .order_by(AttendanceRow.at, AttendanceRow.telegram_id)
        )
        return [(r.telegram_id, Attendance(r.status), r.at) for r in rows]

    async def mine(self, person: int) -> dict[str, Attendance]:
        rows = await self.s.scalars(
            select(AttendanceRow).where(AttendanceRow.telegram_id == person)
        )
        return {r.session_key: Attendance(r.status) for r in rows}

    async def registered_counts(self) -> dict[str, int]:
        rows = await self.s.execute(
            select(AttendanceRow.session_key, func.count())
            .where(AttendanceRow.status == str(Attendance.REGISTERED))
            .group_by(AttendanceRow.session_key)
        )
        return {str(k): int(n) for k, n in rows.all()}

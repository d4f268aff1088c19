"""Repository for slots, desks, meetings, requests and busy marks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.meetings.model import (
    BookingError,
    ConsultDesk,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    RequestStatus,
    Slot,
    SlotKind,
)
from storage.meetings.rows import (
    BusyRow,
    DeskRow,
    MeetingPersonRow,
    MeetingRequestRow,
    MeetingRow,
    SlotRow,
)


def _slot(row: SlotRow) -> Slot:
    return Slot(
        row.key,
        SlotKind(row.kind),
        row.owner_key,
        row.starts_at,
        row.ends_at,
        row.capacity,
        row.location,
        row.active,
    )


def _request(row: MeetingRequestRow) -> MeetingRequest:
    return MeetingRequest(
        row.id,
        row.from_id,
        row.to_id,
        [str(k) for k in row.slot_keys or []],
        row.note,
        RequestStatus(row.status),
        row.created_at,
        row.expires_at,
        row.responded_at,
    )


class SqlMeetings:
    """All tables of the meetings feature."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    # ---- slots and desks
    async def upsert_slot(self, slot: Slot) -> None:
        row = await self.s.get(SlotRow, slot.key)
        if row is None:
            row = SlotRow(key=slot.key)
            self.s.add(row)
        row.kind, row.owner_key = str(slot.kind), slot.owner_key
        row.starts_at, row.ends_at = slot.starts_at, slot.ends_at
        row.capacity, row.location, row.active = slot.capacity, slot.location, slot.active
        await self.s.flush()

    async def get_slot(self, key: str) -> Slot | None:
        row = await self.s.get(SlotRow, key)
        return None if row is None else _slot(row)

    async def slots(self, kind: SlotKind | None = None, owner_key: str | None = None) -> list[Slot]:
        stmt = select(SlotRow).where(SlotRow.active.is_(True))
        if kind is not None:
            stmt = stmt.where(SlotRow.kind == str(kind))
        if owner_key is not None:
            stmt = stmt.where(SlotRow.owner_key == owner_key)
        rows = await self.s.scalars(stmt.order_by(SlotRow.starts_at, SlotRow.key))
        return [_slot(r) for r in rows]

    async def upsert_desk(self, desk: ConsultDesk) -> None:
        row = await self.s.get(DeskRow, desk.key)
        if row is None:
            row = DeskRow(key=desk.key)
            self.s.add(row)
        row.expert, row.topic, row.location = desk.expert, desk.topic, desk.location
        row.expert_telegram_id = desk.expert_telegram_id
        await self.s.flush()

    async def desks(self) -> list[ConsultDesk]:
        rows = await self.s.scalars(select(DeskRow).order_by(DeskRow.key))
        return [
            ConsultDesk(r.key, r.expert, r.topic, r.location, r.expert_telegram_id) for r in rows
        ]

    # ---- meetings
    async def add_meeting(self, meeting: Meeting, now: datetime) -> None:
        """Insert atomically; a live clash on table or person raises BookingError('taken')."""
        row = MeetingRow(
            kind=str(meeting.kind),
            slot_key=meeting.slot_key,
            table_no=meeting.table,
            status=str(meeting.status),
            sequence=meeting.sequence,
            request_id=meeting.request_id,
            created_at=now,
            updated_at=now,
        )
        try:
            async with self.s.begin_nested():
                self.s.add(row)
                await self.s.flush()
                for person in meeting.people:
                    self.s.add(
                        MeetingPersonRow(
                            meeting_id=row.id,
                            telegram_id=person,
                            slot_key=meeting.slot_key,
                            active=True,
                        )
                    )
                await self.s.flush()
        except IntegrityError:
            raise BookingError(reason="taken") from None
        meeting.id, meeting.created_at = row.id, now

    async def _people(self, meeting_id: int) -> tuple[int, ...]:
        rows = await self.s.scalars(
            select(MeetingPersonRow.telegram_id)
            .where(MeetingPersonRow.meeting_id == meeting_id)
            .order_by(MeetingPersonRow.telegram_id)
        )
        return tuple(rows)

    async def _meeting(self, row: MeetingRow) -> Meeting:
        return Meeting(
            row.id,
            SlotKind(row.kind),
            row.slot_key,
            row.table_no,
            await self._people(row.id),
            MeetingStatus(row.status),
            row.sequence,
            row.request_id,
            row.created_at,
        )

    async def get_meeting(self, meeting_id: int) -> Meeting | None:
        row = await self.s.get(MeetingRow, meeting_id)
        return None if row is None else await self._meeting(row)

    async def cancel_meeting(self, meeting: Meeting, now: datetime) -> None:
        """Mark cancelled, free the people and the table, bump the calendar sequence."""
        assert meeting.id is not None
        meeting.status = MeetingStatus.CANCELLED
        meeting.sequence += 1
        await self.s.execute(
            update(MeetingRow)
            .where(MeetingRow.id == meeting.id)
            .values(status=str(meeting.status), sequence=meeting.sequence, updated_at=now)
        )
        await self.s.execute(
            update(MeetingPersonRow)
            .where(MeetingPersonRow.meeting_id == meeting.id)
            .values(active=False)
        )

    async def move_meeting(
        self, meeting: Meeting, slot_key: str, table: int, now: datetime
    ) -> None:
        """Move a live meeting to another slot and table; a clash raises BookingError('taken')."""
        assert meeting.id is not None
        try:
            async with self.s.begin_nested():
                await self.s.execute(
                    update(MeetingRow)
                    .where(MeetingRow.id == meeting.id)
                    .values(
                        slot_key=slot_key,
                        table_no=table,
                        sequence=meeting.sequence + 1,
                        updated_at=now,
                    )
                )
                await self.s.execute(
                    update(MeetingPersonRow)
                    .where(MeetingPersonRow.meeting_id == meeting.id)
                    .values(slot_key=slot_key)
                )
        except IntegrityError:
            raise BookingError(reason="taken") from None
        meeting.slot_key, meeting.table, meeting.sequence = slot_key, table, meeting.sequence + 1

    async def meetings_of(self, person: int, *, live_only: bool = False) -> list[Meeting]:
        stmt = (
            select(MeetingRow)
            .join(MeetingPersonRow, MeetingPersonRow.meeting_id == MeetingRow.id)
            .join(SlotRow, SlotRow.key == MeetingRow.slot_key)
            .where(MeetingPersonRow.telegram_id == person)
            .order_by(SlotRow.starts_at, MeetingRow.id)
        )
        if live_only:
            stmt = stmt.where(MeetingRow.status == str(MeetingStatus.BOOKED))
        return [await self._meeting(r) for r in await self.s.scalars(stmt)]

    async def live_count(self, person: int, kind: SlotKind) -> int:
        return int(
            await self.s.scalar(
                select(func.count())
                .select_from(MeetingPersonRow)
                .join(MeetingRow, MeetingRow.id == MeetingPersonRow.meeting_id)
                .where(
                    MeetingPersonRow.telegram_id == person,
                    MeetingPersonRow.active.is_(True),
                    MeetingRow.kind == str(kind),
                )
            )
            or 0
        )

    async def people_with_live_meetings(self) -> set[int]:
        """Everyone with at least one booked 1:1 meeting, in one query."""
        rows = await self.s.scalars(
            select(MeetingPersonRow.telegram_id)
            .join(MeetingRow, MeetingRow.id == MeetingPersonRow.meeting_id)
            .where(MeetingPersonRow.active.is_(True), MeetingRow.kind == str(SlotKind.MEETING))
            .distinct()
        )
        return set(rows)

    async def taken_slots(self, person: int) -> set[str]:
        """Slots where the person has a live booking."""
        rows = await self.s.scalars(
            select(MeetingPersonRow.slot_key).where(
                MeetingPersonRow.telegram_id == person, MeetingPersonRow.active.is_(True)
            )
        )
        return set(rows)

    async def used_tables(self, slot_key: str) -> set[int]:
        rows = await self.s.scalars(
            select(MeetingRow.table_no).where(
                MeetingRow.slot_key == slot_key, MeetingRow.status == str(MeetingStatus.BOOKED)
            )
        )
        return set(rows)

    async def live_in_slots(self, slot_keys: list[str]) -> list[Meeting]:
        rows = await self.s.scalars(
            select(MeetingRow).where(
                MeetingRow.slot_key.in_(slot_keys), MeetingRow.status == str(MeetingStatus.BOOKED)
            )
        )
        return [await self._meeting(r) for r in rows]

    # ---- busy marks
    async def busy_slots(self, person: int) -> set[str]:
        rows = await self.s.scalars(select(BusyRow.slot_key).where(BusyRow.telegram_id == person))
        return set(rows)

    async def set_busy(self, person: int, slot_key: str, busy: bool) -> None:
        if busy:
            if await self.s.get(BusyRow, (person, slot_key)) is None:
                self.s.add(BusyRow(telegram_id=person, slot_key=slot_key))
                await self.s.flush()
        else:
            await self.s.execute(
                delete(BusyRow).where(BusyRow.telegram_id == person, BusyRow.slot_key == slot_key)
            )

    # ---- requests
    async def add_request(self, request: MeetingRequest) -> None:
        row = MeetingRequestRow(
            from_id=request.from_id,
            to_id=request.to_id,
            slot_keys=list(request.slot_keys),
            note=request.note,
            status=str(request.status),
            created_at=request.created_at,
            expires_at=request.expires_at,
        )
        self.s.add(row)
        await self.s.flush()
        request.id = row.id

    async def get_request(self, request_id: int, *, lock: bool = False) -> MeetingRequest | None:
        stmt = select(MeetingRequestRow).where(MeetingRequestRow.id == request_id)
        if lock:
            stmt = stmt.with_for_update()
        row = await self.s.scalar(stmt)
        return None if row is None else _request(row)

    async def save_request(self, request: MeetingRequest) -> None:
        await self.s.execute(
            update(MeetingRequestRow)
            .where(MeetingRequestRow.id == request.id)
            .values(status=str(request.status), responded_at=request.responded_at)
        )

    async def all_requests(self) -> list[MeetingRequest]:
        rows = await self.s.scalars(select(MeetingRequestRow).order_by(MeetingRequestRow.id))
        return [_request(r) for r in rows]

    async def all_meetings(self) -> list[Meeting]:
        rows = list(await self.s.scalars(select(MeetingRow).order_by(MeetingRow.id)))
        people = await self._people_of()
        return [self._with(r, people.get(r.id, ())) for r in rows]

    async def in_slots(self, slot_keys: list[str]) -> list[Meeting]:
        """Every meeting (cancelled too) in these slots, people included, in two queries."""
        if not slot_keys:
            return []
        rows = list(
            await self.s.scalars(
                select(MeetingRow).where(MeetingRow.slot_key.in_(slot_keys)).order_by(MeetingRow.id)
            )
        )
        people = await self._people_of(MeetingPersonRow.slot_key.in_(slot_keys))
        return [self._with(r, people.get(r.id, ())) for r in rows]

    async def _people_of(self, *where: ColumnElement[bool]) -> dict[int, tuple[int, ...]]:
        found: dict[int, list[int]] = {}
        for row in await self.s.scalars(select(MeetingPersonRow).where(*where)):
            found.setdefault(row.meeting_id, []).append(row.telegram_id)
        return {m: tuple(sorted(p)) for m, p in found.items()}

    @staticmethod
    def _with(row: MeetingRow, people: tuple[int, ...]) -> Meeting:
        return Meeting(
            row.id,
            SlotKind(row.kind),
            row.slot_key,
            row.table_no,
            people,
            MeetingStatus(row.status),
            row.sequence,
            row.request_id,
            row.created_at,
        )

    async def requests_of(self, person: int) -> list[MeetingRequest]:
        rows = await self.s.scalars(
            select(MeetingRequestRow)
            .where((MeetingRequestRow.from_id == person) | (MeetingRequestRow.to_id == person))
            .order_by(MeetingRequestRow.created_at, MeetingRequestRow.id)
        )
        return [_request(r) for r in rows]

    async def between(self, a: int, b: int) -> list[MeetingRequest]:
        rows = await self.s.scalars(
            select(MeetingRequestRow)
            .where(MeetingRequestRow.from_id == a, MeetingRequestRow.to_id == b)
            .order_by(MeetingRequestRow.id)
        )
        return [_request(r) for r in rows]

    async def due_to_expire(self, now: datetime) -> list[MeetingRequest]:
        rows = await self.s.scalars(
            select(MeetingRequestRow)
            .where(
                MeetingRequestRow.status == str(RequestStatus.PENDING),
                MeetingRequestRow.expires_at <= now,
            )
            .with_for_update(skip_locked=True)
        )
        return [_request(r) for r in rows]

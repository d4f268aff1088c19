"""Repositories for organiser data: broadcasts, stored organisers, imported registrations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.outbox.model import OutgoingMessage
from core.outreach.broadcasts import Broadcast, BroadcastStatus
from core.people.profile import Publication
from core.people.registrations import Registration
from core.reference.taxonomy import Keyword
from storage.rows import BroadcastRow, OrganiserRow, RegistrationRow


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


class SqlRegistrations:
    """Imported registrations."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    @staticmethod
    def _core(row: RegistrationRow) -> Registration:
        return Registration(
            email=row.email,
            name=row.name,
            organisation=row.organisation,
            country=row.country,
            sector=row.sector,
            expertise=[Keyword(str(k["label"]), k.get("term_id")) for k in row.expertise or []],
            offers=row.offers,
            seeks=row.seeks,
            publications=[
                Publication(str(p["title"]), str(p.get("abstract", "")))
                for p in row.publications or []
            ],
            invite_code=row.invite_code,
            telegram_id=row.telegram_id,
        )

    async def get(self, email: str) -> Registration | None:
        row = await self.s.get(RegistrationRow, email)
        return None if row is None else self._core(row)

    async def by_invite(self, code: str) -> Registration | None:
        row = await self.s.scalar(
            select(RegistrationRow).where(RegistrationRow.invite_code == code)
        )
        return None if row is None else self._core(row)

    async def save(self, item: Registration, now: datetime) -> None:
        row = await self.s.get(RegistrationRow, item.email)
        if row is None:
            row = RegistrationRow(email=item.email)
            self.s.add(row)
        row.name, row.organisation, row.country = item.name, item.organisation, item.country
        row.sector, row.offers, row.seeks = item.sector, item.offers, item.seeks
        row.expertise = [{"label": k.label, "term_id": k.term_id} for k in item.expertise]
        row.publications = [{"title": p.title, "abstract": p.abstract} for p in item.publications]
        row.invite_code, row.telegram_id, row.updated_at = (
            item.invite_code,
            item.telegram_id,
            now,
        )
        await self.s.flush()

    async def all(self) -> list[Registration]:
        rows = await self.s.scalars(select(RegistrationRow).order_by(RegistrationRow.name))
        return [self._core(r) for r in rows]

"""Repository for the registrations organisers imported, found by email or invite."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.people.profile import Publication
from core.people.registrations import Registration
from core.reference.taxonomy import Keyword
from storage.people.rows import RegistrationRow


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

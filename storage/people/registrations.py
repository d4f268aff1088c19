"""Repository for the registrations organisers imported, found by email or invite."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
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

    @staticmethod
    def _values(item: Registration, now: datetime) -> dict[str, Any]:
        return {
            "email": item.email,
            "name": item.name,
            "organisation": item.organisation,
            "country": item.country,
            "sector": item.sector,
            "expertise": [{"label": k.label, "term_id": k.term_id} for k in item.expertise],
            "offers": item.offers,
            "seeks": item.seeks,
            "publications": [{"title": p.title, "abstract": p.abstract} for p in item.publications],
            "invite_code": item.invite_code,
            "telegram_id": item.telegram_id,
            "updated_at": now,
        }

    async def get(self, email: str) -> Registration | None:
        row = await self.s.get(RegistrationRow, email)
        return None if row is None else self._core(row)

    async def by_invite(self, code: str) -> Registration | None:
        row = await self.s.scalar(
            select(RegistrationRow).where(RegistrationRow.invite_code == code)
        )
        return None if row is None else self._core(row)

    async def existing(self, emails: Sequence[str]) -> dict[str, Registration]:
        """Those of these emails already imported, in one query (an import holds at most
        MAX_ROWS emails, well under the bound-parameter limits of SQLite and PostgreSQL)."""
        if not emails:
            return {}
        rows = await self.s.scalars(
            select(RegistrationRow).where(RegistrationRow.email.in_(list(emails)))
        )
        return {row.email: self._core(row) for row in rows}

    async def add_many(self, items: Sequence[Registration], now: datetime) -> None:
        """New registrations, inserted in batches (no query per row)."""
        if items:
            await self.s.execute(
                insert(RegistrationRow), [self._values(item, now) for item in items]
            )

    async def update_many(self, items: Sequence[Registration], now: datetime) -> None:
        """Registrations known to exist, updated by email in batches (no query per row)."""
        if items:
            await self.s.execute(
                update(RegistrationRow), [self._values(item, now) for item in items]
            )

    async def save(self, item: Registration, now: datetime) -> None:
        row = await self.s.get(RegistrationRow, item.email)
        if row is None:
            row = RegistrationRow(email=item.email)
            self.s.add(row)
        for name, value in self._values(item, now).items():
            setattr(row, name, value)
        await self.s.flush()

    async def all(self) -> list[Registration]:
        rows = await self.s.scalars(select(RegistrationRow).order_by(RegistrationRow.name))
        return [self._core(r) for r in rows]

"""Everything stored about one person, across every table: for /mydata and for erasure."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.base import Base
from storage.feedback.rows import SurveyAnswerRow
from storage.meetings.rows import MeetingRequestRow
from storage.outbox.rows import OutboxRowModel
from storage.partners.rows import ImpressionRow, InterestRow
from storage.people.rows import InviteRow, PersonRow, RegistrationRow

#: Tables whose rows about a person are keyed by one of these columns.
PERSON_COLUMNS = (
    "telegram_id",
    "actor_id",
    "target_id",
    "viewer_id",
    "from_id",
    "to_id",
    "recipient_id",
    "used_by",
)
#: Tables that are not about one attendee (organiser accounts, event programme, broadcasts).
NOT_PERSONAL = {
    "organisers",
    "broadcasts",
    "slots",
    "desks",
    "sessions",
    "survey",
    "meetings",
    "alembic_version",
}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class SqlPrivacy:
    """Dump and erase one person's rows in every table of the schema."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def dump(self, person: int) -> dict[str, list[dict[str, Any]]]:
        """Every row that names the person, grouped by table (generic over the whole schema)."""
        out: dict[str, list[dict[str, Any]]] = {}
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_PERSONAL:
                continue
            columns = [c for c in table.c if c.name in PERSON_COLUMNS]
            if not columns:
                continue
            rows = (
                (await self.s.execute(select(table).where(or_(*(c == person for c in columns)))))
                .mappings()
                .all()
            )
            if rows:
                out[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
        return out

    async def erase(self, person: int) -> None:
        """Delete the person and everything that names them; survey answers stay, anonymised."""
        await self.s.execute(
            update(SurveyAnswerRow)
            .where(SurveyAnswerRow.telegram_id == person)
            .values(telegram_id=None)
        )
        await self.s.execute(delete(OutboxRowModel).where(OutboxRowModel.recipient_id == person))
        await self.s.execute(delete(RegistrationRow).where(RegistrationRow.telegram_id == person))
        await self.s.execute(
            update(InviteRow).where(InviteRow.used_by == person).values(used_by=None, used_at=None)
        )
        for model, columns in (
            (InterestRow, (InterestRow.actor_id, InterestRow.target_id)),
            (ImpressionRow, (ImpressionRow.viewer_id, ImpressionRow.target_id)),
            (MeetingRequestRow, (MeetingRequestRow.from_id, MeetingRequestRow.to_id)),
        ):
            await self.s.execute(delete(model).where(or_(*(c == person for c in columns))))
        await self.s.execute(delete(PersonRow).where(PersonRow.telegram_id == person))
        await self.s.flush()

    async def inactive_since(self, cutoff: datetime) -> list[int]:
        """People whose consent is older than the cutoff (retention after the event)."""
        rows = await self.s.scalars(
            select(PersonRow.telegram_id).where(PersonRow.consented_at < cutoff)
        )
        return list(rows)

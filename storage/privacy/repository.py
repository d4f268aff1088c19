"""Everything stored about one person, across every table: for /mydata and for erasure."""

from __future__ import annotations

import base64
import contextlib
import json
from collections.abc import Collection
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.outbox.model import Status
from core.privacy.ports import Someone
from storage.base import Base
from storage.desk.rows import DeskLinkRow, DeskSessionRow
from storage.feedback.rows import FollowUpRow, SurveyAnswerRow
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
    "affiliated_id",
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


#: Columns holding whoever acted on someone: another person there stays anonymous in a dump.
ACTOR_COLUMNS = ("actor_id", "viewer_id")
#: Button fields that carry ids (of requests, meetings and people) rather than what was shown.
BUTTON_DATA = ("args", "data")


#: Messages that will never be sent: their rows stay only for the delivery report.
UNDELIVERED = (str(Status.FAILED), str(Status.DROPPED), str(Status.UNREACHABLE))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _shown_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """A queued message as its reader sees it: text and button labels, no ids behind buttons."""
    out = dict(payload)
    if "buttons" in out:
        out["buttons"] = [
            [{k: v for k, v in b.items() if k not in BUTTON_DATA} for b in row]
            for row in out["buttons"]
        ]
    return out


def _readable(payload: dict[str, Any]) -> str:
    """Everything a queued message says, its attachment decoded (an .ics names the partner)."""
    text = json.dumps(payload, ensure_ascii=False)
    encoded = (payload.get("attachment") or {}).get("b64")
    if isinstance(encoded, str):
        with contextlib.suppress(ValueError):  # not base64 after all: its text was searched
            text += base64.b64decode(encoded).decode("utf-8", "replace")
    return text


def _mentions(payload: dict[str, Any], mentions: Collection[str]) -> bool:
    text = _readable(payload)
    return any(m in text or json.dumps(m, ensure_ascii=False)[1:-1] in text for m in mentions)


def _anonymised(partners: list[Any], person: int) -> list[int]:
    """A follow-up answer without the person: their id becomes a placeholder (-1, -2, … within
    the answer) that still counts as one collaboration in the statistics."""
    ids = [int(p) for p in partners]
    placeholder = -(1 + sum(1 for p in ids if p < 0))
    return [placeholder if p == person else p for p in ids]


def _own_row(table: str, row: dict[str, Any], person: int) -> dict[str, Any]:
    """One row for the person's copy: anyone else in it becomes `Someone`; internal keys that
    embed others' ids (outbox dedupe keys) are left out."""
    out: dict[str, Any] = {}
    for column, value in row.items():
        if column in PERSON_COLUMNS and value is not None and value != person:
            out[column] = Someone(int(value), anonymous=column in ACTOR_COLUMNS)
        elif table == "followups" and column == "partners":
            out[column] = [Someone(int(p)) for p in value or []]
        elif table == "outbox" and column == "dedupe_key":
            continue
        elif table == "outbox" and column == "payload":
            out[column] = _shown_payload(value or {})
        else:
            out[column] = _plain(value)
    return out


class SqlPrivacy:
    """Dump and erase one person's rows in every table of the schema."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def dump(self, person: int) -> dict[str, list[dict[str, Any]]]:
        """Every row that names the person, grouped by table (generic over the whole schema);
        anyone else in those rows as `Someone`, never as a bare id."""
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
                out[table.name] = [_own_row(table.name, dict(row), person) for row in rows]
        return out

    async def scrub_undelivered(self, person: int, mentions: Collection[str]) -> int:
        """Empty other people's never-to-be-sent messages that mention the person (their name or
        words); the rows, with status and error, stay for the delivery report."""
        rows = await self.s.execute(
            select(OutboxRowModel.id, OutboxRowModel.payload).where(
                OutboxRowModel.recipient_id != person, OutboxRowModel.status.in_(UNDELIVERED)
            )
        )
        ids = [row_id for row_id, payload in rows.all() if payload and _mentions(payload, mentions)]
        if ids:
            await self.s.execute(
                update(OutboxRowModel)
                .where(OutboxRowModel.id.in_(ids))
                .values(payload={})
                .execution_options(synchronize_session=False)
            )
        return len(ids)

    async def erase(self, person: int) -> None:
        """Delete the person and everything that names them; survey answers and other people's
        follow-up answers stay, anonymised; a used invite is retired, never reopened."""
        for answer in await self.s.scalars(
            select(FollowUpRow).where(FollowUpRow.telegram_id != person)
        ):
            if person in [int(p) for p in answer.partners or []]:
                answer.partners = _anonymised(answer.partners, person)
        await self.s.execute(
            update(SurveyAnswerRow)
            .where(SurveyAnswerRow.telegram_id == person)
            .values(telegram_id=None)
        )
        await self.s.execute(delete(OutboxRowModel).where(OutboxRowModel.recipient_id == person))
        await self.s.execute(delete(RegistrationRow).where(RegistrationRow.telegram_id == person))
        await self.s.execute(
            # Retired, not reopened: the link stays used, by nobody (Invite.retired).
            update(InviteRow).where(InviteRow.used_by == person).values(used_by=None)
        )
        for model, columns in (
            (InterestRow, (InterestRow.actor_id, InterestRow.target_id)),
            (ImpressionRow, (ImpressionRow.viewer_id, ImpressionRow.target_id)),
            (MeetingRequestRow, (MeetingRequestRow.from_id, MeetingRequestRow.to_id)),
            # An organiser who erases themselves leaves no way into the desk behind.
            (DeskLinkRow, (DeskLinkRow.telegram_id,)),
            (DeskSessionRow, (DeskSessionRow.telegram_id,)),
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

"""Repositories mapping rows to core objects; they flush, the unit of work commits."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.outbox.model import OutboxRow, OutgoingMessage, Status
from core.partners.interests import Interest, InterestKind
from core.people.invites import Invite
from core.people.person import NOTICE_VERSION, Consent, Person
from core.people.profile import Profile, Publication
from core.reference.taxonomy import Keyword
from storage.rows import (
    ConsentRow,
    ImpressionRow,
    InterestRow,
    InviteRow,
    OutboxRowModel,
    PersonRow,
    ProfileRow,
    PublicationRow,
)


class SqlPeople:
    """People table."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def get(self, telegram_id: int) -> Person | None:
        row = await self.s.get(PersonRow, telegram_id)
        return None if row is None else self._to_core(row)

    @staticmethod
    def _to_core(row: PersonRow) -> Person:
        return Person(
            telegram_id=row.telegram_id,
            language=row.language,
            consent_version=row.consent_version,
            consented_at=row.consented_at,
            awaiting_field=row.awaiting_field,
            awaiting_mode=row.awaiting_mode,
            unreachable_at=row.unreachable_at,
            timezone=row.timezone,
        )

    async def add(self, person: Person) -> None:
        row = PersonRow(telegram_id=person.telegram_id)
        self._fill(row, person)
        self.s.add(row)
        await self.s.flush()

    async def save(self, person: Person) -> None:
        row = await self.s.get(PersonRow, person.telegram_id)
        if row is None:
            await self.add(person)
            return
        self._fill(row, person)
        await self.s.flush()

    @staticmethod
    def _fill(row: PersonRow, person: Person) -> None:
        row.language = person.language
        row.consent_version = person.consent_version
        row.consented_at = person.consented_at
        row.awaiting_field = person.awaiting_field
        row.awaiting_mode = person.awaiting_mode
        row.unreachable_at = person.unreachable_at
        row.timezone = person.timezone

    async def mark_unreachable(self, telegram_id: int, at: datetime) -> None:
        await self.s.execute(
            update(PersonRow)
            .where(PersonRow.telegram_id == telegram_id, PersonRow.unreachable_at.is_(None))
            .values(unreachable_at=at)
        )

    async def get_many(self, ids: set[int]) -> dict[int, Person]:
        """Several people in one query (the dispatcher's batch)."""
        if not ids:
            return {}
        rows = await self.s.scalars(select(PersonRow).where(PersonRow.telegram_id.in_(ids)))
        return {r.telegram_id: self._to_core(r) for r in rows}

    async def everyone(self) -> list[Person]:
        """All people who consented at some point, by id (for organiser exports)."""
        rows = await self.s.scalars(select(PersonRow).order_by(PersonRow.telegram_id))
        return [self._to_core(r) for r in rows]

    async def unreachable_ids(self) -> list[int]:
        rows = await self.s.scalars(
            select(PersonRow.telegram_id).where(PersonRow.unreachable_at.is_not(None))
        )
        return list(rows)


class SqlConsents:
    """Consent log."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, consent: Consent) -> None:
        self.s.add(
            ConsentRow(
                telegram_id=consent.telegram_id,
                notice_version=consent.notice_version,
                accepted=consent.accepted,
                at=consent.at,
            )
        )
        await self.s.flush()

    async def for_person(self, telegram_id: int) -> Sequence[Consent]:
        rows = await self.s.scalars(
            select(ConsentRow).where(ConsentRow.telegram_id == telegram_id).order_by(ConsentRow.id)
        )
        return [Consent(r.telegram_id, r.notice_version, r.accepted, r.at) for r in rows]


_PROFILE_TEXT = (
    "full_name",
    "organisation",
    "country",
    "sector",
    "career_stage",
    "offers",
    "seeks",
    "he_interests",
    "bio",
)


class SqlProfiles:
    """Profiles table."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    @staticmethod
    def _to_core(row: ProfileRow, publications: list[Publication]) -> Profile:
        profile = Profile(telegram_id=row.telegram_id)
        for name in _PROFILE_TEXT:
            setattr(profile, name, getattr(row, name))
        profile.expertise = [
            Keyword(label=str(k["label"]), term_id=k.get("term_id")) for k in row.expertise or []
        ]
        profile.skipped = [str(x) for x in row.skipped or []]
        profile.visibility = row.visibility or "all"
        profile.hidden_fields = [str(x) for x in row.hidden_fields or []]
        profile.publications = publications
        return profile

    async def _publications(self, telegram_id: int) -> list[Publication]:
        rows = await self.s.scalars(
            select(PublicationRow)
            .where(PublicationRow.telegram_id == telegram_id)
            .order_by(PublicationRow.position)
        )
        return [Publication(r.title, r.abstract) for r in rows]

    async def get(self, telegram_id: int) -> Profile | None:
        row = await self.s.get(ProfileRow, telegram_id)
        if row is None:
            return None
        return self._to_core(row, await self._publications(telegram_id))

    async def save(self, profile: Profile) -> None:
        row = await self.s.get(ProfileRow, profile.telegram_id)
        if row is None:
            row = ProfileRow(telegram_id=profile.telegram_id)
            self.s.add(row)
        for name in _PROFILE_TEXT:
            setattr(row, name, getattr(profile, name))
        row.expertise = [{"label": k.label, "term_id": k.term_id} for k in profile.expertise]
        row.skipped = list(profile.skipped)
        row.visibility = profile.visibility
        row.hidden_fields = list(profile.hidden_fields)
        await self.s.flush()
        if await self._publications(profile.telegram_id) != profile.publications:
            await self.s.execute(
                delete(PublicationRow).where(PublicationRow.telegram_id == profile.telegram_id)
            )
            for position, pub in enumerate(profile.publications):
                self.s.add(
                    PublicationRow(
                        telegram_id=profile.telegram_id,
                        position=position,
                        title=pub.title,
                        abstract=pub.abstract,
                    )
                )
            await self.s.flush()

    async def all_basic(self) -> dict[int, Profile]:
        """Every profile without publications, in one query (audiences, statistics)."""
        rows = await self.s.scalars(select(ProfileRow))
        return {r.telegram_id: self._to_core(r, []) for r in rows}

    async def all_matchable(self) -> list[Profile]:
        """Complete profiles of consented, reachable people (with their publications)."""
        rows = list(
            await self.s.scalars(
                select(ProfileRow)
                .join(PersonRow, PersonRow.telegram_id == ProfileRow.telegram_id)
                .where(
                    PersonRow.unreachable_at.is_(None),
                    PersonRow.consent_version >= NOTICE_VERSION,
                )
                .order_by(ProfileRow.telegram_id)
            )
        )
        pubs: dict[int, list[Publication]] = {}
        for p in await self.s.scalars(
            select(PublicationRow).order_by(PublicationRow.telegram_id, PublicationRow.position)
        ):
            pubs.setdefault(p.telegram_id, []).append(Publication(p.title, p.abstract))
        profiles = [self._to_core(r, pubs.get(r.telegram_id, [])) for r in rows]
        return [p for p in profiles if p.is_complete()]


class SqlInvites:
    """Invites table."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    @staticmethod
    def _to_core(row: InviteRow) -> Invite:
        return Invite(row.code, row.created_at, row.used_by, row.used_at)

    async def get(self, code: str) -> Invite | None:
        row = await self.s.get(InviteRow, code)
        return None if row is None else self._to_core(row)

    async def for_user(self, telegram_id: int) -> Invite | None:
        row = await self.s.scalar(select(InviteRow).where(InviteRow.used_by == telegram_id))
        return None if row is None else self._to_core(row)

    async def add(self, invite: Invite) -> None:
        self.s.add(InviteRow(code=invite.code, created_at=invite.created_at))
        await self.s.flush()

    async def bind(self, code: str, telegram_id: int, at: datetime) -> bool:
        """Atomic first-come binding: the UPDATE only matches an unused code."""
        result = await self.s.execute(
            update(InviteRow)
            .where(InviteRow.code == code, InviteRow.used_by.is_(None))
            .values(used_by=telegram_id, used_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


def _outbox_to_core(row: OutboxRowModel) -> OutboxRow:
    return OutboxRow(
        id=row.id,
        recipient_id=row.recipient_id,
        message=OutgoingMessage.from_json(row.payload),
        due_at=row.due_at,
        dedupe_key=row.dedupe_key,
        status=Status(row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        claimed_until=row.claimed_until,
        sent_at=row.sent_at,
        expires_at=row.expires_at,
        created_at=row.created_at,
    )


class SqlOutbox:
    """The outbox; claiming uses FOR UPDATE SKIP LOCKED where the database has it."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def enqueue(self, row: OutboxRow) -> bool:
        exists = await self.s.scalar(
            select(OutboxRowModel.id).where(OutboxRowModel.dedupe_key == row.dedupe_key)
        )
        if exists is not None:
            return False
        model = OutboxRowModel(
            recipient_id=row.recipient_id,
            payload=row.message.to_json(),
            due_at=row.due_at,
            dedupe_key=row.dedupe_key,
            status=str(row.status),
            attempts=row.attempts,
            expires_at=row.expires_at,
            created_at=row.created_at or row.due_at,
        )
        try:
            async with self.s.begin_nested():
                self.s.add(model)
                await self.s.flush()
        except IntegrityError:
            return False  # a concurrent writer used the same key first
        row.id = model.id
        return True

    async def mark_sent(self, ids: list[int], at: datetime) -> None:
        """Many deliveries in one UPDATE; the content is dropped once delivered."""
        if ids:
            await self.s.execute(
                update(OutboxRowModel)
                .where(OutboxRowModel.id.in_(ids))
                .values(
                    status=Status.SENT, sent_at=at, claimed_until=None, last_error=None, payload={}
                )
                .execution_options(synchronize_session=False)
            )

    async def enqueue_many(self, rows: list[OutboxRow]) -> int:
        """Bulk insert that skips dedupe keys already present (one statement per 500 rows)."""
        bind = self.s.bind
        dialect = bind.dialect.name if bind is not None else "sqlite"
        insert_ = pg_insert if dialect == "postgresql" else sqlite_insert
        added = 0
        for start in range(0, len(rows), 500):
            values = [
                {
                    "recipient_id": r.recipient_id,
                    "payload": r.message.to_json(),
                    "due_at": r.due_at,
                    "dedupe_key": r.dedupe_key,
                    "status": str(r.status),
                    "attempts": r.attempts,
                    "expires_at": r.expires_at,
                    "created_at": r.created_at or r.due_at,
                }
                for r in rows[start : start + 500]
            ]
            stmt = (
                insert_(OutboxRowModel)
                .values(values)
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
            )
            result = await self.s.execute(stmt)
            added += int(getattr(result, "rowcount", 0) or 0)
        return added

    async def claim_due(self, now: datetime, limit: int, lease_until: datetime) -> list[OutboxRow]:
        claimable = or_(
            OutboxRowModel.status == Status.PENDING,
            and_(OutboxRowModel.status == Status.SENDING, OutboxRowModel.claimed_until < now),
        )
        stmt = (
            select(OutboxRowModel)
            .where(claimable, OutboxRowModel.due_at <= now)
            .order_by(OutboxRowModel.due_at, OutboxRowModel.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        rows = list(await self.s.scalars(stmt))
        for r in rows:
            r.status = Status.SENDING
            r.claimed_until = lease_until
            r.attempts += 1
        await self.s.flush()
        return [_outbox_to_core(r) for r in rows]

    async def save(self, row: OutboxRow) -> None:
        values: dict[str, Any] = {
            "status": str(row.status),
            "attempts": row.attempts,
            "last_error": row.last_error,
            "claimed_until": row.claimed_until,
            "sent_at": row.sent_at,
            "due_at": row.due_at,
        }
        if row.status == Status.SENT:
            # Data minimisation: once delivered, the content is not needed any more.
            values["payload"] = {}
        await self.s.execute(
            update(OutboxRowModel)
            .where(OutboxRowModel.id == row.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def cancel_pending_for(self, recipient_id: int, status: str, reason: str) -> int:
        result = await self.s.execute(
            update(OutboxRowModel)
            .where(
                OutboxRowModel.recipient_id == recipient_id,
                OutboxRowModel.status == Status.PENDING,
            )
            .values(status=status, last_error=reason)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    async def drop_pending(self, prefix: str, reason: str) -> int:
        """Drop pending rows whose dedupe key starts with `prefix` (e.g. a cancelled meeting's
        reminders), in the caller's transaction."""
        result = await self.s.execute(
            update(OutboxRowModel)
            .where(
                OutboxRowModel.dedupe_key.startswith(prefix, autoescape=True),
                OutboxRowModel.status == Status.PENDING,
            )
            .values(status=Status.DROPPED, last_error=reason, payload={})
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    async def statuses(self, prefix: str) -> list[tuple[Status, str | None]]:
        """Status and last error of every row under a prefix (a broadcast's report)."""
        rows = await self.s.execute(
            select(OutboxRowModel.status, OutboxRowModel.last_error).where(
                OutboxRowModel.dedupe_key.startswith(prefix, autoescape=True)
            )
        )
        return [(Status(s), e) for s, e in rows.all()]

    async def pending_keys(self, prefix: str) -> list[str]:
        """Dedupe keys of pending rows under a prefix (tests and diagnostics)."""
        rows = await self.s.scalars(
            select(OutboxRowModel.dedupe_key).where(
                OutboxRowModel.dedupe_key.startswith(prefix, autoescape=True),
                OutboxRowModel.status == Status.PENDING,
            )
        )
        return list(rows)

    async def get_by_key(self, dedupe_key: str) -> OutboxRow | None:
        row = await self.s.scalar(
            select(OutboxRowModel).where(OutboxRowModel.dedupe_key == dedupe_key)
        )
        return None if row is None else _outbox_to_core(row)


class SqlInterests:
    """Interests and impressions tables."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def add(self, interest: Interest) -> None:
        """Insert or refresh the time (a double tap or a repeated skip is one row)."""
        key = (interest.actor_id, interest.target_id, str(interest.kind))
        row = await self.s.get(InterestRow, key)
        if row is not None:
            row.at = interest.at
            await self.s.flush()
            return
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
            pass  # the same decision arrived twice at once: one row is enough

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

    async def record_impression(self, viewer_id: int, target_id: int, at: datetime) -> None:
        row = await self.s.get(ImpressionRow, (viewer_id, target_id))
        if row is not None:
            row.last_at = at
            row.times += 1
            await self.s.flush()
            return
        try:
            async with self.s.begin_nested():
                self.s.add(
                    ImpressionRow(
                        viewer_id=viewer_id, target_id=target_id, first_at=at, last_at=at, times=1
                    )
                )
        except IntegrityError:
            pass

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

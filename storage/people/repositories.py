"""Repositories for people, consents, profiles and invites; they flush, the unit of work commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.people.invites import Invite
from core.people.person import NOTICE_VERSION, Consent, Person
from core.people.profile import Profile, Publication
from core.reference.taxonomy import Keyword
from storage.people.rows import ConsentRow, InviteRow, PersonRow, ProfileRow, PublicationRow

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
    "orcid",
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
            username=row.username,
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
        row.username = person.username

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

    async def set_username(self, telegram_id: int, username: str | None) -> None:
        """The person's @username now; whoever held it before (a stale row) lets it go."""
        if username is not None:
            await self.s.execute(
                update(PersonRow)
                .where(PersonRow.username == username, PersonRow.telegram_id != telegram_id)
                .values(username=None)
            )
        await self.s.execute(
            update(PersonRow).where(PersonRow.telegram_id == telegram_id).values(username=username)
        )

    async def by_username(self, username: str) -> int | None:
        """Who uses this @username (lower case), when the bot has seen it."""
        found = await self.s.scalar(
            select(PersonRow.telegram_id).where(PersonRow.username == username).limit(1)
        )
        return int(found) if found is not None else None

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

    async def add_many(self, invites: Sequence[Invite]) -> None:
        """Codes in batches (a registration import mints one per attendee)."""
        if invites:
            await self.s.execute(
                insert(InviteRow), [{"code": i.code, "created_at": i.created_at} for i in invites]
            )

    async def bind(self, code: str, telegram_id: int, at: datetime) -> bool:
        """Atomic first-come binding: the UPDATE only matches an unused code (never a retired
        one, whose used_at stays after its owner erased their data)."""
        result = await self.s.execute(
            update(InviteRow)
            .where(InviteRow.code == code, InviteRow.used_by.is_(None), InviteRow.used_at.is_(None))
            .values(used_by=telegram_id, used_at=at)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))

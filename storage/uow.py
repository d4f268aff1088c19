"""The SQL unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.changes import SqlChanges
from storage.consortia.repository import SqlConsortia
from storage.desk.repository import SqlDesk
from storage.feedback.repositories import SqlFollowUps, SqlSurvey
from storage.meetings.outcomes import SqlOutcomes
from storage.meetings.repository import SqlMeetings
from storage.outbox.repository import SqlOutbox
from storage.outreach.repository import SqlBroadcasts
from storage.partners.repository import SqlInterests
from storage.people.organisers import SqlOrganisers
from storage.people.registrations import SqlRegistrations
from storage.people.repositories import SqlConsents, SqlInvites, SqlPeople, SqlProfiles
from storage.privacy.repository import SqlPrivacy
from storage.programme.repository import SqlAgenda


class SqlUnitOfWork:
    """Implements core.ports.UnitOfWork over SQLAlchemy."""

    people: SqlPeople
    consents: SqlConsents
    profiles: SqlProfiles
    invites: SqlInvites
    outbox: SqlOutbox
    interests: SqlInterests
    meetings: SqlMeetings
    agenda: SqlAgenda
    broadcasts: SqlBroadcasts
    organisers: SqlOrganisers
    registrations: SqlRegistrations
    outcomes: SqlOutcomes
    survey: SqlSurvey
    followups: SqlFollowUps
    privacy: SqlPrivacy
    consortia: SqlConsortia
    changes: SqlChanges
    desk: SqlDesk

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """The open session (only inside `async with`)."""
        if self._session is None:
            raise RuntimeError("unit of work used outside 'async with'")
        return self._session

    async def __aenter__(self) -> Self:
        s = self._sessions()
        self._session = s
        self.people = SqlPeople(s)
        self.consents = SqlConsents(s)
        self.profiles = SqlProfiles(s)
        self.invites = SqlInvites(s)
        self.outbox = SqlOutbox(s)
        self.interests = SqlInterests(s)
        self.meetings = SqlMeetings(s)
        self.agenda = SqlAgenda(s)
        self.broadcasts = SqlBroadcasts(s)
        self.organisers = SqlOrganisers(s)
        self.registrations = SqlRegistrations(s)
        self.outcomes = SqlOutcomes(s)
        self.survey = SqlSurvey(s)
        self.followups = SqlFollowUps(s)
        self.privacy = SqlPrivacy(s)
        self.consortia = SqlConsortia(s)
        self.changes = SqlChanges(s)
        self.desk = SqlDesk(s)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self.session.rollback()
        finally:
            await self.session.close()
            self._session = None

    async def commit(self) -> None:
        """Make everything since the last commit durable."""
        await self.session.commit()

    async def rollback(self) -> None:
        """Discard everything since the last commit."""
        await self.session.rollback()


class SqlUnitOfWorkFactory:
    """Callable that hands a fresh unit of work to each use case."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions)

"""What feedback needs from storage: the survey, follow-ups, outcomes, and the event's record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from core.feedback.survey import Survey
from core.meetings.ports import HasMeetings, HasOutcomes
from core.outbox.ports import HasOutbox
from core.outreach.ports import HasBroadcasts
from core.partners.ports import HasInterests
from core.people.ports import HasPeople, HasProfiles
from core.ports import Transaction
from core.programme.ports import HasAgenda


class SurveyRepository(Protocol):
    """The survey definition, responses and answers."""

    async def definition(self) -> Survey | None: ...

    async def set_definition(self, survey: Survey | None) -> None: ...

    async def status(self, person: int) -> str | None: ...

    async def set_status(self, person: int, status: str, at: datetime) -> None: ...

    async def answers_of(self, person: int) -> dict[str, Any]: ...

    async def save_answer(self, person: int, key: str, value: Any, at: datetime) -> None: ...

    async def all_answers(self) -> list[tuple[int | None, str, Any]]: ...

    async def count_status(self, status: str) -> int: ...


class HasSurvey(Protocol):
    """A unit of work that reaches the survey repository."""

    @property
    def survey(self) -> SurveyRepository: ...


class FollowUpRepository(Protocol):
    """Answers to the follow-up after the event."""

    async def save(
        self, person: int, days: int, partners: list[int], proposal: str | None, at: datetime
    ) -> None: ...

    async def all(self) -> list[tuple[int, int, list[int], str | None]]: ...


class HasFollowUps(Protocol):
    """A unit of work that reaches the followups repository."""

    @property
    def followups(self) -> FollowUpRepository: ...


class UnitOfWork(
    HasSurvey,
    HasBroadcasts,
    HasFollowUps,
    HasOutcomes,
    HasInterests,
    HasMeetings,
    HasAgenda,
    HasPeople,
    HasProfiles,
    HasOutbox,
    Transaction,
    Protocol,
):
    """One transaction over what this feature reads and writes; use cases own it."""


#: Opens a fresh unit of work; use cases take one and own the transaction.
UowFactory = Callable[[], UnitOfWork]

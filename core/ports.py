"""Ports the use cases need from the outside world, as Protocols the storage layer implements."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from core.interests import Interest, InterestKind
from core.invites import Invite
from core.outbox import OutboxRow
from core.people import Consent, Person
from core.profile import Profile


class Clock(Protocol):
    """Where `now` comes from; tests inject a clock they move by hand."""

    def now(self) -> datetime: ...


class PeopleRepository(Protocol):
    """People who accepted the privacy notice."""

    async def get(self, telegram_id: int) -> Person | None: ...

    async def add(self, person: Person) -> None: ...

    async def save(self, person: Person) -> None: ...

    async def mark_unreachable(self, telegram_id: int, at: datetime) -> None: ...

    async def unreachable_ids(self) -> list[int]: ...


class ConsentRepository(Protocol):
    """The append-only log of consent decisions."""

    async def add(self, consent: Consent) -> None: ...

    async def for_person(self, telegram_id: int) -> Sequence[Consent]: ...


class ProfileRepository(Protocol):
    """Attendee profiles, one per person."""

    async def get(self, telegram_id: int) -> Profile | None: ...

    async def save(self, profile: Profile) -> None: ...

    async def all_matchable(self) -> list[Profile]: ...


class InterestRepository(Protocol):
    """Saved / skipped / requested decisions, and which suggestions were shown to whom."""

    async def add(self, interest: Interest) -> None: ...

    async def remove(self, actor_id: int, target_id: int, kind: InterestKind) -> bool: ...

    async def by_actor(self, actor_id: int) -> list[Interest]: ...

    async def between(self, actor_id: int, target_id: int) -> list[Interest]: ...

    async def record_impression(self, viewer_id: int, target_id: int, at: datetime) -> None: ...

    async def exposure_counts(self) -> dict[int, int]: ...


class InviteRepository(Protocol):
    """Invite codes for invite-only events."""

    async def get(self, code: str) -> Invite | None: ...

    async def for_user(self, telegram_id: int) -> Invite | None: ...

    async def add(self, invite: Invite) -> None: ...

    async def bind(self, code: str, telegram_id: int, at: datetime) -> bool: ...


class OutboxRepository(Protocol):
    """The durable outbox table."""

    async def enqueue(self, row: OutboxRow) -> bool: ...

    async def claim_due(
        self, now: datetime, limit: int, lease_until: datetime
    ) -> list[OutboxRow]: ...

    async def save(self, row: OutboxRow) -> None: ...

    async def cancel_pending_for(self, recipient_id: int, status: str, reason: str) -> int: ...

    async def get_by_key(self, dedupe_key: str) -> OutboxRow | None: ...


class UnitOfWork(Protocol):
    """One transaction over all repositories; use cases own it, repositories never commit."""

    @property
    def people(self) -> PeopleRepository: ...

    @property
    def consents(self) -> ConsentRepository: ...

    @property
    def profiles(self) -> ProfileRepository: ...

    @property
    def invites(self) -> InviteRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def interests(self) -> InterestRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...

"""What the people feature needs from storage: people, consents, profiles, invites, organisers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from core.people.invites import Invite
from core.people.person import Consent, Person
from core.people.profile import Profile
from core.people.registrations import Registration
from core.ports import Transaction


class PeopleRepository(Protocol):
    """People who accepted the privacy notice."""

    async def get(self, telegram_id: int) -> Person | None: ...

    async def add(self, person: Person) -> None: ...

    async def save(self, person: Person) -> None: ...

    async def mark_unreachable(self, telegram_id: int, at: datetime) -> None: ...

    async def unreachable_ids(self) -> list[int]: ...

    async def get_many(self, ids: set[int]) -> dict[int, Person]: ...

    async def everyone(self) -> list[Person]: ...

    async def set_username(self, telegram_id: int, username: str | None) -> None: ...

    async def by_username(self, username: str) -> int | None: ...


class HasPeople(Protocol):
    """A unit of work that reaches the people repository."""

    @property
    def people(self) -> PeopleRepository: ...


class ConsentRepository(Protocol):
    """The append-only log of consent decisions."""

    async def add(self, consent: Consent) -> None: ...

    async def for_person(self, telegram_id: int) -> Sequence[Consent]: ...


class HasConsents(Protocol):
    """A unit of work that reaches the consents repository."""

    @property
    def consents(self) -> ConsentRepository: ...


class ProfileRepository(Protocol):
    """Attendee profiles, one per person."""

    async def get(self, telegram_id: int) -> Profile | None: ...

    async def save(self, profile: Profile) -> None: ...

    async def all_matchable(self) -> list[Profile]: ...

    async def all_basic(self) -> dict[int, Profile]: ...


class HasProfiles(Protocol):
    """A unit of work that reaches the profiles repository."""

    @property
    def profiles(self) -> ProfileRepository: ...


class InviteRepository(Protocol):
    """Invite codes for invite-only events."""

    async def get(self, code: str) -> Invite | None: ...

    async def for_user(self, telegram_id: int) -> Invite | None: ...

    async def add(self, invite: Invite) -> None: ...

    async def add_many(self, invites: Sequence[Invite]) -> None: ...

    async def bind(self, code: str, telegram_id: int, at: datetime) -> bool: ...


class HasInvites(Protocol):
    """A unit of work that reaches the invites repository."""

    @property
    def invites(self) -> InviteRepository: ...


class OrganiserRepository(Protocol):
    """Organisers added (and removed) at run time."""

    async def add(self, telegram_id: int, at: datetime) -> bool: ...

    async def remove(self, telegram_id: int, at: datetime) -> bool: ...

    async def all(self) -> set[int]: ...

    async def added(self) -> dict[int, datetime]: ...

    async def revoked(self) -> set[int]: ...

    async def forget_revoked(self, ids: set[int]) -> None: ...


class HasOrganisers(Protocol):
    """A unit of work that reaches the organisers repository."""

    @property
    def organisers(self) -> OrganiserRepository: ...


class RegistrationRepository(Protocol):
    """Imported registrations, by email."""

    async def get(self, email: str) -> Registration | None: ...

    async def by_invite(self, code: str) -> Registration | None: ...

    async def existing(self, emails: Sequence[str]) -> dict[str, Registration]: ...

    async def save(self, item: Registration, now: datetime) -> None: ...

    async def add_many(self, items: Sequence[Registration], now: datetime) -> None: ...

    async def update_many(self, items: Sequence[Registration], now: datetime) -> None: ...

    async def all(self) -> list[Registration]: ...


class HasRegistrations(Protocol):
    """A unit of work that reaches the registrations repository."""

    @property
    def registrations(self) -> RegistrationRepository: ...


class UnitOfWork(
    HasPeople,
    HasConsents,
    HasProfiles,
    HasInvites,
    HasOrganisers,
    HasRegistrations,
    Transaction,
    Protocol,
):
    """One transaction over what this feature reads and writes; use cases own it."""


#: Opens a fresh unit of work; use cases take one and own the transaction.
UowFactory = Callable[[], UnitOfWork]

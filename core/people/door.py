"""The people feature's one door: arriving, consenting, the profile, search, invites, organisers.

Handlers call `People` and nothing else of this feature. The use cases live in smaller classes
the door exposes as attributes (`people.onboarding`, `people.profiles`, `people.registrations`);
the door itself holds the few that fit in a line or two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.people.access import AccessPolicy, require_organiser
from core.people.editing import ProfileEditing
from core.people.invites import Invite, new_code
from core.people.onboarding import Onboarding
from core.people.orcid import OrcidRecords
from core.people.orcid_import import OrcidImport
from core.people.person import Person
from core.people.ports import UowFactory
from core.people.registration_import import RegistrationImport
from core.people.search import search
from core.people.visibility import Viewer, seen_by


@dataclass(frozen=True, slots=True)
class Found:
    """One attendee matching an organiser's name search."""

    telegram_id: int
    name: str
    organisation: str


@dataclass(frozen=True, slots=True)
class Organiser:
    """One organiser and where their rights come from."""

    telegram_id: int
    #: Listed in organisers.telegram_ids (removed only by editing the config).
    in_config: bool
    #: When `forumbot organisers add` stored them, if it did.
    added_at: datetime | None


class People:
    """Everything about the people who use the bot, with who-may-do-what checked here."""

    def __init__(
        self,
        uow: UowFactory,
        policy: AccessPolicy,
        *,
        event_timezone: str = "Europe/Brussels",
        orcid_records: OrcidRecords | None = None,
    ) -> None:
        self.uow = uow
        self.policy = policy
        #: /start, consent, language and time zone.
        self.onboarding = Onboarding(uow, policy, event_timezone)
        #: The profile questions, editing, visibility (only one's own profile).
        self.profiles = ProfileEditing(uow)
        #: The organisers' registration import and the invite list.
        self.registrations = RegistrationImport(uow, policy)
        #: Import from ORCID into one's own profile.
        self.orcid = OrcidImport(uow, orcid_records)

    def is_organiser(self, telegram_id: int) -> bool:
        """Config and stored organisers (the stored ones as of the last reload)."""
        return self.policy.is_organiser(telegram_id)

    async def reader(self, telegram_id: int) -> Person | None:
        """The consented person behind an update, if any (for language and time zone)."""
        async with self.uow() as uow:
            person = await uow.people.get(telegram_id)
            if person is None or not person.has_current_consent():
                return None
            return person

    async def find(self, presser: int, query: str, limit: int = 10) -> list[Found]:
        """Attendees matching a name in any script (organisers only, re-checked here)."""
        require_organiser(self.policy, presser)
        async with self.uow() as uow:
            people = []
            organisations: dict[int, str] = {}
            for person in await uow.people.everyone():
                profile = seen_by(await uow.profiles.get(person.telegram_id), Viewer.ORGANISER)
                if profile and profile.full_name:
                    people.append((person.telegram_id, profile.full_name))
                    organisations[person.telegram_id] = profile.organisation or ""
        return [
            Found(pid, name, organisations[pid])
            for pid, name, _ in search(query[:100], people, limit)
        ]

    async def create_invites(self, count: int, *, now: datetime) -> list[str]:
        """Mint `count` fresh single-use codes (the CLI: trusted, no presser)."""
        if count < 1 or count > 10_000:
            raise ValueError("count must be between 1 and 10000")
        codes = [new_code() for _ in range(count)]
        async with self.uow() as uow:
            for code in codes:
                await uow.invites.add(Invite(code, now))
            await uow.commit()
        return codes

    async def add_organiser(self, telegram_id: int, *, now: datetime) -> bool:
        """Store an organiser (the CLI); False when they were one already."""
        async with self.uow() as uow:
            added = await uow.organisers.add(telegram_id, now)
            await uow.commit()
            return added

    async def remove_organiser(self, telegram_id: int, *, now: datetime) -> bool:
        """Revoke a stored organiser (the CLI); False when they were not one. Organisers in the
        config stay until the config changes."""
        async with self.uow() as uow:
            removed = await uow.organisers.remove(telegram_id, now)
            await uow.commit()
            return removed

    async def organisers(self) -> list[Organiser]:
        """Every organiser: from the config, and stored with the time they were added."""
        async with self.uow() as uow:
            stored = await uow.organisers.added()
        ids = sorted(set(stored) | set(self.policy.organiser_ids))
        return [Organiser(i, i in self.policy.organiser_ids, stored.get(i)) for i in ids]

    async def revoked_organisers(self) -> set[int]:
        """Removed organisers whose chat menu the running bot has still to take back."""
        async with self.uow() as uow:
            return await uow.organisers.revoked()

    async def forget_revoked(self, ids: set[int]) -> None:
        """Their menus are back to the attendees': nothing left to do for them."""
        async with self.uow() as uow:
            await uow.organisers.forget_revoked(ids)
            await uow.commit()

    async def organisers_in_chat(self) -> list[int]:
        """Organisers who opened the bot (a person row exists): Telegram knows only their chats."""
        async with self.uow() as uow:
            found = await uow.people.get_many(self.policy.all_organisers())
        return sorted(found)

    async def load_organisers(self) -> set[int]:
        """Refresh the stored organisers into the policy (start-up and every minute)."""
        async with self.uow() as uow:
            stored = await uow.organisers.all()
        self.policy.stored.clear()
        self.policy.stored.update(stored)
        return stored

"""Who may do what: organisers (from config and stored), and the consent every feature requires."""

from __future__ import annotations

from dataclasses import dataclass, field

from core.people.person import Person
from core.people.ports import HasPeople
from core.reference.errors import NotAllowed, NotConsented


@dataclass(frozen=True, slots=True)
class AccessPolicy:
    """Who may use the bot: everyone, or invited accounts and organisers."""

    mode: str = "open"
    organiser_ids: frozenset[int] = frozenset()
    #: Organisers added at run time (`forumbot organisers add`), reloaded by a job.
    stored: set[int] = field(default_factory=set)

    def is_organiser(self, telegram_id: int) -> bool:
        """Organisers always get in; checked on the server for every organiser action."""
        return telegram_id in self.organiser_ids or telegram_id in self.stored

    def all_organisers(self) -> set[int]:
        """Config and stored organisers together."""
        return set(self.organiser_ids) | self.stored


async def require_person(uow: HasPeople, telegram_id: int) -> Person:
    """The consented person, or NotConsented: nothing is processed without consent."""
    person = await uow.people.get(telegram_id)
    if person is None or not person.has_current_consent():
        raise NotConsented()
    return person


def require_organiser(policy: AccessPolicy, telegram_id: int) -> None:
    """Organiser actions re-check the presser on the server, whatever the button or menu said."""
    if not policy.is_organiser(telegram_id):
        raise NotAllowed(what="organiser")

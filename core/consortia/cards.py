"""A consortium as one viewer sees it: members named, entities, the topic and the verdict."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from core.consortia.model import (
    Consortium,
    Entity,
    EntityType,
    Member,
    MemberStatus,
    Topic,
    Verdict,
)
from core.consortia.ports import UnitOfWork
from core.consortia.programme import normalise_topic_id, pillar_of
from core.consortia.rules import evaluate
from core.people.access import require_person
from core.people.profile import Profile
from core.people.visibility import Viewer, name_seen
from core.reference.errors import DomainError, NotAllowed, NotFound

#: How a profile's sector prefills the type of legal entity (each member can change it).
KIND_OF_SECTOR = {
    "academia": EntityType.UNIVERSITY,
    "industry": EntityType.LARGE_COMPANY,
    "public": EntityType.PUBLIC,
}


class ConsortiumError(DomainError):
    """A consortium action refused for a reason the person can fix (`reason` says which)."""

    code = "consortium"


@dataclass(frozen=True, slots=True)
class Card:
    """What the status card shows; `viewer` is who it was made for."""

    consortium: Consortium
    #: The declared topic (with a title), or what its identifier says.
    topic: Topic
    verdict: Verdict
    viewer: int

    @property
    def id(self) -> int:
        """The consortium's id (stored consortia always have one)."""
        assert self.consortium.id is not None
        return self.consortium.id

    @property
    def coordinating(self) -> bool:
        """The viewer coordinates this consortium."""
        return self.consortium.coordinator_id == self.viewer

    @property
    def mine(self) -> Member | None:
        """The viewer's own place."""
        return self.consortium.member(self.viewer)


def prefilled(profile: Profile | None) -> Entity | None:
    """The legal entity a profile suggests (organisation, country, sector), when it says enough."""
    if profile is None or not profile.organisation or not profile.country:
        return None
    kind = KIND_OF_SECTOR.get(profile.sector or "", EntityType.OTHER)
    return Entity(profile.organisation, profile.country, kind)


def topic_for(consortium: Consortium, declared: Topic | None) -> Topic:
    """The declared topic, else what the identifier itself says (its pillar)."""
    if declared is not None:
        return declared
    key = normalise_topic_id(consortium.topic_id)
    return Topic(key, pillar=pillar_of(key))


def verdict_of(consortium: Consortium, topic: Topic, now: datetime) -> Verdict:
    """The rules applied to the accepted members' entities on this day."""
    active = consortium.active()
    entities = [m.entity for m in active if m.entity is not None]
    pending = sum(1 for m in active if m.entity is None)
    return evaluate(entities, consortium.action, on=now.date(), topic=topic, pending=pending)


async def named(uow: UnitOfWork, consortium: Consortium) -> Consortium:
    """Members with the names their fellow members see (partners to each other)."""
    profiles = {m.telegram_id: await uow.profiles.get(m.telegram_id) for m in consortium.members}
    members = tuple(
        replace(m, name=name_seen(profiles[m.telegram_id], Viewer.PARTNER))
        for m in consortium.members
    )
    return replace(consortium, members=members)


async def load(uow: UnitOfWork, consortium_id: int, *, lock: bool = False) -> Consortium:
    """The consortium, or NotFound."""
    found = await uow.consortia.get(consortium_id, lock=lock)
    if found is None:
        raise NotFound(what="consortium")
    return found


def require_member(consortium: Consortium, person: int, *, invited: bool = False) -> Member:
    """The person is in the consortium (or, with invited=True, at least asked); else refused."""
    member = consortium.member(person)
    allowed = {MemberStatus.MEMBER, MemberStatus.INVITED} if invited else {MemberStatus.MEMBER}
    if member is None or member.status not in allowed:
        raise NotAllowed(what="consortium")
    return member


def require_coordinator(consortium: Consortium, person: int) -> None:
    """Only the coordinator may remove, hand over or close."""
    require_member(consortium, person)
    if consortium.coordinator_id != person:
        raise NotAllowed(what="coordinator")


def parents(consortium: Consortium, person: int) -> list[Member]:
    """The members whose entity the person's own may be affiliated with: the others who gave
    an independent entity."""
    return [
        m
        for m in consortium.active()
        if m.telegram_id != person and m.entity is not None and not m.entity.affiliated
    ]


def entity_names(consortium: Consortium) -> dict[int, str]:
    """The members' entities by member, for naming what an entity is affiliated with."""
    return {m.telegram_id: m.entity.name for m in consortium.active() if m.entity is not None}


async def as_coordinator(uow: UnitOfWork, coordinator: int, consortium_id: int) -> Consortium:
    """The open consortium, locked, for a change only its coordinator may make."""
    await require_person(uow, coordinator)
    consortium = await load(uow, consortium_id, lock=True)
    require_coordinator(consortium, coordinator)
    require_open(consortium)
    return consortium


def require_open(consortium: Consortium) -> None:
    """A closed consortium changes no more."""
    if consortium.closed:
        raise ConsortiumError(reason="closed")


async def card_of(uow: UnitOfWork, consortium: Consortium, viewer: int, now: datetime) -> Card:
    """The card for one viewer, members named and the verdict of today."""
    consortium = await named(uow, consortium)
    topic = topic_for(consortium, await uow.consortia.topic(consortium.topic_id))
    return Card(consortium, topic, verdict_of(consortium, topic, now), viewer)

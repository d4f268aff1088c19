"""A consortium as the rules see it (legal entities, a topic) and as people build it (members,
invitations, a coordinator)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from core.consortia.programme import ActionType, Pillar


class EntityType(StrEnum):
    """The kind of legal entity that would sign the grant agreement."""

    UNIVERSITY = "university"
    RESEARCH = "research"
    LARGE_COMPANY = "large"
    SME = "sme"
    PUBLIC = "public"
    OTHER = "other"


#: A PIC (Participant Identification Code) has nine digits.
PIC_DIGITS = 9
ENTITY_NAME_MAX = 200


@dataclass(frozen=True, slots=True)
class Entity:
    """A legal entity as one member gives it; `affiliated` when it is an affiliated entity of
    another member's entity (it then does not count towards the minimum), `affiliated_with`
    the member whose entity that is (None for entities stored before it was asked)."""

    name: str
    country: str
    kind: EntityType = EntityType.OTHER
    pic: str | None = None
    affiliated: bool = False
    affiliated_with: int | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    """A call topic as the organisers declare it in the event file (`[[topics]]`): `allowed`
    lists the only countries whose entities may take part ("MS" for every Member State, "AC"
    for every Associated Country of the topic's pillar); `excluded` the countries that may not."""

    id: str
    title: str = ""
    action: ActionType | None = None
    pillar: Pillar | None = None
    allowed: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()
    note: str = ""

    @property
    def restricted(self) -> bool:
        """Only some countries' entities may take part."""
        return bool(self.allowed or self.excluded)


@dataclass(frozen=True, slots=True)
class Condition:
    """One finding of the rules: a code the chat renders in the reader's language, and its
    parameters (numbers, country codes, entity names)."""

    code: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Verdict:
    """Eligible or not, what is unmet (each with what would meet it), and notes worth knowing
    (entities that do not count, and why)."""

    eligible: bool
    unmet: tuple[Condition, ...] = ()
    notes: tuple[Condition, ...] = ()
    #: The countries whose entities counted towards the minimum.
    counted: tuple[str, ...] = ()

    def codes(self) -> list[str]:
        """The unmet conditions' codes (for tests and statistics)."""
        return [c.code for c in self.unmet]


class MemberStatus(StrEnum):
    """Where a person stands in a consortium."""

    INVITED = "invited"
    MEMBER = "member"
    DECLINED = "declined"


@dataclass(frozen=True, slots=True)
class Member:
    """One person in (or invited to) a consortium, with the entity they would sign for."""

    telegram_id: int
    status: MemberStatus
    name: str = ""
    entity: Entity | None = None
    invited_by: int | None = None
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Consortium:
    """A proposal team in the making: its idea, its topic, its coordinator and its members."""

    id: int | None
    title: str
    topic_id: str
    action: ActionType
    description: str
    coordinator_id: int
    created_at: datetime
    closed: bool = False
    members: tuple[Member, ...] = ()

    def member(self, telegram_id: int) -> Member | None:
        """The person's place, whatever its status."""
        return next((m for m in self.members if m.telegram_id == telegram_id), None)

    def active(self) -> tuple[Member, ...]:
        """Members who accepted (the coordinator first)."""
        found = [m for m in self.members if m.status is MemberStatus.MEMBER]
        return tuple(sorted(found, key=lambda m: m.telegram_id != self.coordinator_id))

    def invited(self) -> tuple[Member, ...]:
        """People asked who have not answered yet."""
        return tuple(m for m in self.members if m.status is MemberStatus.INVITED)

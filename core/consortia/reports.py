"""For organisers: how many consortia formed, how many are eligible, by topic, and the share
that joins EU and Korean entities; and every consortium as rows for a CSV file."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from core.consortia.cards import entity_names, named, topic_for, verdict_of
from core.consortia.model import Consortium, Entity
from core.consortia.ports import UnitOfWork
from core.consortia.programme import MEMBER_STATES

#: A member's legal entity in a CSV row (see `entity_cells`).
ENTITY_COLUMNS = ["entity", "country", "entity_type", "pic", "affiliated", "affiliated_with"]
#: The organisers' CSV: one row per member of each consortium.
HEADER = [
    "consortium",
    "title",
    "topic",
    "action",
    "closed",
    "eligible",
    "unmet",
    "member",
    "role",
    *ENTITY_COLUMNS,
]


def entity_cells(consortium: Consortium, entity: Entity | None) -> list[str]:
    """A member's entity as ENTITY_COLUMNS, naming the member's entity it is affiliated with."""
    if entity is None:
        return ["", "", "", "", "no", ""]
    parent = (
        entity_names(consortium).get(entity.affiliated_with or 0, "") if entity.affiliated else ""
    )
    return [
        entity.name,
        entity.country,
        entity.kind.value,
        entity.pic or "",
        "yes" if entity.affiliated else "no",
        parent,
    ]


@dataclass(frozen=True, slots=True)
class Figures:
    """The /stats line about consortia."""

    formed: int = 0
    eligible: int = 0
    eu_korea: int = 0
    by_topic: dict[str, int] = field(default_factory=dict)

    @property
    def eu_korea_share(self) -> int:
        """Per cent of formed consortia with entities from both the EU and Korea."""
        return round(100 * self.eu_korea / self.formed) if self.formed else 0


def _formed(consortium: Consortium) -> bool:
    """Open, with at least two accepted members: a team, not an idea."""
    return not consortium.closed and len(consortium.active()) >= 2


async def figures(uow: UnitOfWork, now: datetime) -> Figures:
    """Consortia formed, eligible, by topic, and with both EU and Korean entities."""
    formed = eligible = eu_korea = 0
    topics: Counter[str] = Counter()
    for consortium in await uow.consortia.all():
        if not _formed(consortium):
            continue
        formed += 1
        topics[consortium.topic_id] += 1
        topic = topic_for(consortium, await uow.consortia.topic(consortium.topic_id))
        eligible += verdict_of(consortium, topic, now).eligible
        countries = {m.entity.country for m in consortium.active() if m.entity is not None}
        eu_korea += bool(countries & MEMBER_STATES) and "KR" in countries
    return Figures(formed, eligible, eu_korea, dict(topics.most_common()))


async def rows(uow: UnitOfWork, now: datetime) -> list[list[str]]:
    """Every consortium, one row per accepted member (names as partners see them)."""
    out: list[list[str]] = []
    for stored in await uow.consortia.all():
        consortium = await named(uow, stored)
        topic = topic_for(consortium, await uow.consortia.topic(consortium.topic_id))
        verdict = verdict_of(consortium, topic, now)
        head = [
            str(consortium.id),
            consortium.title,
            consortium.topic_id,
            consortium.action.value,
            "yes" if consortium.closed else "no",
            "yes" if verdict.eligible else "no",
            "; ".join(verdict.codes()),
        ]
        for member in consortium.active():
            role = "coordinator" if member.telegram_id == consortium.coordinator_id else "member"
            out.append([*head, member.name, role, *entity_cells(consortium, member.entity)])
    return out

"""*Fill the gap*: people at the event whose legal entity would meet a condition the consortium
misses, ranked by the matching engine (with its reasons) against what the consortium is about:
its description and topic as what it seeks, its members' expertise as its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.consortia.cards import (
    load,
    prefilled,
    require_member,
    require_open,
    topic_for,
    verdict_of,
)
from core.consortia.model import Entity, MemberStatus
from core.consortia.ports import UnitOfWork
from core.consortia.rules import would_help
from core.matching import MatchProfile, Suggestion
from core.partners.suggestions import Matchmaker, to_match_profile
from core.people.access import require_person
from core.people.profile import Profile
from core.people.visibility import Viewer, seen_by

#: Candidates shown at once.
SHOWN = 5


@dataclass(frozen=True, slots=True)
class Gap:
    """One person who would fill a gap: their card as the viewer may see it, the entity their
    profile suggests, and why the matching engine ranks them."""

    profile: Profile
    entity: Entity
    suggestion: Suggestion
    #: What they add: "eligibility" (a missing condition), else "country" or "sector" (an
    #: eligible consortium made stronger: a country or a type of entity it lacks).
    adds: str = "eligibility"


def _adds(entities: list[Entity], entity: Entity, *, eligible: bool, helps: bool) -> str | None:
    """What the entity would add to the consortium, or None."""
    if not eligible:
        return "eligibility" if helps else None
    if entity.affiliated:
        return None
    if entity.country not in {e.country for e in entities}:
        return "country"
    if entity.kind not in {e.kind for e in entities}:
        return "sector"
    return None


async def fill_gap(
    uow: UnitOfWork, mm: Matchmaker, viewer: int, consortium_id: int, now: datetime
) -> list[Gap]:
    """Candidates whose entity would make the consortium eligible or closer to it (or, once it
    is eligible, stronger: a country or a type of entity it lacks), best first."""
    await require_person(uow, viewer)
    consortium = await load(uow, consortium_id)
    require_member(consortium, viewer)
    require_open(consortium)
    topic = topic_for(consortium, await uow.consortia.topic(consortium.topic_id))
    entities = [m.entity for m in consortium.active() if m.entity is not None]
    taken = {m.telegram_id for m in consortium.members if m.status is not MemberStatus.DECLINED}
    await mm.ensure(uow)
    on = now.date()
    expertise: list[str] = []
    for member in consortium.active():
        profile = mm.profiles.get(member.telegram_id) or await uow.profiles.get(member.telegram_id)
        if profile is not None:
            expertise += to_match_profile(profile).expertise
    team = MatchProfile(
        id=f"consortium-{consortium_id}",
        name=consortium.title,
        expertise=tuple(dict.fromkeys(expertise)),
        seeks=" ".join(x for x in (consortium.description, topic.title, topic.note) if x),
        bio=consortium.title,
        hidden=True,  # never suggested to anyone
    )

    eligible = verdict_of(consortium, topic, now).eligible

    def adds(person: int) -> str | None:
        entity = prefilled(mm.profiles.get(person))
        if person in taken or entity is None:
            return None
        helps = not eligible and would_help(entities, entity, consortium.action, on=on, topic=topic)
        return _adds(entities, entity, eligible=eligible, helps=helps)

    def helps(candidate: MatchProfile) -> bool:
        return adds(int(candidate.id)) is not None

    unreachable = {str(i) for i in await uow.people.unreachable_ids()}
    # In and out of the index with no await between: nobody else ever sees the team's profile.
    mm.index.upsert(team)
    try:
        found = mm.index.suggest(
            team.id, k=SHOWN, exclude={str(i) for i in taken} | unreachable, only=helps
        )
    finally:
        mm.index.remove(team.id)
    out: list[Gap] = []
    for suggestion in found:
        profile = seen_by(mm.profiles.get(int(suggestion.id)), Viewer.STRANGER)
        entity = prefilled(mm.profiles.get(int(suggestion.id)))
        added = adds(int(suggestion.id))
        if profile is not None and entity is not None and added is not None:
            out.append(Gap(profile, entity, suggestion, added))
    return out

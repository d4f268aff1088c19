"""*Fill the gap*: people at the event whose legal entity would meet a condition the consortium
misses, or whose expertise covers what the topic and the idea name and no member covers, ranked
by the matching engine (with its reasons) against what the consortium is about: its description
and topic as what it seeks, its members' expertise as its own."""

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
from core.consortia.model import Entity, MemberStatus, Topic
from core.consortia.ports import UnitOfWork
from core.consortia.rules import may_take_part, would_help
from core.matching import MatchProfile, Suggestion
from core.partners.suggestions import Matchmaker, to_match_profile
from core.people.access import require_person
from core.people.profile import Profile
from core.people.visibility import Viewer, seen_by
from core.reference.taxonomy import term_by_id, terms_in_text

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
    #: eligible consortium made stronger: a country or a type of entity it lacks), else
    #: "expertise" (only what `brings` says).
    adds: str = "eligibility"
    #: Taxonomy terms the topic and the idea name, no member covers, and they do.
    brings: tuple[str, ...] = ()
    #: The consortium is eligible already: they would make it stronger.
    stronger: bool = False


#: Terms that name a whole area of the taxonomy: expertise anywhere in the area covers them
#: (a topic on "quantum sensing" is covered by an atomic-clock physicist).
AREA_TERMS = frozenset(
    {"quantum-computing", "quantum-communication", "quantum-sensing", "quantum-foundations"}
)


def named_terms(description: str, topic: Topic) -> list[str]:
    """The taxonomy terms the topic (its declared title and note) and the idea name."""
    return terms_in_text(" \n ".join(x for x in (topic.title, topic.note, description) if x))


def _known(profiles: list[Profile]) -> tuple[set[str], set[str]]:
    """The terms these people's expertise names, and their areas."""
    ids = {k.term_id for p in profiles for k in p.expertise if k.term_id}
    areas = {term.area for i in ids if (term := term_by_id(i)) is not None}
    return ids, areas


def _covered(term_id: str, known: tuple[set[str], set[str]]) -> bool:
    """The term is named in that expertise, or it names an area the expertise is in."""
    ids, areas = known
    if term_id in ids:
        return True
    term = term_by_id(term_id)
    return term_id in AREA_TERMS and term is not None and term.area in areas


def missing_expertise(named: list[str], members: list[Profile]) -> list[str]:
    """What the topic and the idea name that no member's expertise covers."""
    known = _known(members)
    return [t for t in named if not _covered(t, known)]


def brought(missing: list[str], profile: Profile) -> tuple[str, ...]:
    """Of what the team lacks, what this person's expertise covers."""
    known = _known([profile])
    return tuple(t for t in missing if _covered(t, known))


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
    is eligible, stronger: a country or a type of entity it lacks), best first; then those
    whose expertise covers what the topic and the idea name and no member covers."""
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
    members: list[Profile] = []
    for member in consortium.active():
        profile = mm.profiles.get(member.telegram_id) or await uow.profiles.get(member.telegram_id)
        if profile is not None:
            members.append(profile)
            expertise += to_match_profile(profile).expertise
    missing = missing_expertise(named_terms(consortium.description, topic), members)
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
        profile = seen_by(mm.profiles.get(person), Viewer.STRANGER)
        if person in taken or entity is None or profile is None:
            return None
        helps = not eligible and would_help(entities, entity, consortium.action, on=on, topic=topic)
        found = _adds(entities, entity, eligible=eligible, helps=helps)
        if (
            found is None
            and brought(missing, profile)
            and may_take_part(entity, consortium.action, topic, on)
        ):
            return "expertise"
        return found

    def helps(candidate: MatchProfile) -> bool:
        return adds(int(candidate.id)) is not None

    unreachable = {str(i) for i in await uow.people.unreachable_ids()}
    # In and out of the index with no await between: nobody else ever sees the team's profile.
    mm.index.upsert(team)
    try:
        found = mm.index.suggest(
            team.id, k=2 * SHOWN, exclude={str(i) for i in taken} | unreachable, only=helps
        )
    finally:
        mm.index.remove(team.id)
    out: list[Gap] = []
    for suggestion in found:
        full = mm.profiles.get(int(suggestion.id))
        profile = seen_by(full, Viewer.STRANGER)
        entity = prefilled(full)
        added = adds(int(suggestion.id))
        if profile is not None and entity is not None and added is not None:
            brings = brought(missing, profile)
            out.append(Gap(profile, entity, suggestion, added, brings, eligible))
    # What meets a missing condition first; then, by fit, what makes the team stronger.
    out.sort(key=lambda g: g.adds == "expertise")
    return out[:SHOWN]

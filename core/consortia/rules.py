"""The minimum conditions of Horizon Europe, per type of action, as a table; `evaluate` turns a
consortium's legal entities into a verdict (data, rendered by the chat in the reader's language).

What counts towards a minimum: independent legal entities (not affiliated entities, not
associated partners), established in a Member State or in a country associated for the topic's
pillar on the day asked, and allowed by the topic's own restrictions; several entities from one
country count once. Guidance, not legal advice: the call text prevails.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from core.consortia.model import Condition, Entity, EntityType, Topic, Verdict
from core.consortia.programme import (
    ASSOCIATIONS,
    ActionType,
    Pillar,
    Status,
    default_pillar,
    status,
)


@dataclass(frozen=True, slots=True)
class Minimum:
    """One type of action's minimum conditions; `source` names the legal text."""

    #: Independent legal entities counted.
    entities: int
    #: Different Member States or Associated Countries among them.
    eligible_countries: int
    #: Different Member States among them.
    member_states: int
    #: Different countries overall, third countries included (MSCA Staff Exchanges).
    countries: int = 0
    #: Entities from third countries count towards `entities` (not towards the others).
    third_countries_count: bool = False
    source: str = ""


#: Regulation (EU) 2021/695 Art. 22(2); General Annex B of the Horizon Europe work programme.
COLLABORATIVE = Minimum(
    3,
    3,
    1,
    source="Regulation (EU) 2021/695 Art. 22(2); Work Programme General Annex B",
)

#: The minimum conditions per type of action.
RULES: dict[ActionType, Minimum] = {
    # Research and Innovation / Innovation Actions: at least three independent legal entities,
    # each in a different Member State or Associated Country, at least one in a Member State.
    ActionType.RIA: COLLABORATIVE,
    ActionType.IA: COLLABORATIVE,
    # Coordination and Support Actions: at least one legal entity in a Member State or
    # Associated Country (Regulation 2021/695 Art. 22(3); General Annex B).
    ActionType.CSA: Minimum(
        1, 1, 0, source="Regulation (EU) 2021/695 Art. 22(3); Work Programme General Annex B"
    ),
    # ERC frontier research: one host institution in a Member State or Associated Country
    # (Regulation 2021/695 Art. 22(3); ERC Work Programme, eligibility of the host institution).
    ActionType.ERC: Minimum(
        1, 1, 0, source="Regulation (EU) 2021/695 Art. 22(3); ERC Work Programme"
    ),
    # EIC Pathfinder Open: at least three independent legal entities in three different
    # Member States or Associated Countries, one in a Member State (EIC Work Programme).
    ActionType.EIC_PATHFINDER: Minimum(
        3, 3, 1, source="Regulation (EU) 2021/695 Art. 22(2); EIC Work Programme, Pathfinder Open"
    ),
    # MSCA Doctoral Networks: at least three independent legal entities, each in a different
    # Member State or Associated Country, at least one in a Member State (MSCA Work Programme).
    ActionType.MSCA_DN: Minimum(
        3, 3, 1, source="MSCA Work Programme, Doctoral Networks: eligibility conditions"
    ),
    # MSCA Staff Exchanges: at least three independent legal entities in three different
    # countries, at least two of them in different Member States or Associated Countries, at
    # least one in a Member State (MSCA Work Programme).
    ActionType.MSCA_SE: Minimum(
        3,
        2,
        1,
        countries=3,
        third_countries_count=True,
        source="MSCA Work Programme, Staff Exchanges: eligibility conditions",
    ),
}


def _since(country: str) -> date | None:
    """The day a (partially) associated country's association starts."""
    dates = [a.since for a in ASSOCIATIONS if a.country == country]
    return min(dates) if dates else None


def _allowed(topic: Topic, country: str, pillar: Pillar, on: date) -> bool:
    """The topic lets entities of this country take part (Regulation 2021/695 Art. 22(5):
    a work programme may restrict participation, e.g. for strategic autonomy)."""
    if country in topic.excluded:
        return False
    if not topic.allowed:
        return True
    if country in topic.allowed:
        return True
    kind = status(country, pillar, on)
    return ("MS" in topic.allowed and kind is Status.MEMBER_STATE) or (
        "AC" in topic.allowed and kind is Status.ASSOCIATED
    )


def _third_country_note(entity: Entity, pillar: Pillar, on: date) -> Condition:
    """Why an entity from a third country does not count: not associated (yet, or for this
    pillar) on this day (Regulation 2021/695 Art. 16 and 22)."""
    since = _since(entity.country)
    params: dict[str, object] = {"entity": entity.name, "country": entity.country}
    if since is None:
        return Condition("third_country", params)
    if on < since:
        return Condition("associated_later", {**params, "since": since.isoformat()})
    pillars = sorted(str(p) for a in ASSOCIATIONS if a.country == entity.country for p in a.pillars)
    return Condition("other_pillar", {**params, "pillar": str(pillar), "pillars": tuple(pillars)})


def _short(have: int, need: int) -> int:
    return max(0, need - have)


def evaluate(
    entities: Sequence[Entity],
    action: ActionType,
    *,
    on: date,
    topic: Topic | None = None,
    pending: int = 0,
) -> Verdict:
    """The verdict for these entities on this day: the minimum of the type of action, the
    topic's restrictions, and notes on what did not count. `pending` members have not given
    their legal entity yet (said, not counted)."""
    topic = topic or Topic("")
    pillar = topic.pillar or default_pillar(action)
    rule = RULES[action]
    notes: list[Condition] = []
    counted: list[Entity] = []
    countries_all: list[str] = []
    for given in entities:
        country = given.country.strip().upper()
        entity = Entity(given.name, country, given.kind, given.pic, given.affiliated)
        if entity.affiliated:
            # `with`: the member whose entity it is affiliated with (the chat names that entity).
            params: dict[str, object] = {"entity": entity.name, "with": given.affiliated_with}
            notes.append(Condition("affiliated", params))
            continue
        if not _allowed(topic, country, pillar, on):
            notes.append(
                Condition(
                    "not_allowed", {"entity": entity.name, "country": country, "topic": topic.id}
                )
            )
            continue
        countries_all.append(country)
        if status(country, pillar, on) is Status.THIRD:
            notes.append(_third_country_note(entity, pillar, on))
            continue
        counted.append(entity)
        if country == "KR" and entity.kind is EntityType.UNIVERSITY:
            notes.append(Condition("kr_signing", {"entity": entity.name}))
    by_country = Counter(e.country for e in counted)
    for country, count in sorted(by_country.items()):
        if count > 1:
            notes.append(Condition("same_country", {"country": country, "count": count}))
    eligible_countries = sorted(by_country)
    member_states = sorted(c for c in by_country if status(c, pillar, on) is Status.MEMBER_STATE)
    unmet: list[Condition] = []
    missing = _short(len(eligible_countries), rule.eligible_countries)
    if missing:
        unmet.append(
            Condition(
                "countries",
                {
                    "needed": missing,
                    "minimum": rule.eligible_countries,
                    "other_than": tuple(eligible_countries),
                    "restricted": topic.restricted,
                },
            )
        )
    elif (have := len(countries_all if rule.third_countries_count else counted)) < rule.entities:
        unmet.append(
            Condition("entities", {"needed": rule.entities - have, "minimum": rule.entities})
        )
    missing_ms = _short(len(member_states), rule.member_states)
    if missing_ms:
        unmet.append(
            Condition("member_state", {"needed": missing_ms, "other_than": tuple(member_states)})
        )
    distinct = sorted(set(countries_all))
    missing_all = _short(len(distinct), rule.countries)
    if missing_all:
        unmet.append(
            Condition(
                "all_countries",
                {"needed": missing_all, "minimum": rule.countries, "other_than": tuple(distinct)},
            )
        )
    if pending:
        notes.append(Condition("pending", {"count": pending}))
    return Verdict(not unmet, tuple(unmet), tuple(notes), tuple(eligible_countries))


def may_take_part(entity: Entity, action: ActionType, topic: Topic, on: date) -> bool:
    """The topic lets the entity's country take part (Regulation 2021/695 Art. 22(5)), whatever
    it counts for."""
    pillar = topic.pillar or default_pillar(action)
    return _allowed(topic, entity.country.strip().upper(), pillar, on)


def would_help(
    entities: Sequence[Entity],
    candidate: Entity,
    action: ActionType,
    *,
    on: date,
    topic: Topic | None = None,
) -> bool:
    """The candidate's entity meets a condition the consortium now misses (fewer unmet, or
    eligible): what *Fill the gap* looks for."""
    before = evaluate(entities, action, on=on, topic=topic)
    after = evaluate([*entities, candidate], action, on=on, topic=topic)
    if before.eligible:
        return False
    if after.eligible:
        return True
    return _shortfall(after) < _shortfall(before)


def _shortfall(verdict: Verdict) -> int:
    """How many entities are missing in all, counted over the unmet conditions."""
    total = 0
    for condition in verdict.unmet:
        needed = condition.params.get("needed", 0)
        total += needed if isinstance(needed, int) else 0
    return total

"""The consortium card, the verdict's reasons and the topic as the reader's language says them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from core.consortia.cards import Card, entity_names
from core.consortia.gap import Gap
from core.consortia.model import Condition, Entity, MemberStatus, Topic
from handlers.common import clip
from handlers.i18n import Safe, Translator
from handlers.partners.cards import render_reason, topic_label
from handlers.people.card import country_name


def joined(t: Translator, names: Sequence[str]) -> str:
    """Names joined as the language joins a list ("A, B and C" / "A, B, C")."""
    if len(names) <= 1:
        return "".join(names)
    return t("consortium.list_and", first=", ".join(names[:-1]), last=names[-1])


def countries(t: Translator, codes: Sequence[object]) -> str:
    """Country names joined as the language joins a list ("DE and NL" / "독일, 네덜란드")."""
    return joined(t, sorted(country_name(t, str(c)) for c in codes))


def condition(t: Translator, c: Condition, parents: Mapping[int, str] | None = None) -> Safe:
    """One unmet condition or note, in words, with its parameters (`parents`: the members'
    entities, which an affiliated entity is named with)."""
    p = dict(c.params)
    others = p.get("other_than") or ()
    assert isinstance(others, tuple)
    names = countries(t, others)
    needed = int(str(p.get("needed", 0)))
    if c.code == "countries":
        if p.get("restricted"):
            return t.plural("consortium.unmet.countries_restricted", needed, countries=names)
        if not others:
            return t.plural("consortium.unmet.countries_first", needed)
        return t.plural("consortium.unmet.countries", needed, countries=names)
    if c.code == "entities":
        return t.plural("consortium.unmet.entities", needed)
    if c.code == "member_state":
        if not others:
            return t.plural("consortium.unmet.member_state_first", needed)
        return t.plural("consortium.unmet.member_state", needed, countries=names)
    if c.code == "all_countries":
        return t.plural("consortium.unmet.all_countries", needed, countries=names)
    entity = str(p.get("entity", ""))
    country = country_name(t, str(p.get("country", "")))
    if c.code == "affiliated":
        parent = (parents or {}).get(int(str(p["with"]))) if p.get("with") else None
        if parent:
            return t("consortium.note.affiliated_with", entity=entity, parent=parent)
        return t("consortium.note.affiliated", entity=entity)
    if c.code == "not_allowed":
        return t("consortium.note.not_allowed", entity=entity, country=country)
    if c.code == "third_country":
        return t("consortium.note.third_country", entity=entity, country=country)
    if c.code == "associated_later":
        return t(
            "consortium.note.associated_later", entity=entity, country=country, since=p["since"]
        )
    if c.code == "other_pillar":
        pillars = p.get("pillars") or ()
        assert isinstance(pillars, tuple)
        return t(
            "consortium.note.other_pillar",
            entity=entity,
            country=country,
            pillars=", ".join(str(x) for x in pillars),
            pillar=str(p.get("pillar", "")),
        )
    if c.code == "kr_signing":
        return t("consortium.note.kr_signing", entity=entity)
    if c.code == "same_country":
        return t(
            "consortium.note.same_country",
            country=country_name(t, str(p["country"])),
            count=p["count"],
        )
    if c.code == "pending":
        return t.plural("consortium.note.pending", int(str(p["count"])))
    return Safe(c.code)


def entity_line(
    t: Translator, entity: Entity | None, parents: Mapping[int, str] | None = None
) -> Safe:
    """A member's legal entity, or that it is still missing; an affiliated entity says with
    which member's entity (`parents`)."""
    if entity is None:
        return t("consortium.entity.missing")
    extras = [country_name(t, entity.country), t(f"consortium.kind.{entity.kind.value}")]
    if entity.pic:
        extras.append(f"PIC {entity.pic}")
    line = t("consortium.entity.line", name=entity.name, extras=", ".join(extras))
    parent = (parents or {}).get(entity.affiliated_with or 0)
    if parent:
        line = Safe(f"{line} {t('consortium.entity.affiliated_with', parent=parent)}")
    elif entity.affiliated:
        line = Safe(f"{line} {t('consortium.entity.affiliated_mark')}")
    return line


def topic_lines(t: Translator, topic: Topic, action: str | None = None) -> list[str]:
    """What the organisers declared about a topic: title, type of action, restrictions, note."""
    lines: list[str] = [t("consortium.topic.id", id=topic.id)]
    if topic.title:
        lines.append(t("consortium.topic.title", title=topic.title))
    shown_action = action or (topic.action.value if topic.action else None)
    if shown_action:
        lines.append(t("consortium.topic.action", action=t(f"consortium.action.{shown_action}")))
    if topic.allowed:
        groups = [t(f"consortium.group.{g}") for g in sorted(topic.allowed) if g in ("MS", "AC")]
        codes = [c for c in sorted(topic.allowed) if c not in ("MS", "AC")]
        listed = ", ".join([*groups, *(country_name(t, c) for c in codes)])
        lines.append(t("consortium.topic.allowed", countries=listed))
    if topic.excluded:
        lines.append(t("consortium.topic.excluded", countries=countries(t, sorted(topic.excluded))))
    if topic.note:
        lines.append(t("consortium.topic.note", note=clip(topic.note, 500)))
    return lines


def verdict_lines(t: Translator, card: Card) -> list[str]:
    """Eligible ✓, or exactly what is missing; then what did not count and why."""
    verdict, parents = card.verdict, entity_names(card.consortium)
    lines: list[str] = [
        t("consortium.verdict.eligible" if verdict.eligible else "consortium.verdict.missing")
    ]
    lines += [Safe(f"• {condition(t, c)}") for c in verdict.unmet]
    if verdict.notes:
        lines.append(t("consortium.verdict.notes"))
        lines += [Safe(f"• {condition(t, c, parents)}") for c in verdict.notes]
    return lines


def render_card(t: Translator, card: Card) -> Safe:
    """The live status card: idea, topic, members with entities, countries and the verdict."""
    c = card.consortium
    lines: list[str] = [t("consortium.card.title", title=c.title)]
    if c.closed:
        lines.append(t("consortium.card.closed"))
    lines += topic_lines(t, card.topic, c.action.value)
    if card.topic.action is not None and card.topic.action is not c.action:
        declared = t(f"consortium.action.{card.topic.action.value}")
        lines.append(t("consortium.topic.other_action", action=declared))
    lines.append(t("consortium.card.description", text=clip(c.description, 600)))
    lines.append("")
    lines.append(t("consortium.card.members"))
    for member in c.active():
        role = "👑 " if member.telegram_id == c.coordinator_id else ""
        lines.append(
            t(
                "consortium.card.member",
                role=role,
                name=member.name,
                entity=entity_line(t, member.entity, entity_names(c)),
            )
        )
    invited = [m.name for m in c.members if m.status is MemberStatus.INVITED]
    if invited:
        lines.append(t("consortium.card.invited", names=", ".join(invited)))
    if card.verdict.counted:
        lines.append(t("consortium.card.countries", countries=countries(t, card.verdict.counted)))
    lines.append("")
    lines += verdict_lines(t, card)
    lines.append("")
    lines.append(t("consortium.card.guidance"))
    return Safe("\n".join(lines))


def term_names(t: Translator, term_ids: Sequence[str]) -> str:
    """Taxonomy terms in the reader's language, joined as the language joins a list."""
    return joined(t, [topic_label(t, term_id) for term_id in term_ids])


def render_gap(t: Translator, gaps: Sequence[Gap]) -> Safe:
    """The people who would fill the gap, each with their entity and the engine's reasons."""
    stronger = bool(gaps) and gaps[0].stronger
    lines: list[str] = [t("consortium.gap.stronger" if stronger else "consortium.gap.title")]
    for gap in gaps:
        name = gap.profile.full_name or "?"
        lines.append("")
        lines.append(t("consortium.gap.person", name=name, entity=entity_line(t, gap.entity)))
        if gap.adds == "country":
            lines.append(
                t("consortium.gap.adds_country", country=country_name(t, gap.entity.country))
            )
        elif gap.adds == "sector":
            lines.append(
                t("consortium.gap.adds_sector", kind=t(f"consortium.kind.{gap.entity.kind.value}"))
            )
        if gap.brings:
            lines.append(t("consortium.gap.adds_expertise", terms=term_names(t, gap.brings)))
        reasons = [r for r in (render_reason(t, x, name) for x in gap.suggestion.reasons) if r]
        lines += [Safe(f"  • {r}") for r in reasons[:3]]
    return Safe("\n".join(lines))

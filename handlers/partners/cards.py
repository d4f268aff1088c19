"""/partners and /saved: suggestion cards with their reasons, Save / Skip / Next / Request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from core.matching import Reason
from core.partners.interests import InterestKind
from core.partners.suggestions import Card, Filters, ProfileIncomplete
from core.people.profile import Profile
from core.reference.errors import NotFound
from core.reference.taxonomy import term_by_id
from handlers.common import Button, clip
from handlers.i18n import Safe, Translator
from handlers.meetings.requests import start_request
from handlers.people.profile import country_name, keyword_labels
from handlers.routes import (
    PARTNER_AREA,
    PARTNER_DELEGATION,
    PARTNER_FILTERS,
    PARTNER_NEXT,
    PARTNER_REQUEST,
    PARTNER_SAVE,
    PARTNER_SKIP,
    PARTNER_UNSAVE,
    PARTNER_VIEW,
    PROFILE_CONTINUE,
)
from handlers.turns import ErrorKeys, Handler, Turn, TurnHandler, button, command

#: A suggested person who is gone (hidden, erased, or never visible to this viewer).
ERRORS: ErrorKeys = {NotFound: "partners.gone"}
SEEN_KEY = "partners_seen"
FILTERS_KEY = "partners_filters"
AREAS = ("computing", "communication", "sensing")
DELEGATIONS = ("EU", "KR")
MAX_SAVED_SHOWN = 30


def topic_label(t: Translator, topic: str) -> str:
    """A taxonomy term in the reader's language, or a free keyword as it is."""
    term = term_by_id(topic)
    if term is None:
        return topic
    return term.label_ko if t.language == "ko" else term.label_en


def render_reason(t: Translator, reason: Reason, name: str) -> Safe | None:
    """One reason as a sentence built from the two people's own words."""
    topics = ", ".join(topic_label(t, x) for x in reason.topics[:3])
    if reason.kind == "seek_offer" and reason.mine and reason.theirs:
        return t(
            "partners.reason.seek_offer",
            mine=clip(reason.mine, 120),
            theirs=clip(reason.theirs, 120),
            name=name,
        )
    if reason.kind == "offer_seek" and reason.mine and reason.theirs:
        return t(
            "partners.reason.offer_seek",
            mine=clip(reason.mine, 120),
            theirs=clip(reason.theirs, 120),
            name=name,
        )
    if reason.kind == "shared_topics" and topics:
        return t("partners.reason.shared_topics", topics=topics)
    if reason.kind == "cross_delegation":
        return t("partners.reason.cross_delegation")
    return None


def visible(profile: Profile, name: str) -> bool:
    """A field with something to show (core already emptied what the person hid from us)."""
    return bool(getattr(profile, name))


def where_from(t: Translator, p: Profile) -> str:
    """Organisation and country, whichever the viewer may see."""
    return ", ".join(
        x for x in (p.organisation, country_name(t, p.country) if p.country else "") if x
    )


def render_card(t: Translator, card: Card) -> Safe:
    """The suggestion card: who, where from, topics, and why — as core let the viewer see it."""
    p = card.profile
    name = p.full_name or "?"
    lines: list[str] = [t("partners.card.title", name=name)]
    where = where_from(t, p)
    if where:
        lines.append(t("partners.card.where", where=where))
    if visible(p, "expertise"):
        lines.append(t("partners.card.topics", topics=clip(keyword_labels(t, p.expertise), 400)))
    if visible(p, "offers"):
        lines.append(t("partners.card.offers", text=clip(p.offers or "", 400)))
    if visible(p, "seeks"):
        lines.append(t("partners.card.seeks", text=clip(p.seeks or "", 400)))
    reasons = [r for r in (render_reason(t, x, name) for x in card.suggestion.reasons) if r]
    if reasons:
        lines.append("")
        lines.append(t("partners.card.why"))
        lines.extend(Safe(f"• {r}") for r in reasons[:4])
    if card.remaining:
        lines.append("")
        lines.append(t.plural("partners.card.more", card.remaining))
    return Safe("\n".join(lines))


def card_buttons(t: Translator, target: int, viewer: int) -> list[list[Button]]:
    """Act on a suggestion in one tap."""
    return [
        [
            (t("partners.button.request"), PARTNER_REQUEST.pack(target, viewer)),
            (t("partners.button.save"), PARTNER_SAVE.pack(target, viewer)),
        ],
        [
            (t("partners.button.skip"), PARTNER_SKIP.pack(target, viewer)),
            (t("partners.button.next"), PARTNER_NEXT.pack(target, viewer)),
        ],
        [(t("partners.button.filter"), PARTNER_FILTERS.pack(viewer))],
    ]


def _filters(turn: Turn) -> Filters:
    data: dict[str, Any] = turn.ctx.user_data if turn.ctx.user_data is not None else {}
    raw = data.get(FILTERS_KEY) or {}
    return Filters(delegation=raw.get("delegation"), area=raw.get("area"))


def _seen(turn: Turn) -> set[int]:
    data: dict[str, Any] = turn.ctx.user_data if turn.ctx.user_data is not None else {}
    seen = data.setdefault(SEEN_KEY, set())
    assert isinstance(seen, set)
    return seen


async def _profile_first(turn: Turn) -> None:
    """Suggestions are matched on my own profile: finish it first."""
    rows = [[(turn.t("profile.continue"), PROFILE_CONTINUE.pack(turn.user_id))]]
    await turn.reply(turn.t("partners.profile_first"), rows)


async def show_next(turn: Turn, *, edit: bool, intro: str = "") -> None:
    """Find and show the best unseen suggestion, or say that there is nobody left."""
    t = turn.t
    try:
        card = await turn.services.partners.next_card(
            turn.user_id, now=turn.now(), seen=_seen(turn), filters=_filters(turn)
        )
    except ProfileIncomplete:
        await _profile_first(turn)
        return
    prefix = f"{intro}\n\n" if intro else ""
    if card is None:
        rows = [[(t("partners.button.filter"), PARTNER_FILTERS.pack(turn.user_id))]]
        await turn.reply(Safe(prefix + t("partners.none_left")), rows, edit=edit)
        return
    _seen(turn).add(card.profile.telegram_id)
    await turn.reply(
        Safe(prefix + render_card(t, card)),
        card_buttons(t, card.profile.telegram_id, turn.user_id),
        edit=edit,
    )


async def partners_command(turn: Turn) -> None:
    """/partners: a fresh round of suggestions with the current filters."""
    _seen(turn).clear()
    await show_next(turn, edit=False)


async def saved_command(turn: Turn) -> None:
    """/saved: the people I saved, each one tap from their card."""
    t = turn.t
    people = await turn.services.partners.saved(turn.user_id)
    if not people:
        await turn.reply(t("partners.saved_empty"))
        return
    shown = people[:MAX_SAVED_SHOWN]
    lines = [t.plural("partners.saved_title", len(people))]
    for p in shown:
        lines.append(t("partners.saved_line", name=p.full_name or "?", where=where_from(t, p)))
    rows = [
        [(f"👤 {clip(p.full_name or '?', 40)}", PARTNER_VIEW.pack(p.telegram_id, turn.user_id))]
        for p in shown
    ]
    await turn.reply(Safe("\n".join(lines)), rows)


async def _filter_menu(turn: Turn) -> None:
    t, viewer, current = turn.t, turn.user_id, _filters(turn)

    def mark(label: str, on: bool) -> str:
        return f"✓ {label}" if on else label

    rows: list[list[Button]] = [
        [
            (
                mark(t("partners.filter.all_countries"), current.delegation is None),
                PARTNER_DELEGATION.pack("all", viewer),
            ),
            (
                mark(t("partners.filter.eu"), current.delegation == "EU"),
                PARTNER_DELEGATION.pack("EU", viewer),
            ),
            (
                mark(t("partners.filter.kr"), current.delegation == "KR"),
                PARTNER_DELEGATION.pack("KR", viewer),
            ),
        ],
        [
            (
                mark(t("partners.filter.all_topics"), current.area is None),
                PARTNER_AREA.pack("all", viewer),
            )
        ],
        [
            (
                mark(t(f"partners.filter.{area}"), current.area == area),
                PARTNER_AREA.pack(area, viewer),
            )
            for area in AREAS
        ],
    ]
    await turn.reply(t("partners.filter.title"), rows, edit=True)


def _for_viewer(fn: TurnHandler) -> TurnHandler:
    """A card's buttons act only for the viewer it was made for (the last argument); an
    incomplete own profile is sent to finish it; anything queued is sent soon."""

    async def run(turn: Turn) -> None:
        turn.services.partners.own_card(turn.int_arg(len(turn.args) - 1), turn.user_id)
        try:
            await fn(turn)
        except ProfileIncomplete:
            await _profile_first(turn)
        finally:
            turn.services.wake_outbox()

    run.__name__ = getattr(fn, "__name__", "card_button")
    run.__doc__ = fn.__doc__
    return run


async def filter_menu(turn: Turn) -> None:
    """pt:f:<viewer>: the country and topic filters."""
    await _filter_menu(turn)


def _set_filter(name: str, allowed: tuple[str, ...]) -> Callable[[Turn], Awaitable[None]]:
    async def set_filter(turn: Turn) -> None:
        """pt:fd / pt:fa: narrow (or widen) the suggestions and start a fresh round."""
        value = turn.str_arg(0)
        if value != "all" and value not in allowed:
            await turn.reply(turn.t("buttons.expired"))
            return
        if turn.ctx.user_data is not None:
            current = dict(turn.ctx.user_data.get(FILTERS_KEY) or {})
            current[name] = None if value == "all" else value
            turn.ctx.user_data[FILTERS_KEY] = current
        _seen(turn).clear()
        await show_next(turn, edit=True)

    return set_filter


async def next_card(turn: Turn) -> None:
    """pt:n: the next suggestion."""
    await show_next(turn, edit=True)


async def view(turn: Turn) -> None:
    """pt:v: a saved (or mutual) person's card."""
    target, viewer = turn.int_arg(0), turn.user_id
    card = await turn.services.partners.view(viewer, target)
    rows = [
        [(turn.t("partners.button.request"), PARTNER_REQUEST.pack(target, viewer))],
        [(turn.t("partners.button.unsave"), PARTNER_UNSAVE.pack(target, viewer))],
    ]
    await turn.reply(render_card(turn.t, card), rows)


async def unsave(turn: Turn) -> None:
    """pt:u: take someone off my saved list."""
    await turn.services.partners.unsave(turn.user_id, turn.int_arg(0))
    await turn.reply(turn.t("partners.unsaved"), edit=True)  # the card made way for the note


def _decide(kind: InterestKind) -> TurnHandler:
    async def decide(turn: Turn) -> None:
        """pt:r / pt:s / pt:k: request a meeting, save, or skip; mutual interest is told."""
        t, target = turn.t, turn.int_arg(0)
        partners = turn.services.partners
        decision = await partners.decide(turn.user_id, target, kind, now=turn.now())
        if kind is InterestKind.REQUESTED and await start_request(turn, target):
            return
        name = decision.name
        if kind is InterestKind.SKIPPED:
            note = t.plural("partners.skipped", partners.skip_days, name=name)
        elif kind is InterestKind.SAVED:
            note = t("partners.saved", name=name)
        else:
            note = t("partners.requested", name=name)
        if decision.mutual:
            note = Safe(f"{note}\n{t('partners.mutual_now', name=name)}")
        await show_next(turn, edit=True, intro=note)

    return decide


def handlers() -> list[Handler]:
    """/partners, /saved and the pt:* buttons."""
    return [
        command("partners", partners_command, errors=ERRORS),
        command("saved", saved_command, errors=ERRORS),
        button(PARTNER_REQUEST, _for_viewer(_decide(InterestKind.REQUESTED)), errors=ERRORS),
        button(PARTNER_SAVE, _for_viewer(_decide(InterestKind.SAVED)), errors=ERRORS),
        button(PARTNER_SKIP, _for_viewer(_decide(InterestKind.SKIPPED)), errors=ERRORS),
        button(PARTNER_NEXT, _for_viewer(next_card), errors=ERRORS),
        button(PARTNER_VIEW, _for_viewer(view), errors=ERRORS),
        button(PARTNER_UNSAVE, _for_viewer(unsave), errors=ERRORS),
        button(PARTNER_FILTERS, _for_viewer(filter_menu), errors=ERRORS),
        button(
            PARTNER_DELEGATION, _for_viewer(_set_filter("delegation", DELEGATIONS)), errors=ERRORS
        ),
        button(PARTNER_AREA, _for_viewer(_set_filter("area", AREAS)), errors=ERRORS),
    ]

"""/partners and /saved: suggestion cards with their reasons, Save / Skip / Next / Request."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core.matching import Reason
from core.partners.interests import InterestKind
from core.partners.suggestions import Card, Filters, ProfileIncomplete
from core.people.profile import Profile
from core.reference.errors import NotConsented, NotFound
from core.reference.taxonomy import term_by_id
from handlers.callbacks import as_int, pack, unpack
from handlers.common import Button, ack, alert, clip, reply
from handlers.context import BotContext
from handlers.i18n import Safe, Translator
from handlers.meetings.booking import start_request
from handlers.people.notice import consent_first
from handlers.people.profile import country_name, keyword_labels

PRIVATE = filters.ChatType.PRIVATE
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
    """A field the person did not hide."""
    return name not in profile.hidden_fields and bool(getattr(profile, name))


def render_card(t: Translator, card: Card) -> Safe:
    """The suggestion card: who, where from, topics, and why — hidden fields never shown."""
    p = card.profile
    name = p.full_name or "?"
    lines: list[str] = [t("partners.card.title", name=name)]
    organisation = p.organisation if visible(p, "organisation") else ""
    where = ", ".join(
        x for x in (organisation, country_name(t, p.country) if p.country else "") if x
    )
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
            (t("partners.button.request"), pack("pt", "r", target, viewer)),
            (t("partners.button.save"), pack("pt", "s", target, viewer)),
        ],
        [
            (t("partners.button.skip"), pack("pt", "k", target, viewer)),
            (t("partners.button.next"), pack("pt", "n", target, viewer)),
        ],
        [(t("partners.button.filter"), pack("pt", "f", viewer))],
    ]


def _filters(ctx: BotContext) -> Filters:
    data: dict[str, Any] = ctx.user_data if ctx.user_data is not None else {}
    raw = data.get(FILTERS_KEY) or {}
    return Filters(delegation=raw.get("delegation"), area=raw.get("area"))


def _seen(ctx: BotContext) -> set[int]:
    data: dict[str, Any] = ctx.user_data if ctx.user_data is not None else {}
    seen = data.setdefault(SEEN_KEY, set())
    assert isinstance(seen, set)
    return seen


async def _consent_or_profile(
    update: Update, ctx: BotContext, t: Translator, exc: Exception
) -> None:
    if isinstance(exc, NotConsented):
        await consent_first(update, ctx, t)
        return
    user = update.effective_user
    owner = user.id if user else 0
    await reply(
        update, t("partners.profile_first"), [[(t("profile.continue"), pack("pf", "c", owner))]]
    )


async def show_next(
    update: Update, ctx: BotContext, t: Translator, *, edit: bool, intro: str = ""
) -> None:
    """Find and show the best unseen suggestion, or say that there is nobody left."""
    user = update.effective_user
    if user is None:
        return
    services = ctx.services
    try:
        card = await services.matchmaker.next_card(
            services.uow, user.id, now=services.clock.now(), seen=_seen(ctx), filters=_filters(ctx)
        )
    except (NotConsented, ProfileIncomplete) as exc:
        await _consent_or_profile(update, ctx, t, exc)
        return
    prefix = f"{intro}\n\n" if intro else ""
    if card is None:
        rows = [[(t("partners.button.filter"), pack("pt", "f", user.id))]]
        await reply(update, Safe(prefix + t("partners.none_left")), rows, edit=edit)
        return
    _seen(ctx).add(card.profile.telegram_id)
    await reply(
        update,
        Safe(prefix + render_card(t, card)),
        card_buttons(t, card.profile.telegram_id, user.id),
        edit=edit,
    )


async def partners_command(update: Update, ctx: BotContext) -> None:
    """/partners: a fresh round of suggestions with the current filters."""
    t = await ctx.translator(update)
    _seen(ctx).clear()
    await show_next(update, ctx, t, edit=False)


async def saved_command(update: Update, ctx: BotContext) -> None:
    """/saved: the people I saved, each one tap from their card."""
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    try:
        people = await ctx.services.matchmaker.saved(ctx.services.uow, user.id)
    except NotConsented as exc:
        await _consent_or_profile(update, ctx, t, exc)
        return
    if not people:
        await reply(update, t("partners.saved_empty"))
        return
    shown = people[:MAX_SAVED_SHOWN]
    lines = [t.plural("partners.saved_title", len(people))]
    for p in shown:
        where = ", ".join(x for x in (p.organisation, country_name(t, p.country)) if x)
        lines.append(t("partners.saved_line", name=p.full_name or "?", where=where))
    rows = [
        [(f"👤 {clip(p.full_name or '?', 40)}", pack("pt", "v", p.telegram_id, user.id))]
        for p in shown
    ]
    await reply(update, Safe("\n".join(lines)), rows)


async def _filter_menu(update: Update, t: Translator, viewer: int, current: Filters) -> None:
    def mark(label: str, on: bool) -> str:
        return f"✓ {label}" if on else label

    rows: list[list[Button]] = [
        [
            (
                mark(t("partners.filter.all_countries"), current.delegation is None),
                pack("pt", "fd", "all", viewer),
            ),
            (
                mark(t("partners.filter.eu"), current.delegation == "EU"),
                pack("pt", "fd", "EU", viewer),
            ),
            (
                mark(t("partners.filter.kr"), current.delegation == "KR"),
                pack("pt", "fd", "KR", viewer),
            ),
        ],
        [
            (
                mark(t("partners.filter.all_topics"), current.area is None),
                pack("pt", "fa", "all", viewer),
            )
        ],
        [
            (
                mark(t(f"partners.filter.{area}"), current.area == area),
                pack("pt", "fa", area, viewer),
            )
            for area in AREAS
        ],
    ]
    await reply(update, t("partners.filter.title"), rows, edit=True)


async def button(update: Update, ctx: BotContext) -> None:
    """pt:* buttons; the presser must be the viewer the card was made for."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    shapes = {"r": 4, "s": 4, "k": 4, "n": 4, "v": 4, "u": 4, "f": 3, "fd": 4, "fa": 4}
    if len(parts) < 3 or shapes.get(parts[1]) != len(parts):
        await alert(update, t("buttons.expired"))
        return
    if as_int(parts[-1]) != user.id:
        await alert(update, t("buttons.not_yours"))
        return
    verb = parts[1]
    services = ctx.services
    if verb == "f":
        await ack(update)
        await _filter_menu(update, t, user.id, _filters(ctx))
        return
    if verb in ("fd", "fa"):
        value = parts[2]
        allowed = DELEGATIONS if verb == "fd" else AREAS
        if value != "all" and value not in allowed:
            await alert(update, t("buttons.expired"))
            return
        if ctx.user_data is not None:
            current = dict(ctx.user_data.get(FILTERS_KEY) or {})
            current["delegation" if verb == "fd" else "area"] = None if value == "all" else value
            ctx.user_data[FILTERS_KEY] = current
        _seen(ctx).clear()
        await ack(update)
        await show_next(update, ctx, t, edit=True)
        return
    target = as_int(parts[2])
    if target is None:
        await alert(update, t("buttons.expired"))
        return
    try:
        await _act(update, ctx, t, verb, (user.id, target))
    except NotFound as exc:
        if isinstance(exc, ProfileIncomplete):
            await ack(update)
            await _consent_or_profile(update, ctx, t, exc)
        else:
            await alert(update, t("partners.gone"))
    except NotConsented as exc:
        await ack(update)
        await _consent_or_profile(update, ctx, t, exc)
    finally:
        services.wake_outbox()


async def _act(
    update: Update, ctx: BotContext, t: Translator, verb: str, pair: tuple[int, int]
) -> None:
    viewer, target = pair
    services = ctx.services
    mm, uow, now = services.matchmaker, services.uow, services.clock.now()
    if verb == "n":
        await ack(update)
        await show_next(update, ctx, t, edit=True)
        return
    if verb == "v":
        card = await mm.view(uow, viewer, target)
        await ack(update)
        rows = [
            [(t("partners.button.request"), pack("pt", "r", target, viewer))],
            [(t("partners.button.unsave"), pack("pt", "u", target, viewer))],
        ]
        await reply(update, render_card(t, card), rows)
        return
    if verb == "u":
        await mm.forget(uow, viewer, target)
        await alert(update, t("partners.unsaved"))
        return
    kind = {"r": InterestKind.REQUESTED, "s": InterestKind.SAVED, "k": InterestKind.SKIPPED}[verb]
    mutual = await mm.decide(uow, viewer, target, kind, now=now)
    if kind is InterestKind.REQUESTED:
        await ack(update)
        if await start_request(update, ctx, t, target):
            return
    name = mm.profiles[target].full_name or "?"
    if kind is InterestKind.SKIPPED:
        days = max(1, round(mm.settings.skip_for.total_seconds() / 86400))
        note = t.plural("partners.skipped", days, name=name)
    elif kind is InterestKind.SAVED:
        note = t("partners.saved", name=name)
    else:
        note = t("partners.requested", name=name)
    if mutual:
        note = Safe(f"{note}\n{t('partners.mutual_now', name=name)}")
    if kind is not InterestKind.REQUESTED:
        await ack(update)
    await show_next(update, ctx, t, edit=True, intro=note)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """/partners, /saved and the pt:* buttons."""
    return [
        CommandHandler("partners", partners_command, filters=PRIVATE),
        CommandHandler("saved", saved_command, filters=PRIVATE),
        CallbackQueryHandler(button, pattern=r"^pt:"),
    ]

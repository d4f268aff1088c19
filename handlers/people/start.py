"""/start, the privacy notice with Accept/Decline, and /language."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core.people import editing as profile_editing
from core.people import onboarding
from core.people.onboarding import Arrival
from core.people.person import LANGUAGES, NOTICE_VERSION
from core.reference.errors import NotConsented
from handlers.callbacks import pack, unpack
from handlers.common import ack, reply
from handlers.context import BotContext
from handlers.i18n import Translator
from handlers.people.notice import consent_first, send_notice
from handlers.people.profile import ask_field, show_card, show_done

PRIVATE = filters.ChatType.PRIVATE


async def start(update: Update, ctx: BotContext) -> None:
    """Welcome, bind an invite from the deep link, then consent or continue the profile."""
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    payload = ctx.args[0] if ctx.args else None
    services = ctx.services
    result = await onboarding.start(
        services.uow,
        telegram_id=user.id,
        payload=payload,
        policy=services.policy,
        now=services.clock.now(),
    )
    event = services.event_name
    if result.arrival in (Arrival.DENIED, Arrival.INVITE_INVALID, Arrival.INVITE_USED):
        await reply(update, t(f"access.{result.arrival.value}", event=event))
        return
    if result.arrival is Arrival.NEEDS_CONSENT:
        await reply(update, t("start.welcome", event=event))
        await send_notice(update, ctx, t)
        return
    if result.arrival is Arrival.RESUME_PROFILE and result.next_field:
        await reply(update, t("start.resume"))
        await ask_field(update, ctx, t, result.next_field, "onboarding")
        return
    await show_done(update, ctx, t, welcome_back=True)


async def consent(update: Update, ctx: BotContext) -> None:
    """Accept or Decline pressed under the privacy notice."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    parts = unpack(query.data)
    t = await ctx.translator(update)
    if len(parts) != 3 or parts[1] not in ("y", "n"):
        await ack(update)
        return
    services = ctx.services
    if parts[2] != str(NOTICE_VERSION):
        await ack(update)
        await reply(update, t("consent.outdated"))
        await send_notice(update, ctx, t)
        return
    await ack(update)
    now = services.clock.now()
    if parts[1] == "n":
        await onboarding.decline_consent(services.uow, telegram_id=user.id, now=now)
        await reply(update, t("consent.declined"), edit=True)
        return
    result = await onboarding.accept_consent(
        services.uow,
        telegram_id=user.id,
        language=t.language,
        policy=services.policy,
        now=now,
    )
    if result.arrival is Arrival.DENIED:
        await reply(update, t("access.denied", event=services.event_name), edit=True)
        return
    await reply(update, t("consent.accepted"), edit=True)
    if result.prefilled:
        _, profile = await profile_editing.load(services.uow, user.id)
        await show_card(update, t, profile, intro=t("consent.prefilled"))
    if result.next_field:
        await ask_field(update, ctx, t, result.next_field, "onboarding")
    else:
        await show_done(update, ctx, t, welcome_back=True)


async def language(update: Update, ctx: BotContext) -> None:
    """/language: offer both catalogues."""
    t = await ctx.translator(update)
    await reply(
        update,
        t("language.choose"),
        [[(t("language.english"), pack("lang", "en")), (t("language.korean"), pack("lang", "ko"))]],
    )


async def choose_language(update: Update, ctx: BotContext) -> None:
    """Store the choice (or keep it for this session until consent) and confirm in it."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    parts = unpack(query.data)
    await ack(update)
    if len(parts) != 2 or parts[1] not in LANGUAGES:
        return
    lang = parts[1]
    stored = await onboarding.set_language(ctx.services.uow, telegram_id=user.id, language=lang)
    if not stored and ctx.user_data is not None:
        ctx.user_data["language"] = lang
    t = Translator(lang)
    ctx.set_translator(t)
    await reply(update, t("language.set"), edit=True)


COMMON_ZONES = ("Asia/Seoul", "Europe/Brussels", "Europe/London", "Europe/Helsinki")


async def timezone_command(update: Update, ctx: BotContext) -> None:
    """/timezone [IANA name]: show times in my own zone too (for remote participants)."""
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    services = ctx.services
    event_zone = services.event_timezone.key
    if ctx.args:
        await _apply_timezone(update, ctx, t, " ".join(ctx.args))
        return
    rows: list[list[tuple[str, str]]] = [
        [(t("timezone.event", zone=event_zone), pack("tz", "event"))]
    ]
    rows += [[(zone, pack("tz", zone))] for zone in COMMON_ZONES if zone != event_zone]
    await reply(update, t("timezone.choose", zone=event_zone), rows)


async def _apply_timezone(update: Update, ctx: BotContext, t: Translator, name: str) -> None:
    services = ctx.services
    user = update.effective_user
    assert user is not None
    zone = None if name == "event" else onboarding.valid_timezone(name)
    if name != "event" and zone is None:
        await reply(update, t("timezone.unknown", name=name[:64]))
        return
    if zone == services.event_timezone.key:
        zone = None
    try:
        await onboarding.set_timezone(services.uow, telegram_id=user.id, name=zone)
    except NotConsented:
        await consent_first(update, ctx, t)
        return
    shown = zone or services.event_timezone.key
    await reply(update, t("timezone.set", zone=shown), edit=update.callback_query is not None)


async def choose_timezone(update: Update, ctx: BotContext) -> None:
    """tz:<zone> button: the presser's own setting only."""
    query = update.callback_query
    if query is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    await ack(update)
    if len(parts) != 2:
        return
    await _apply_timezone(update, ctx, t, parts[1])


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Onboarding handlers, in the order the composition root registers them."""
    return [
        CommandHandler("start", start, filters=PRIVATE),
        CallbackQueryHandler(consent, pattern=r"^cs:"),
        CommandHandler("language", language, filters=PRIVATE),
        CallbackQueryHandler(choose_language, pattern=r"^lang:"),
        CommandHandler("timezone", timezone_command, filters=PRIVATE),
        CallbackQueryHandler(choose_timezone, pattern=r"^tz:"),
    ]

"""Organiser commands in the chat; every action re-checks the organiser's Telegram id."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core.reference.errors import NotFound
from core.schedule.builder import BuildResult, build_schedule
from handlers.callbacks import pack, unpack
from handlers.common import ack, alert, reply
from handlers.context import BotContext
from handlers.i18n import Safe, Translator

PRIVATE = filters.ChatType.PRIVATE


async def is_organiser_or_refuse(update: Update, ctx: BotContext, t: Translator) -> bool:
    """Server-side check; a non-organiser learns nothing (no counts, no names)."""
    user = update.effective_user
    if user is not None and ctx.services.policy.is_organiser(user.id):
        return True
    if update.callback_query is not None:
        await alert(update, t("organiser.only"))
    else:
        await reply(update, t("organiser.only"))
    return False


async def organiser_press(update: Update, ctx: BotContext) -> tuple[Translator, list[str]] | None:
    """A button press re-authorised on the server: the translator and the unpacked data, or
    None when it is not a press or the presser is not an organiser (who is told so)."""
    query = update.callback_query
    if query is None:
        return None
    t = await ctx.translator(update)
    if not await is_organiser_or_refuse(update, ctx, t):
        return None
    return t, unpack(query.data)


def figures(t: Translator, result: BuildResult) -> Safe:
    """The optimiser's plan next to greedy first-come."""
    lines = [t("schedule.title", round=result.round_key)]
    for label, r in (
        ("schedule.optimised", result.optimised),
        ("schedule.first_come", result.first_come),
    ):
        fill = round(100 * r.scheduled / r.upper_bound) if r.upper_bound else 100
        lines.append(
            t(
                label,
                scheduled=r.scheduled,
                requested=r.requested,
                fill=fill,
                bound=r.upper_bound,
                idle=round(r.idle_slots_mean, 2),
            )
        )
    return Safe("\n".join(lines))


async def _run(update: Update, ctx: BotContext, t: Translator, round_key: str, apply: bool) -> None:
    services = ctx.services
    try:
        result = await build_schedule(
            services.uow,
            services.matchmaker,
            services.booking.rules,
            round_key,
            now=services.clock.now(),
            apply=apply,
            ics=services.booking.ics,
            reminders=services.booking.reminders,
        )
    except NotFound:
        await reply(update, t("schedule.no_round", round=round_key[:40]))
        return
    text = figures(t, result)
    if apply:
        services.wake_outbox()
        await reply(
            update, Safe(f"{text}\n\n{t('schedule.applied', count=len(result.booked))}"), edit=True
        )
        return
    rows = []
    if result.optimised.scheduled:
        rows = [[(t("schedule.apply"), pack("sc", "a", round_key))]]
    await reply(update, Safe(f"{text}\n\n{t('schedule.preview')}"), rows)


async def schedule_command(update: Update, ctx: BotContext) -> None:
    """/schedule ROUND: preview the optimised schedule for a round, with an Apply button."""
    t = await ctx.translator(update)
    if not await is_organiser_or_refuse(update, ctx, t):
        return
    if not ctx.args:
        await reply(update, t("schedule.usage"))
        return
    await _run(update, ctx, t, ctx.args[0][:40], apply=False)


async def schedule_button(update: Update, ctx: BotContext) -> None:
    """sc:a:<round>: book the previewed schedule (organiser re-checked)."""
    press = await organiser_press(update, ctx)
    if press is None:
        return
    t, parts = press
    if len(parts) != 3 or parts[1] != "a":
        await alert(update, t("buttons.expired"))
        return
    await ack(update)
    await _run(update, ctx, t, parts[2], apply=True)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Organiser commands (checked per action, not by the menu)."""
    return [
        CommandHandler("schedule", schedule_command, filters=PRIVATE),
        CallbackQueryHandler(schedule_button, pattern=r"^sc:"),
    ]

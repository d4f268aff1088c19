"""Organiser commands in the chat; every action re-checks the organiser's Telegram id."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core.feedback import followup
from core.feedback.exports import KINDS, export, to_csv
from core.feedback.stats import compute
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


async def export_command(update: Update, ctx: BotContext) -> None:
    """/export [KIND]: the CSV as a document; without a kind, buttons for each."""
    t = await ctx.translator(update)
    if not await is_organiser_or_refuse(update, ctx, t):
        return
    if ctx.args and ctx.args[0] in KINDS:
        await _send_export(update, ctx, t, ctx.args[0])
        return
    rows = [[(t(f"export.kind.{k}"), pack("ex", k))] for k in KINDS]
    await reply(update, t("export.choose"), rows)


async def export_button(update: Update, ctx: BotContext) -> None:
    """ex:<kind> (organiser re-checked on every press)."""
    press = await organiser_press(update, ctx)
    if press is None:
        return
    t, parts = press
    if len(parts) != 2 or parts[1] not in KINDS:
        await alert(update, t("buttons.expired"))
        return
    await ack(update)
    await _send_export(update, ctx, t, parts[1])


async def _send_export(update: Update, ctx: BotContext, t: Translator, kind: str) -> None:
    header, rows = await export(ctx.services.uow, kind, ctx.services.event_timezone.key)
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_document(
        InputFile(to_csv(header, rows), filename=f"{kind}.csv"),
        caption=t.plural("export.caption", len(rows), kind=t(f"export.kind.{kind}")),
        parse_mode=ParseMode.HTML,
    )


async def stats_command(update: Update, ctx: BotContext) -> None:
    """/stats: the matchmaking figures and three charts."""
    t = await ctx.translator(update)
    if not await is_organiser_or_refuse(update, ctx, t):
        return
    services = ctx.services
    stats = await compute(
        services.uow, now=services.clock.now(), timezone=services.event_timezone.key
    )
    r = stats.requests
    collaborations, submitted, planned = await followup.summary(services.uow)
    results = await services.survey.results()
    survey = (
        f"{round(100 * results.finished / results.invited)}%"
        if results is not None and results.invited
        else "—"
    )
    share = "—" if stats.eu_kr_share is None else f"{round(100 * stats.eu_kr_share)}%"
    await reply(
        update,
        t(
            "stats.text",
            registered=stats.registered,
            complete=stats.complete,
            shown=stats.suggestions_shown,
            sent=r.get("sent", 0),
            accepted=r.get("accepted", 0),
            declined=r.get("declined", 0),
            expired=r.get("expired", 0),
            booked=stats.booked,
            held=stats.held,
            cancelled=stats.cancelled,
            no_show=stats.no_show,
            survey=survey,
            collaborations=collaborations,
            submitted=submitted,
            planned=planned,
            share=share,
        ),
    )
    chat = update.effective_chat
    if chat is None:
        return
    for name, png in services.charts(stats, services.event_timezone.key):
        await chat.send_photo(InputFile(png, filename=name))


async def survey_results_command(update: Update, ctx: BotContext) -> None:
    """/survey_results: response rate, per-question figures, a chart per question, and the CSV."""
    t = await ctx.translator(update)
    if not await is_organiser_or_refuse(update, ctx, t):
        return
    services = ctx.services
    results = await services.survey.results()
    if results is None:
        await reply(update, t("results.none"))
        return
    rate = round(100 * results.finished / results.invited) if results.invited else 0
    lines = [
        t(
            "results.title",
            finished=results.finished,
            invited=results.invited,
            rate=rate,
            started=results.started,
        )
    ]
    for n, summary in enumerate(results.summaries, 1):
        q = summary.question
        detail: str
        if q.kind == "text":
            detail = t("results.texts", count=len(summary.texts))
        elif q.kind == "rating":
            mean = "—" if summary.mean is None else f"{summary.mean:.2f}"
            detail = t(
                "results.rating",
                mean=mean,
                counts=" · ".join(f"{k}★ {v}" for k, v in summary.counts.items()),
            )
        else:
            detail = " · ".join(
                f"{q.option_label(k, t.language)}: {v}" for k, v in summary.counts.items()
            )
        lines.append(
            t(
                "results.question",
                n=n,
                text=q.text(t.language),
                answered=summary.answered,
                detail=detail,
            )
        )
    await reply(update, Safe("\n".join(lines)))
    chat = update.effective_chat
    if chat is None:
        return
    for name, png in services.survey_charts(results, t.language):
        await chat.send_photo(InputFile(png, filename=name))
    await _send_export(update, ctx, t, "survey")


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Organiser commands (checked per action, not by the menu)."""
    return [
        CommandHandler("schedule", schedule_command, filters=PRIVATE),
        CallbackQueryHandler(schedule_button, pattern=r"^sc:"),
        CommandHandler("export", export_command, filters=PRIVATE),
        CommandHandler("stats", stats_command, filters=PRIVATE),
        CommandHandler("survey_results", survey_results_command, filters=PRIVATE),
        CallbackQueryHandler(export_button, pattern=r"^ex:"),
    ]

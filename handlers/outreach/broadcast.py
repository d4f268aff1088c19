"""/broadcast: compose → audience → preview exactly as recipients see it → send, with a live
progress message and a final report; /broadcasts lists past ones."""

from __future__ import annotations

from typing import Any

from telegram import Bot, Update
from telegram.error import BadRequest
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from core.outbox.model import OutgoingMessage
from core.outreach.model import AUDIENCES, Broadcast, Report
from core.people.profile import SECTORS
from core.reference.errors import NotFound
from handlers.callbacks import as_int, pack
from handlers.common import ack, alert, reply
from handlers.context import BotContext
from handlers.i18n import Safe, Translator
from handlers.organiser import is_organiser_or_refuse, organiser_press
from handlers.outbox.rendering import render, send_rendered
from handlers.services import Services

PRIVATE = filters.ChatType.PRIVATE
COMPOSE_KEY = "broadcast_compose"


async def broadcast_command(update: Update, ctx: BotContext) -> None:
    """Ask for the message; the next one the organiser sends is the broadcast."""
    t = await ctx.translator(update)
    if not await is_organiser_or_refuse(update, ctx, t):
        return
    if ctx.user_data is not None:
        ctx.user_data[COMPOSE_KEY] = True
    await reply(update, t("broadcast.compose"))


def _as_outgoing(update: Update) -> OutgoingMessage | None:
    """The organiser's message with its formatting (entities → HTML) and any photo/document."""
    message = update.effective_message
    if message is None:
        return None
    if message.photo:
        return OutgoingMessage(
            text=message.caption_html or "",
            attachment={"kind": "photo", "file_id": message.photo[-1].file_id},
        )
    if message.document:
        return OutgoingMessage(
            text=message.caption_html or "",
            attachment={"kind": "document", "file_id": message.document.file_id},
        )
    if message.text:
        return OutgoingMessage(text=message.text_html)
    return None


async def compose(update: Update, ctx: BotContext) -> None:
    """Catch the composed message (group -1), store the draft, offer audiences."""
    data: dict[str, Any] = ctx.user_data if ctx.user_data is not None else {}
    user = update.effective_user
    if not data.get(COMPOSE_KEY) or user is None:
        return
    t = await ctx.translator(update)
    if not ctx.services.policy.is_organiser(user.id):
        data.pop(COMPOSE_KEY, None)
        return
    message = _as_outgoing(update)
    if message is None or (message.text or "").startswith("/"):
        return  # commands (e.g. /cancel) pass through
    data.pop(COMPOSE_KEY, None)
    item = await ctx.services.broadcasts.draft(user.id, message, now=ctx.services.clock.now())
    await _audiences(update, ctx, t, item)
    raise ApplicationHandlerStop


async def _audiences(update: Update, ctx: BotContext, t: Translator, item: Broadcast) -> None:
    assert item.id is not None
    rows = [[(t(f"broadcast.audience.{a}"), pack("bc", "a", item.id, a))] for a in AUDIENCES]
    rows.append([(t(f"sector.{s}"), pack("bc", "a", item.id, f"sector.{s}")) for s in SECTORS])
    views = await ctx.services.agenda.views(None)
    for v in [v for v in views if v.session.ends_at > ctx.services.clock.now()][:6]:
        rows.append(
            [
                (
                    t("broadcast.audience.session", title=v.session.title[:30]),
                    pack("bc", "a", item.id, f"session.{v.session.key}"),
                )
            ]
        )
    rows.append([(t("broadcast.button.cancel"), pack("bc", "x", item.id))])
    await reply(update, t("broadcast.choose"), rows)


async def broadcast_button(update: Update, ctx: BotContext) -> None:
    """bc:a:<id>:<audience> preview, bc:s:<id> send, bc:x:<id> discard — organiser re-checked."""
    press = await organiser_press(update, ctx)
    if press is None:
        return
    t, parts = press
    item_id = as_int(parts[2]) if len(parts) >= 3 else None
    if item_id is None or parts[1] not in ("a", "s", "x"):
        await alert(update, t("buttons.expired"))
        return
    service = ctx.services.broadcasts
    try:
        if parts[1] == "a" and len(parts) == 4:
            item, count = await service.target(item_id, parts[3])
            await ack(update)
            await _preview(update, ctx, t, item, count)
        elif parts[1] == "s":
            item = await service.send(item_id, now=ctx.services.clock.now())
            await ack(update)
            ctx.services.wake_outbox()
            chat = update.effective_chat
            if chat is not None and item.progress_message_id is None:
                sent = await chat.send_message(t("broadcast.progress", sent=0, total=item.total))
                await service.set_progress_message(item_id, sent.message_id)
        elif parts[1] == "x":
            await service.cancel(item_id)
            await ack(update)
            await reply(update, t("broadcast.cancelled"), edit=True)
        else:
            await alert(update, t("buttons.expired"))
    except NotFound:
        await alert(update, t("meetings.error.gone"))


async def _preview(
    update: Update, ctx: BotContext, t: Translator, item: Broadcast, count: int
) -> None:
    """Send the message to the organiser exactly as recipients will get it, then the count."""
    chat = update.effective_chat
    assert chat is not None and item.id is not None
    await _deliver(ctx.bot, chat.id, item.message, t)
    rows = [
        [
            (t("broadcast.button.send", count=count), pack("bc", "s", item.id)),
            (t("broadcast.button.cancel"), pack("bc", "x", item.id)),
        ]
    ]
    await reply(
        update,
        t.plural(
            "broadcast.preview",
            count,
            audience=t(_audience_label(item.audience), **_audience_params(item.audience)),
        ),
        rows,
    )


def _audience_label(audience: str) -> str:
    kind = audience.partition(".")[0]
    if kind == "sector":
        return "broadcast.audience.sector"
    if kind == "session":
        return "broadcast.audience.session"
    return f"broadcast.audience.{audience}"


def _audience_params(audience: str) -> dict[str, str]:
    kind, _, value = audience.partition(".")
    if kind == "sector":
        return {"sector": value}
    if kind == "session":
        return {"title": value}
    return {}


async def _deliver(bot: Bot, chat_id: int, message: OutgoingMessage, t: Translator) -> None:
    """Send like the dispatcher does (the same renderer), for the preview."""
    await send_rendered(bot, chat_id, render(message, t))


def report_text(t: Translator, report: Report) -> Safe:
    """The final (or current) report."""
    lines = [
        t(
            "broadcast.report",
            sent=report.sent,
            total=report.total,
            blocked=report.blocked,
            failed=report.failed,
        )
    ]
    lines += [t("broadcast.reason", reason=r, count=n) for r, n in report.reasons.items()]
    return Safe("\n".join(lines))


async def refresh_progress(bot: Bot, services: Services, language: str) -> int:
    """The progress job: edit each running broadcast's progress message; report when done."""
    t = Translator(language)
    changed = 0
    for running in await services.broadcasts.active():
        if running.id is None:
            continue
        item, report = await services.broadcasts.report(running.id)
        if item.progress_message_id is None:
            continue
        text = (
            report_text(t, report)
            if report.finished
            else t(
                "broadcast.progress",
                sent=report.sent + report.blocked + report.failed,
                total=report.total,
            )
        )
        try:
            await bot.edit_message_text(
                text, item.author_id, item.progress_message_id, parse_mode="HTML"
            )
            changed += 1
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise
    return changed


async def broadcasts_command(update: Update, ctx: BotContext) -> None:
    """/broadcasts: the latest announcements with their reports."""
    t = await ctx.translator(update)
    if not await is_organiser_or_refuse(update, ctx, t):
        return
    lines = [t("broadcast.list_title")]
    for item in await ctx.services.broadcasts.recent(10):
        assert item.id is not None
        _item, report = await ctx.services.broadcasts.report(item.id)
        preview = (item.message.text or "").replace("\n", " ")
        lines.append(
            t(
                "broadcast.list_line",
                when=t.when(item.sent_at or item.created_at, ctx.services.event_timezone),
                text=preview[:60],
            )
        )
        lines.append(report_text(t, report))
    if len(lines) == 1:
        lines.append(t("broadcast.none"))
    await reply(update, Safe("\n".join(lines)))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """/broadcast, /broadcasts and their buttons."""
    return [
        CommandHandler("broadcast", broadcast_command, filters=PRIVATE),
        CommandHandler("broadcasts", broadcasts_command, filters=PRIVATE),
        CallbackQueryHandler(broadcast_button, pattern=r"^bc:"),
    ]


def compose_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Runs before profile answers (group -1) so the composed message is not taken for one."""
    return [MessageHandler(PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL, compose)]

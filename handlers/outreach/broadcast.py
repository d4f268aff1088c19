"""/broadcast: compose → audience → preview exactly as recipients see it → send, with a live
progress message and a final report; /broadcasts lists past ones."""

from __future__ import annotations

from telegram import Bot, Update
from telegram.error import BadRequest
from telegram.ext import ApplicationHandlerStop, filters

from core.outbox.model import OutgoingMessage
from core.outreach.broadcasts import Draft
from core.outreach.model import AUDIENCES, Broadcast, Report
from core.people.profile import SECTORS
from core.reference.errors import NotFound
from handlers.common import Button
from handlers.i18n import Safe, Translator
from handlers.outbox.rendering import render, send_rendered
from handlers.prompts import Prompt, close, open_prompt, waiting, with_aside
from handlers.routes import BROADCAST_AUDIENCE, BROADCAST_DISCARD, BROADCAST_SEND
from handlers.services import Services
from handlers.turns import (
    ORGANISER_ERRORS,
    PRIVATE,
    ErrorKeys,
    Handler,
    Turn,
    button,
    command,
    message,
)

#: Core's organiser re-check answers like the wrapper's; a draft that is gone or no longer a
#: draft (sent, discarded) when its button is pressed says so.
ERRORS: ErrorKeys = {**ORGANISER_ERRORS, NotFound: "meetings.error.gone"}


async def broadcast_command(turn: Turn) -> None:
    """Ask for the message; the next one the organiser sends is the broadcast (the one open
    prompt: any other is put aside)."""
    put_aside = await open_prompt(turn, Prompt.BROADCAST)
    await turn.reply(with_aside(put_aside, turn.t("broadcast.compose")))


#: Characters (UTF-16 code units, as Telegram counts) a bot may send as a caption.
MAX_CAPTION = 1024


def _caption_length(update: Update) -> int:
    """The caption's length as Telegram counts it (UTF-16 code units)."""
    message = update.effective_message
    caption = message.caption if message is not None else None
    return len(caption.encode("utf-16-le")) // 2 if caption else 0


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


async def compose(turn: Turn) -> None:
    """Catch the composed message while composing is the open prompt (its own early group),
    store the draft, offer audiences."""
    if waiting(turn, Prompt.BROADCAST) is None:
        return
    if not turn.services.policy.is_organiser(turn.user_id):
        close(turn, Prompt.BROADCAST)
        return
    outgoing = _as_outgoing(turn.update)
    if outgoing is None or (outgoing.text or "").startswith("/"):
        return  # commands (e.g. /cancel) pass through
    caption = _caption_length(turn.update)
    if outgoing.attachment and caption > MAX_CAPTION:
        # Telegram Premium users may type longer captions than a bot may send: say so, and
        # keep waiting for the announcement.
        await turn.reply(
            turn.t("broadcast.caption_too_long", length=f"{caption:,}", limit=f"{MAX_CAPTION:,}")
        )
        raise ApplicationHandlerStop
    close(turn, Prompt.BROADCAST)
    draft = await turn.services.outreach.broadcasts.draft(turn.user_id, outgoing, now=turn.now())
    await _audiences(turn, draft)
    raise ApplicationHandlerStop


async def _audiences(turn: Turn, draft: Draft) -> None:
    t, item_id = turn.t, draft.broadcast.id
    assert item_id is not None

    def choice(label: str, audience: str) -> Button:
        return (label, BROADCAST_AUDIENCE.pack(item_id, audience))

    rows = [[choice(t(f"broadcast.audience.{a}"), a)] for a in AUDIENCES]
    rows.append([choice(t(f"sector.{s}"), f"sector.{s}") for s in SECTORS])
    for key, title in draft.sessions:
        rows.append([choice(t("broadcast.audience.session", title=title[:30]), f"session.{key}")])
    rows.append([(t("broadcast.button.cancel"), BROADCAST_DISCARD.pack(item_id))])
    await turn.reply(t("broadcast.choose"), rows)


async def choose_audience(turn: Turn) -> None:
    """bc:a:<id>:<audience>: preview for that audience."""
    broadcasts = turn.services.outreach.broadcasts
    item, count = await broadcasts.target(turn.user_id, turn.int_arg(0), turn.str_arg(1))
    await _preview(turn, item, count)


async def send(turn: Turn) -> None:
    """bc:s:<id>: queue it for everyone in the audience and show the live progress message."""
    broadcasts = turn.services.outreach.broadcasts
    item = await broadcasts.send(turn.user_id, turn.int_arg(), now=turn.now())
    turn.services.wake_outbox()
    chat = turn.update.effective_chat
    if chat is not None and item.id is not None and item.progress_message_id is None:
        sent = await chat.send_message(turn.t("broadcast.progress", sent=0, total=item.total))
        await broadcasts.set_progress_message(turn.user_id, item.id, sent.message_id)


async def discard(turn: Turn) -> None:
    """bc:x:<id>: drop the draft."""
    await turn.services.outreach.broadcasts.cancel(turn.user_id, turn.int_arg())
    await turn.reply(turn.t("broadcast.cancelled"), edit=True)


async def _preview(turn: Turn, item: Broadcast, count: int) -> None:
    """Send the message to the organiser exactly as recipients will get it, then the count."""
    t, chat = turn.t, turn.update.effective_chat
    assert chat is not None and item.id is not None
    await _deliver(turn.ctx.bot, chat.id, item.message, t)
    rows = [
        [
            (t("broadcast.button.send", count=count), BROADCAST_SEND.pack(item.id)),
            (t("broadcast.button.cancel"), BROADCAST_DISCARD.pack(item.id)),
        ]
    ]
    await turn.reply(
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


async def refresh_progress(
    bot: Bot, services: Services, language: str, shown: dict[int, str] | None = None
) -> int:
    """The progress job: edit each running broadcast's progress message; report when done.
    `shown` remembers each message's text, so a stalled broadcast sends no edit that changes
    nothing (Telegram refuses those with 400)."""
    shown = {} if shown is None else shown
    t = Translator(language)
    broadcasts = services.outreach.broadcasts
    changed = 0
    for running in await broadcasts.active():
        if running.id is None:
            continue
        item, report = await broadcasts.report(running.id)
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
        # The Send press showed "0 / N" already; then only what changed since.
        shown.setdefault(running.id, t("broadcast.progress", sent=0, total=report.total))
        if shown[running.id] == text:
            continue
        try:
            await bot.edit_message_text(
                text, item.author_id, item.progress_message_id, parse_mode="HTML"
            )
            shown[running.id] = text
            changed += 1
        except BadRequest as exc:
            if "not modified" not in str(exc).lower():
                raise
            shown[running.id] = text
    return changed


async def broadcasts_command(turn: Turn) -> None:
    """/broadcasts: the latest announcements with their reports."""
    t = turn.t
    lines = [t("broadcast.list_title")]
    for item, report in await turn.services.outreach.broadcasts.recent(turn.user_id, 10):
        preview = (item.message.text or "").replace("\n", " ")
        lines.append(
            t(
                "broadcast.list_line",
                when=t.when(item.sent_at or item.created_at, turn.services.event_timezone),
                text=preview[:60],
            )
        )
        lines.append(report_text(t, report))
    if len(lines) == 1:
        lines.append(t("broadcast.none"))
    await turn.reply(Safe("\n".join(lines)))


def handlers() -> list[Handler]:
    """/broadcast, /broadcasts and their buttons (organiser re-checked on every press)."""
    return [
        command("broadcast", broadcast_command, organiser=True, errors=ERRORS),
        command("broadcasts", broadcasts_command, organiser=True, errors=ERRORS),
        button(BROADCAST_AUDIENCE, choose_audience, organiser=True, errors=ERRORS),
        button(BROADCAST_SEND, send, organiser=True, errors=ERRORS),
        button(BROADCAST_DISCARD, discard, organiser=True, errors=ERRORS),
    ]


def compose_handlers() -> list[Handler]:
    """Runs before profile answers (group -2) so the composed message is not taken for one."""
    return [message(compose, PRIVATE & ~filters.COMMAND & ~filters.StatusUpdate.ALL, errors=ERRORS)]

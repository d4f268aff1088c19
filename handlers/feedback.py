"""After-meeting outcome questions (and, later, the event survey)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from core import outcomes
from core.errors import NotAllowed, NotConsented, NotFound
from handlers.callbacks import as_int, pack, unpack
from handlers.common import ack, alert, reply
from handlers.context import BotContext

PRIVATE = filters.ChatType.PRIVATE
COMMENT_KEY = "outcome_comment"


async def outcome_button(update: Update, ctx: BotContext) -> None:
    """oc:<meeting>:<outcome> answers; ocm:<meeting> asks for a comment for the organisers."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    meeting_id = as_int(parts[1]) if len(parts) >= 2 else None
    if meeting_id is None:
        await alert(update, t("buttons.expired"))
        return
    if parts[0] == "ocm" and len(parts) == 2:
        async with ctx.services.uow() as uow:
            mine = await uow.outcomes.get(meeting_id, user.id)
        if mine is None:
            await alert(update, t("buttons.not_yours"))
            return
        if ctx.user_data is not None:
            ctx.user_data[COMMENT_KEY] = meeting_id
        await ack(update)
        await reply(update, t("outcomes.type_comment"))
        return
    try:
        choice = outcomes.Outcome(parts[2]) if len(parts) == 3 else None
    except ValueError:
        choice = None
    if choice is None:
        await alert(update, t("buttons.expired"))
        return
    try:
        await outcomes.record(
            ctx.services.uow, meeting_id, user.id, choice, now=ctx.services.clock.now()
        )
    except NotAllowed:
        await alert(update, t("buttons.not_yours"))
        return
    except (NotFound, NotConsented):
        await alert(update, t("meetings.error.gone"))
        return
    await ack(update)
    await reply(
        update,
        t("outcomes.thanks", answer=t(f"outcomes.option.{choice.value}")),
        [[(t("outcomes.add_comment"), pack("ocm", meeting_id))]],
        edit=True,
    )


async def comment_text(update: Update, ctx: BotContext) -> None:
    """The next text after 'Add a comment' is the comment (group -1, then stop)."""
    data: dict[str, Any] = ctx.user_data if ctx.user_data is not None else {}
    meeting_id = data.get(COMMENT_KEY)
    message, user = update.effective_message, update.effective_user
    if meeting_id is None or message is None or not message.text or user is None:
        return
    data.pop(COMMENT_KEY, None)
    t = await ctx.translator(update)
    await outcomes.comment(
        ctx.services.uow,
        int(meeting_id),
        user.id,
        message.text.strip(),
        now=ctx.services.clock.now(),
    )
    await reply(update, t("outcomes.comment_saved"))
    raise ApplicationHandlerStop


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Outcome buttons."""
    return [CallbackQueryHandler(outcome_button, pattern=r"^ocm?:")]


def text_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """A pending comment is caught before profile answers (group -1)."""
    return [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, comment_text)]

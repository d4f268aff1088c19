"""/privacy, /mydata and /deleteme: the person's rights, exercised in the chat."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core.people import editing as profile_editing
from core.people.person import NOTICE_VERSION
from core.people.profile import VISIBILITIES
from core.privacy import rights as privacy
from core.reference.errors import InvalidAnswer, NotConsented
from handlers.callbacks import pack, unpack
from handlers.common import Button, ack, alert, reply
from handlers.context import BotContext

PRIVATE = filters.ChatType.PRIVATE


async def privacy_command(update: Update, ctx: BotContext) -> None:
    """What is stored, who sees it, for how long, who is responsible, and the commands."""
    t = await ctx.translator(update)
    services = ctx.services
    await reply(
        update,
        t(
            "privacy.details",
            event=services.event_name,
            contact=services.privacy_contact or services.event_name,
            days=services.retention_days,
            version=NOTICE_VERSION,
        ),
    )


async def mydata_command(update: Update, ctx: BotContext) -> None:
    """A JSON file with everything stored about the asker, and only that."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    t = await ctx.translator(update)
    try:
        data = await privacy.my_data(ctx.services.uow, user.id)
    except NotConsented:
        await reply(update, t("privacy.nothing_stored"))
        return
    await chat.send_document(
        InputFile(data, filename="my-forumbot-data.json"), caption=t("privacy.mydata_caption")
    )


async def deleteme_command(update: Update, ctx: BotContext) -> None:
    """Ask for confirmation before erasing."""
    t = await ctx.translator(update)
    user = update.effective_user
    if user is None:
        return
    await reply(
        update,
        t("privacy.confirm_delete"),
        [
            [
                (t("privacy.button.delete"), pack("dm", "y", user.id)),
                (t("privacy.button.keep"), pack("dm", "n", user.id)),
            ]
        ],
    )


async def deleteme_button(update: Update, ctx: BotContext) -> None:
    """dm:y:<id> erases (only one's own data), dm:n:<id> keeps everything."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    if len(parts) != 3 or parts[2] != str(user.id) or parts[1] not in ("y", "n"):
        await alert(update, t("buttons.not_yours"))
        return
    await ack(update)
    if parts[1] == "n":
        await reply(update, t("privacy.kept"), edit=True)
        return
    services = ctx.services
    try:
        result = await privacy.erase(
            services.uow, services.booking, user.id, now=services.clock.now()
        )
    except NotConsented:
        await reply(update, t("privacy.nothing_stored"), edit=True)
        return
    services.matchmaker.invalidate()
    services.wake_outbox()
    if ctx.user_data is not None:
        ctx.user_data.clear()
    await reply(update, t.plural("privacy.deleted", result.meetings_cancelled), edit=True)


async def _visibility_view(update: Update, ctx: BotContext, *, edit: bool) -> None:
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    try:
        _, profile = await profile_editing.load(ctx.services.uow, user.id)
    except NotConsented:
        await reply(update, t("privacy.nothing_stored"), edit=edit)
        return
    rows: list[list[Button]] = [
        [
            (
                ("✓ " if profile.visibility == v else "") + t(f"visibility.{v}"),
                pack("vi", "o", v, user.id),
            )
        ]
        for v in VISIBILITIES
    ]
    rows += [
        [
            (
                ("🙈 " if f in profile.hidden_fields else "👁 ") + t(f"field.{f}"),
                pack("vi", "f", f, user.id),
            )
        ]
        for f in profile_editing.HIDEABLE
    ]
    await reply(update, t("visibility.title"), rows, edit=edit)


async def visibility_command(update: Update, ctx: BotContext) -> None:
    """/visibility: who sees my card, and which fields stay private."""
    await _visibility_view(update, ctx, edit=False)


async def visibility_button(update: Update, ctx: BotContext) -> None:
    """vi:o:<level>:<id> or vi:f:<field>:<id> — only for one's own profile."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    if len(parts) != 4 or parts[3] != str(user.id) or parts[1] not in ("o", "f"):
        await alert(update, t("buttons.not_yours"))
        return
    try:
        if parts[1] == "o":
            profile = await profile_editing.set_visibility(ctx.services.uow, user.id, parts[2])
        else:
            profile = await profile_editing.toggle_hidden(ctx.services.uow, user.id, parts[2])
    except InvalidAnswer:
        await alert(update, t("buttons.expired"))
        return
    except NotConsented:
        await alert(update, t("privacy.nothing_stored"))
        return
    ctx.services.matchmaker.refresh(profile)
    await ack(update)
    await _visibility_view(update, ctx, edit=True)


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Privacy commands."""
    return [
        CommandHandler("privacy", privacy_command, filters=PRIVATE),
        CommandHandler("mydata", mydata_command, filters=PRIVATE),
        CommandHandler("deleteme", deleteme_command, filters=PRIVATE),
        CallbackQueryHandler(deleteme_button, pattern=r"^dm:"),
        CommandHandler("visibility", visibility_command, filters=PRIVATE),
        CallbackQueryHandler(visibility_button, pattern=r"^vi:"),
    ]

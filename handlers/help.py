"""/help for each role, the answer to unknown commands, and the polite global error handler."""

from __future__ import annotations

import contextlib
import logging

from telegram import BotCommand, Update
from telegram.ext import CallbackQueryHandler, filters

from handlers.context import BotContext
from handlers.i18n import LANGUAGES, Safe, Translator
from handlers.turns import PRIVATE, Handler, Turn, command, guard, message

log = logging.getLogger(__name__)

#: Commands every attendee sees in Telegram's menu, in this order.
USER_COMMANDS = (
    "agenda",
    "feedback",
    "partners",
    "saved",
    "meetings",
    "availability",
    "consult",
    "profile",
    "language",
    "timezone",
    "privacy",
    "visibility",
    "mydata",
    "deleteme",
    "help",
    "cancel",
    "start",
)
#: Extra commands shown only in organisers' chats (features add theirs here).
ORGANISER_COMMANDS: tuple[str, ...] = (
    "stats",
    "find",
    "survey_results",
    "broadcast",
    "broadcasts",
    "schedule",
    "waitlist",
    "export",
)


def bot_commands(language: str, organiser: bool = False) -> list[BotCommand]:
    """The command menu for one role in one language."""
    t = Translator(language)
    names = USER_COMMANDS + (ORGANISER_COMMANDS if organiser else ())
    return [BotCommand(name, t(f"command.{name}")) for name in names]


def menu_languages() -> tuple[str, ...]:
    """Languages for which set_my_commands is called."""
    return LANGUAGES


async def help_command(turn: Turn) -> None:
    """The command list for the asker's role, decided on the server."""
    t = turn.t
    text = t("help.user")
    if turn.services.people.is_organiser(turn.user_id):
        text = Safe(text + t("help.organiser"))
    await turn.reply(text)


async def unknown_command(turn: Turn) -> None:
    """Any command nobody handled: point to /help."""
    typed = turn.text
    if not typed:
        return
    await turn.reply(turn.t("help.unknown_command", command=typed.split()[0][:64]))


async def on_error(update: object, ctx: BotContext) -> None:
    """Log with the update id, then apologise to the user in their language."""
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("error while handling update %s", update_id, exc_info=ctx.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        t = await ctx.translator(update)
    except Exception:  # the database may be what failed
        t = Translator(ctx.services.default_language)
    try:
        await update.effective_chat.send_message(t("error.generic"))
    except Exception:
        log.exception("could not tell the user about the error in update %s", update_id)
    if update.callback_query is not None:
        with contextlib.suppress(Exception):  # it may have been answered before the failure
            await update.callback_query.answer()


def handlers() -> list[Handler]:
    """/help."""
    return [command("help", help_command)]


async def stale_press(turn: Turn) -> None:
    """A press no route claims (a retired button, a forged verb): say so, stop the spinner."""
    await turn.alert(turn.t("buttons.expired"))


def fallback_handlers() -> list[Handler]:
    """Registered last: unknown commands, and presses that no feature's route matched."""
    return [
        message(unknown_command, PRIVATE & filters.COMMAND),
        CallbackQueryHandler(guard(stale_press)),
    ]

"""/help and the command menus for each role, the hint for unknown commands, the error handler."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import filters

from handlers.context import BotContext
from handlers.i18n import LANGUAGES, Safe, Translator
from handlers.turns import PRIVATE, Handler, Turn, command, message, unclaimed_presses

log = logging.getLogger(__name__)

#: bot_data key: the organisers whose chat menu this run has set.
ORGANISER_MENUS_KEY = "organiser_menus"

#: Commands every attendee sees in Telegram's menu, in this order.
USER_COMMANDS = (
    "agenda",
    "feedback",
    "partners",
    "saved",
    "meetings",
    "calendar",
    "consortium",
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
    "dashboard",
)


def bot_commands(language: str, organiser: bool = False) -> list[BotCommand]:
    """The command menu for one role in one language."""
    t = Translator(language)
    names = USER_COMMANDS + (ORGANISER_COMMANDS if organiser else ())
    return [BotCommand(name, t(f"command.{name}")) for name in names]


def menu_languages() -> tuple[str, ...]:
    """Languages for which set_my_commands is called."""
    return LANGUAGES


def menu_language_code(language: str) -> str | None:
    """English is the menu for every language without its own; the others are set by code."""
    return None if language == "en" else language


async def set_organiser_menu(bot: Bot, bot_data: dict[Any, Any], organiser_id: int) -> None:
    """The organiser commands in one organiser's own chat, both languages, once per run."""
    done: set[int] = bot_data.setdefault(ORGANISER_MENUS_KEY, set())
    if organiser_id in done:
        return
    for lang in menu_languages():
        try:
            await bot.set_my_commands(
                bot_commands(lang, organiser=True),
                scope=BotCommandScopeChat(organiser_id),
                language_code=menu_language_code(lang),
            )
        except TelegramError as exc:
            # Telegram knows a chat only once its organiser opened the bot; their /start retries.
            log.warning("organiser menu not set for %s: %s", organiser_id, exc)
            return
    done.add(organiser_id)


async def reset_organiser_menu(bot: Bot, bot_data: dict[Any, Any], former_id: int) -> bool:
    """A revoked organiser's chat goes back to the attendee menu (the default scope's, which
    Telegram shows once the chat's own is deleted); False when Telegram should be asked again."""
    bot_data.setdefault(ORGANISER_MENUS_KEY, set()).discard(former_id)
    for lang in menu_languages():
        try:
            await bot.delete_my_commands(
                scope=BotCommandScopeChat(former_id), language_code=menu_language_code(lang)
            )
        except BadRequest as exc:
            if "chat not found" not in str(exc).lower():
                log.warning("organiser menu not taken back from %s: %s", former_id, exc)
            return True  # a chat Telegram does not know has no menu of its own
        except TelegramError as exc:
            log.warning("organiser menu not taken back from %s yet: %s", former_id, exc)
            return False
    return True


async def offer_organiser_menu(turn: Turn) -> None:
    """An organiser talking to the bot gets their menu now that Telegram knows the chat."""
    if turn.services.people.is_organiser(turn.user_id):
        await set_organiser_menu(turn.ctx.bot, turn.ctx.bot_data, turn.user_id)


async def help_command(turn: Turn) -> None:
    """The command list for the asker's role, decided on the server."""
    t = turn.t
    text = Safe(f"{t('help.user')}\n{t('calendar.help')}")
    if turn.services.people.is_organiser(turn.user_id):
        text = Safe(text + t("help.organiser"))
    await turn.reply(text)
    await offer_organiser_menu(turn)


async def unknown_command(turn: Turn) -> None:
    """Any command nobody handled: point to /help."""
    typed = turn.text
    if not typed:
        return
    await turn.reply(turn.t("help.unknown_command", command=typed.split()[0][:64]))


async def on_error(update: object, ctx: BotContext) -> None:
    """Log with the update id, then apologise to the user in their language (a press was
    answered before its handler ran, so there is no spinner left to stop)."""
    update_id = update.update_id if isinstance(update, Update) else None
    if isinstance(ctx.error, RetryAfter):
        # Flood control: another message would only add to it; one line, no traceback.
        log.warning("flood control while handling update %s: %s", update_id, ctx.error.message)
        return
    if isinstance(ctx.error, Forbidden):
        # The person blocked the bot while it answered: nobody is left to tell, nothing broke.
        log.info("update %s: the person has blocked the bot", update_id)
        return
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


def handlers() -> list[Handler]:
    """/help."""
    return [command("help", help_command)]


def fallback_handlers() -> list[Handler]:
    """Registered last: unknown commands, and presses that no feature's route matched."""
    return [
        message(unknown_command, PRIVATE & filters.COMMAND),
        unclaimed_presses(),
    ]

"""The one opening every handler shares: who is asking, in which language, may they, and what a
refused action looks like to them.

A feature handler is written as `async def accept(turn: Turn) -> None` and registered through
`command`, `button` or `message` below. The wrapper
- ignores updates without a user (channel posts, service messages);
- parses the pressed button's data through its route (a forged or stale press, or one no route
  claims, is refused politely, the handler never sees it);
- re-checks organiser rights on the server for organiser handlers;
- answers a press AT ONCE, after those two in-memory checks and before any database work (the
  translator included), so a press never spins under event-day load;
- gives the handler the translator for the user's language;
- turns domain errors into the user's language: NotConsented shows the privacy notice again,
  NotAllowed and NotFound answer without changing anything, other errors by the feature's keys.

The one rule for what a press's answer looks like: a refusal decided before the answer (forged or
stale data, not an organiser) IS the answer, a pop-up in the language this run last used for the
person (else their session's choice, else Telegram's); everything decided after it (results,
the handler's own refusals, domain errors) is a chat message. When Telegram refuses the answer
itself ("query is too old" under load, flood control) the user is not told of an error: it is
logged without personal data, the handler still runs (a committed booking still gets its
confirmation), and a refusal pop-up that could not be shown is said in the chat instead.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from core.reference.errors import DomainError, NotAllowed, NotConsented, NotFound
from handlers.common import Button, reply
from handlers.context import BotContext
from handlers.i18n import Safe, Translator
from handlers.people.notice import consent_first
from handlers.routes import Route, Value
from handlers.services import Services

log = logging.getLogger(__name__)

PRIVATE = filters.ChatType.PRIVATE
#: Telegram's answer to answerCallbackQuery once the press waited too long (about 15 s).
QUERY_TOO_OLD = "query is too old"

#: Catalogue keys for domain errors, by error class; a feature adds or overrides its own.
#: The key is formatted with the error's params (e.g. `limit`), so texts can name numbers.
ErrorKeys = Mapping[type[DomainError], str]
DEFAULT_ERROR_KEYS: dict[type[DomainError], str] = {
    NotAllowed: "buttons.not_yours",
    NotFound: "buttons.expired",
}
#: For organiser handlers: core's re-check (NotAllowed) answers like the wrapper's own refusal.
ORGANISER_ERRORS: ErrorKeys = {NotAllowed: "organiser.only"}


@dataclass(slots=True)
class Turn:
    """One update from one person, as a handler sees it after the guard let it through."""

    update: Update
    ctx: BotContext
    t: Translator
    user_id: int
    #: The pressed button's arguments, parsed by its route (empty for commands and messages).
    args: tuple[Value, ...] = ()

    @property
    def services(self) -> Services:
        """The feature doors and settings from the composition root."""
        return self.ctx.services

    @property
    def is_press(self) -> bool:
        """A button press (as opposed to a command or a typed message)."""
        return self.update.callback_query is not None

    @property
    def text(self) -> str:
        """What the person typed (empty for presses)."""
        message = self.update.effective_message
        return (message.text or "") if message is not None and not self.is_press else ""

    def now(self) -> datetime:
        """The current time from the injected clock."""
        return self.services.clock.now()

    def int_arg(self, index: int = 0) -> int:
        """An id argument of the pressed button (the route guarantees its type)."""
        value = self.args[index]
        assert isinstance(value, int)
        return value

    def str_arg(self, index: int = 0) -> str:
        """A text argument of the pressed button."""
        return str(self.args[index])

    async def reply(
        self, text: str, rows: Sequence[Sequence[Button]] = (), *, edit: bool = False
    ) -> Message | None:
        """Answer in the chat; with edit=True replace the pressed message. Returns the message
        that shows the answer."""
        return await reply(self.update, text, rows, edit=edit)

    async def explain(self, exc: DomainError, keys: ErrorKeys = DEFAULT_ERROR_KEYS) -> None:
        """Say why an action was refused, in the person's language; nothing was changed."""
        if isinstance(exc, NotConsented):
            await consent_first(self.update, self.ctx, self.t)
            return
        key = _key_for(exc, keys)
        params = {name: value for name, value in exc.params.items() if name != "reason"}
        await self.reply(self.t(key, **params))


def _key_for(exc: DomainError, keys: ErrorKeys) -> str:
    """The most specific key: a `reason` variant first, then the class, then its bases."""
    for cls in type(exc).__mro__:
        key = keys.get(cls)
        if key is None:
            continue
        reason = exc.params.get("reason")
        if key.endswith(".") and reason is not None:
            return f"{key}{reason}"
        return key.rstrip(".")
    return "error.generic"


TurnHandler = Callable[[Turn], Awaitable[None]]
PtbCallback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
Handler = BaseHandler[Update, BotContext, None]


async def _answer(query: CallbackQuery, text: str | None = None) -> bool:
    """Stop the press's spinner (with a pop-up when there is a text); False if Telegram refused.
    A refusal is never the user's problem, so it is logged without who pressed or what."""
    try:
        await query.answer(text[:200] if text else None, show_alert=text is not None)
    except BadRequest as exc:
        if QUERY_TOO_OLD in exc.message.lower():
            log.info("a press was answered too late (query is too old); carrying on")
        else:
            log.warning("a press could not be answered: %s", exc.message)
        return False
    except TelegramError as exc:
        log.warning("a press could not be answered: %s", type(exc).__name__)
        return False
    return True


async def _refuse_press(update: Update, ctx: BotContext, query: CallbackQuery, key: str) -> None:
    """A refusal decided before any database work: the pop-up in the language this run last
    used for the person (else Telegram's); in the chat if the pop-up could not be shown."""
    user = query.from_user
    text = ctx.remembered_translator(user)(key)
    if not await _answer(query, text):
        await reply(update, text)


def guard(
    fn: TurnHandler,
    *,
    route: Route | None = None,
    organiser: bool = False,
    errors: ErrorKeys = DEFAULT_ERROR_KEYS,
) -> PtbCallback:
    """Wrap a feature handler in the shared opening and the error-to-message mapping; a press
    reaches `fn` only through `route` (without one, every press is refused as stale)."""

    async def callback(update: Update, ctx: BotContext) -> None:
        user = update.effective_user
        if user is None:
            return
        args: tuple[Value, ...] = ()
        query = update.callback_query
        if query is not None:
            # Only in-memory checks before the answer: the route's parse and the organiser set.
            parsed = route.parse(query.data) if route is not None else None
            if parsed is None:
                await _refuse_press(update, ctx, query, "buttons.expired")
                return
            if organiser and not ctx.services.policy.is_organiser(user.id):
                await _refuse_press(update, ctx, query, "organiser.only")
                return
            await _answer(query)
            args = parsed
        t = await ctx.translator(update)
        if query is None and organiser and not ctx.services.policy.is_organiser(user.id):
            # A command or message: a non-organiser learns nothing (no counts, no names).
            await reply(update, t("organiser.only"))
            return
        turn = Turn(update, ctx, t, user.id, args)
        try:
            await fn(turn)
        except DomainError as exc:
            await turn.explain(exc, {**DEFAULT_ERROR_KEYS, **errors})

    callback.__name__ = callback.__qualname__ = getattr(fn, "__name__", "handler")
    callback.__doc__ = fn.__doc__
    callback.__wrapped__ = fn  # type: ignore[attr-defined]  # marks it guarded (tests check)
    return callback


def command(
    name: str,
    fn: TurnHandler,
    *,
    organiser: bool = False,
    errors: ErrorKeys = DEFAULT_ERROR_KEYS,
) -> Handler:
    """A /command in a private chat."""
    return CommandHandler(name, guard(fn, organiser=organiser, errors=errors), filters=PRIVATE)


def button(
    route: Route,
    fn: TurnHandler,
    *,
    organiser: bool = False,
    errors: ErrorKeys = DEFAULT_ERROR_KEYS,
) -> Handler:
    """Presses of one route's buttons; the handler gets the parsed arguments in `turn.args`."""
    return CallbackQueryHandler(
        guard(fn, route=route, organiser=organiser, errors=errors), pattern=route.pattern
    )


async def _unclaimed(turn: Turn) -> None:
    """Never runs: a press without a route is refused by the guard as stale."""


def unclaimed_presses() -> Handler:
    """Registered last: a press no route claims (a retired button, a forged verb) is refused
    like forged data, with the stale pop-up."""
    return CallbackQueryHandler(guard(_unclaimed))


def message(
    fn: TurnHandler,
    accepted: filters.BaseFilter = PRIVATE & filters.TEXT & ~filters.COMMAND,
    *,
    organiser: bool = False,
    errors: ErrorKeys = DEFAULT_ERROR_KEYS,
) -> Handler:
    """Typed messages (text by default) in a private chat."""
    return MessageHandler(accepted, guard(fn, organiser=organiser, errors=errors))


__all__ = [
    "DEFAULT_ERROR_KEYS",
    "ORGANISER_ERRORS",
    "PRIVATE",
    "ErrorKeys",
    "Handler",
    "Safe",
    "Turn",
    "TurnHandler",
    "button",
    "command",
    "guard",
    "message",
    "unclaimed_presses",
]

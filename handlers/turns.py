"""The one opening every handler shares: who is asking, in which language, may they, and what a
refused action looks like to them.

A feature handler is written as `async def accept(turn: Turn) -> None` and registered through
`command`, `button` or `message` below. The wrapper
- ignores updates without a user (channel posts, service messages);
- gives the handler the translator for the user's language;
- parses the pressed button's data through its route (a forged or stale press is refused
  politely, the handler never sees it);
- re-checks organiser rights on the server for organiser handlers;
- turns domain errors into the user's language: NotConsented shows the privacy notice again,
  NotAllowed and NotFound answer without changing anything, other errors by the feature's keys;
- stops the spinner of a pressed button if the handler did not answer it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram import Update
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

PRIVATE = filters.ChatType.PRIVATE

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
    answered: bool = field(default=False)

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
    ) -> None:
        """Answer in the chat; with edit=True replace the pressed message."""
        await reply(self.update, text, rows, edit=edit)

    async def alert(self, text: str) -> None:
        """A pop-up for a press (a message for a command): refusals and short confirmations."""
        query = self.update.callback_query
        if query is None:
            await reply(self.update, text)
            return
        self.answered = True
        await query.answer(text[:200], show_alert=True)

    async def ack(self, text: str | None = None) -> None:
        """Stop the spinner of a pressed button, with an optional short toast."""
        query = self.update.callback_query
        if query is not None and not self.answered:
            self.answered = True
            await query.answer(text[:200] if text else None)

    async def explain(self, exc: DomainError, keys: ErrorKeys = DEFAULT_ERROR_KEYS) -> None:
        """Say why an action was refused, in the person's language; nothing was changed."""
        if isinstance(exc, NotConsented):
            await self.ack()
            await consent_first(self.update, self.ctx, self.t)
            return
        key = _key_for(exc, keys)
        params = {name: value for name, value in exc.params.items() if name != "reason"}
        await self.alert(self.t(key, **params))


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


async def _is_organiser(turn: Turn) -> bool:
    """Server-side check; a non-organiser learns nothing (no counts, no names)."""
    if turn.services.policy.is_organiser(turn.user_id):
        return True
    await turn.alert(turn.t("organiser.only"))
    return False


def guard(
    fn: TurnHandler,
    *,
    route: Route | None = None,
    organiser: bool = False,
    errors: ErrorKeys = DEFAULT_ERROR_KEYS,
) -> PtbCallback:
    """Wrap a feature handler in the shared opening and the error-to-message mapping."""

    async def callback(update: Update, ctx: BotContext) -> None:
        user = update.effective_user
        if user is None:
            return
        t = await ctx.translator(update)
        turn = Turn(update, ctx, t, user.id)
        if route is not None:
            query = update.callback_query
            args = route.parse(query.data if query is not None else None)
            if args is None:
                await turn.alert(t("buttons.expired"))
                return
            turn.args = args
        if organiser and not await _is_organiser(turn):
            return
        try:
            await fn(turn)
        except DomainError as exc:
            await turn.explain(exc, {**DEFAULT_ERROR_KEYS, **errors})
        if turn.is_press and not turn.answered:
            await turn.ack()

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
]

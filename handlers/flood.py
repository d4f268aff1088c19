"""What a person who taps faster than the bot can follow sees: one polite toast, nothing else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import CallbackQuery

from core.people.person import language_from_telegram
from handlers.i18n import Translator


def slow_down_answer(default_language: str) -> Callable[[CallbackQuery, bool], Awaitable[None]]:
    """The answer for a dropped press, in the person's Telegram language (no database read)."""

    async def answer(query: CallbackQuery, tell: bool) -> None:
        if not tell:
            await query.answer()
            return
        t = Translator(language_from_telegram(query.from_user.language_code, default_language))
        await query.answer(t("buttons.slow_down"))

    return answer

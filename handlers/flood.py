"""What a person who taps faster than the bot can follow sees: one polite toast, nothing else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import CallbackQuery

from core.people.person import language_from_telegram
from handlers.context import LanguageMemory
from handlers.i18n import Translator


def slow_down_answer(
    languages: LanguageMemory, default_language: str
) -> Callable[[CallbackQuery, bool], Awaitable[None]]:
    """The answer for a dropped press, in the language this run last used for the person (else
    Telegram's): a flood must not cost a database read."""

    async def answer(query: CallbackQuery, tell: bool) -> None:
        if not tell:
            await query.answer()
            return
        user = query.from_user
        language = languages.get(user.id) or language_from_telegram(
            user.language_code, default_language
        )
        await query.answer(Translator(language)("buttons.slow_down"))

    return answer

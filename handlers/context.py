"""A typed CallbackContext: handlers read services and the translator without string keys."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update, User
from telegram.ext import Application, CallbackContext, ExtBot

from core.people.person import language_from_telegram
from handlers.i18n import Translator
from handlers.services import Services

SERVICES_KEY = "services"
#: bot_data key: the language each recent user was last answered in (see LanguageMemory).
LANGUAGES_KEY = "languages"


class LanguageMemory:
    """Who reads which language, as last resolved this run: a press refused before any database
    work still gets its pop-up in the person's language. Bounded, oldest forgotten first."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._by_user: dict[int, str] = {}

    def get(self, user_id: int) -> str | None:
        """The language last resolved for this user, if still remembered."""
        return self._by_user.get(user_id)

    def remember(self, user_id: int, language: str) -> None:
        """Keep (or refresh) one user's language; the oldest entry goes when full."""
        self._by_user.pop(user_id, None)
        self._by_user[user_id] = language
        if len(self._by_user) > self.size:
            del self._by_user[next(iter(self._by_user))]

    def forget(self, user_id: int) -> None:
        """After erasure nothing of the person stays, not even their language."""
        self._by_user.pop(user_id, None)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """Context with `.services` and an async `.translator(update)` cached per update."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._t: Translator | None = None
        self._reader: int | None = None
        #: The reader's own time zone when it differs from the event's (set by translator()).
        self.own_timezone: ZoneInfo | None = None

    @property
    def services(self) -> Services:
        """The shared services object built by the composition root."""
        services = self.application.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)
        return services

    @property
    def languages(self) -> LanguageMemory:
        """The run's memory of who reads which language (never the database)."""
        memory = self.application.bot_data.setdefault(LANGUAGES_KEY, LanguageMemory())
        assert isinstance(memory, LanguageMemory)
        return memory

    async def translator(self, update: object) -> Translator:
        """The user's language: stored choice, else this session's choice, else Telegram's."""
        if self._t is not None:
            return self._t
        lang: str | None = None
        user = update.effective_user if isinstance(update, Update) else None
        if user is not None:
            person = await self.services.people.reader(user.id)
            if person is not None:
                lang = person.language
                if person.timezone:
                    self.own_timezone = ZoneInfo(person.timezone)
            elif self.user_data is not None:
                lang = self.user_data.get("language")
            if lang is None:
                lang = language_from_telegram(user.language_code, self.services.default_language)
        self._t = Translator(lang or self.services.default_language)
        if user is not None:
            self._reader = user.id
            self.languages.remember(user.id, self._t.language)
        return self._t

    def remembered_translator(self, user: User) -> Translator:
        """The user's language without the database: as last resolved this run, else this
        session's choice, else Telegram's (for answers sent before any database work)."""
        lang = self.languages.get(user.id)
        if lang is None and self.user_data is not None:
            lang = self.user_data.get("language")
        if lang is None:
            lang = language_from_telegram(user.language_code, self.services.default_language)
        return Translator(lang)

    def set_translator(self, translator: Translator) -> None:
        """After a language switch, render the rest of this update (and the next early answers)
        in the new language."""
        self._t = translator
        if self._reader is not None:
            self.languages.remember(self._reader, translator.language)

"""A typed CallbackContext: handlers read services and the translator without string keys."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from core.people.person import language_from_telegram
from handlers.i18n import Translator
from handlers.services import Services

SERVICES_KEY = "services"


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
        #: The reader's own time zone when it differs from the event's (set by translator()).
        self.own_timezone: ZoneInfo | None = None

    @property
    def services(self) -> Services:
        """The shared services object built by the composition root."""
        services = self.application.bot_data[SERVICES_KEY]
        assert isinstance(services, Services)
        return services

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
        return self._t

    def set_translator(self, translator: Translator) -> None:
        """After a language switch, render the rest of this update in the new language."""
        self._t = translator

"""Server-rendered pages: Jinja2 with autoescape, texts from the bot's catalogue."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from handlers.i18n import Translator


def environment() -> Environment:
    """Every template escapes what it inserts unless it is Markup (the catalogue's own HTML)."""
    env = Environment(
        loader=PackageLoader("web", "templates"),
        autoescape=select_autoescape(["html"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


class Texts:
    """The catalogue in one language for templates: `t('key', ...)` escapes the parameters."""

    def __init__(self, language: str, zone: ZoneInfo) -> None:
        self.translator = Translator(language)
        self.language = self.translator.language
        self.zone = zone

    def __call__(self, key: str, /, **params: Any) -> Markup:
        return Markup(self.translator(key, **params))

    def plural(self, key: str, count: int, /, **params: Any) -> Markup:
        return Markup(self.translator.plural(key, count, **params))

    def block(self, key: str, /, **params: Any) -> Markup:
        """A multi-line chat text (e.g. /stats) as HTML lines."""
        return Markup(self.translator(key, **params).replace("\n", "<br>\n"))

    def when(self, moment: datetime) -> str:
        """A date and time in the event's zone."""
        return self.translator.when(moment, self.zone)

    def time(self, moment: datetime) -> str:
        """HH:MM in the event's zone."""
        return format_datetime(moment, "HH:mm", tzinfo=self.zone, locale=self.translator.locale)

"""The translation catalogue: every user-facing string, in English and Korean, by message id."""

from __future__ import annotations

import html
import logging
import re
import string
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

log = logging.getLogger(__name__)

LANGUAGES = ("en", "ko")
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})


class Safe(str):
    """HTML we built ourselves: inserted into templates without escaping."""

    __slots__ = ()


def has_final_consonant(word: str) -> bool | None:
    """Whether a word ends in a consonant sound (받침), as Korean particles need; None if unknown.
    Latin endings are read as most Koreans pronounce them (a, e, i, o, u, y: vowel)."""
    stripped = word.rstrip(" )]}>\"'.!?")
    if not stripped:
        return None
    last = stripped[-1]
    code = ord(last) - 0xAC00
    if 0 <= code < 11172:
        return code % 28 != 0
    if last.isdigit():
        return last in "013678"  # 영, 일, 삼, 육, 칠, 팔
    if last.isascii() and last.isalpha():
        return last.lower() not in "aeiouy"
    return None


class Particle(str):
    """A parameter that can pick its Korean particle: `{name:~이/가}` gives 이 or 가 for it;
    `{room:~으로/로}` gives 으로 after a consonant other than ㄹ, else 로."""

    __slots__ = ()

    def __format__(self, spec: str) -> str:
        if not spec.startswith("~"):
            return str.__format__(self, spec)
        with_final, _, without = spec[1:].partition("/")
        plain = html.unescape(re.sub(r"<[^>]+>", "", self))
        final = has_final_consonant(plain)
        if with_final == "으로" and plain and 0 <= ord(plain[-1]) - 0xAC00 < 11172:
            final = final and (ord(plain[-1]) - 0xAC00) % 28 != 8  # ㄹ takes 로
        if final is None:
            return f"{with_final}({without})" if with_final != "으로" else "(으)로"
        return with_final if final else without


Entry = str | dict[str, str]


def _flatten(prefix: str, table: Mapping[str, Any], out: dict[str, Entry]) -> None:
    for key, value in table.items():
        full = f"{prefix}.{key}" if prefix else key
        if isinstance(value, str):
            out[full] = value
        elif (
            isinstance(value, dict)
            and value
            and set(value) <= PLURAL_CATEGORIES
            and all(isinstance(v, str) for v in value.values())
        ):
            out[full] = dict(value)
        elif isinstance(value, dict):
            _flatten(full, value, out)
        else:
            raise ValueError(f"catalogue entry {full} must be a string or a table")


@cache
def catalogue(language: str) -> dict[str, Entry]:
    """All messages of one language as a flat id → text (or plural forms) mapping: `en.toml`,
    then one file per feature in `en/` (so features do not all edit one file); an id defined
    twice is an error."""
    locales = files("handlers.locales")
    sources = [locales.joinpath(f"{language}.toml")]
    folder = locales.joinpath(language)
    if folder.is_dir():
        sources += sorted(
            (f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name
        )
    out: dict[str, Entry] = {}
    for source in sources:
        part: dict[str, Entry] = {}
        _flatten("", tomllib.loads(source.read_text(encoding="utf-8")), part)
        if twice := sorted(set(part) & set(out)):
            raise ValueError(f"catalogue {language}: {source.name} defines {twice[0]} again")
        out.update(part)
    return out


def placeholders(text: str) -> set[str]:
    """The {names} a template uses (for the catalogue consistency test)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class Translator:
    """Renders message ids in one language, escaping every parameter that is not Safe."""

    def __init__(self, language: str) -> None:
        self.language = language if language in LANGUAGES else "en"
        self.locale = Locale.parse(self.language)

    def _entry(self, key: str) -> Entry:
        entry = catalogue(self.language).get(key)
        if entry is None:
            log.error("missing message id %r for %s", key, self.language)
            entry = catalogue("en").get(key, key)
        return entry

    def _param(self, value: Any) -> str:
        if isinstance(value, bool):
            return str(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_decimal(value, locale=self.locale)
        text = value if isinstance(value, Safe) else html.escape(str(value), quote=False)
        return Particle(text) if self.language == "ko" else Safe(text)

    def __call__(self, key: str, /, **params: Any) -> Safe:
        """The message `key` with `params` filled in (escaped for HTML)."""
        entry = self._entry(key)
        if isinstance(entry, dict):
            raise TypeError(f"{key} has plural forms; use .plural()")
        return Safe(entry.format_map({k: self._param(v) for k, v in params.items()}))

    def plural(self, key: str, count: int, /, **params: Any) -> Safe:
        """The plural form of `key` that fits `count` in this language ({count} is available)."""
        entry = self._entry(key)
        if isinstance(entry, str):
            return self(key, count=count, **params)
        form = self.locale.plural_form(count)
        text = entry.get(form) or entry["other"]
        values = {k: self._param(v) for k, v in params.items()}
        values["count"] = self._param(count)
        return Safe(text.format_map(values))

    def day(self, value: date, *, short: bool = False) -> str:
        """'Thursday 10 April' / 'Thu 10 Apr', or '4월 10일 (목)'."""
        if self.language == "ko":
            return format_date(value, "M월 d일 (E)", locale=self.locale)
        return format_date(value, "EEE d MMM" if short else "EEEE d MMMM", locale=self.locale)

    def when(self, moment: datetime, tz: Any, own: Any = None) -> str:
        """'Thu 10 Apr 14:30' in the event zone; with the reader's own zone too when it differs:
        'Thu 10 Apr 10:00 (17:00 your time)'."""
        pattern = "EEE d MMM HH:mm" if self.language == "en" else "M월 d일 (E) HH:mm"
        main = format_datetime(moment, pattern, tzinfo=tz, locale=self.locale)
        if (
            own is None
            or tz is None
            or moment.astimezone(own).utcoffset() == moment.astimezone(tz).utcoffset()
        ):
            return main
        local = moment.astimezone(own)
        same_day = local.date() == moment.astimezone(tz).date()
        local_pattern = "HH:mm" if same_day else pattern
        text = format_datetime(moment, local_pattern, tzinfo=own, locale=self.locale)
        return f"{main} ({self('time.yours', time=text)})"

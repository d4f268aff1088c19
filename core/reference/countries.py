"""Countries for participant profiles, so free-text answers map onto one ISO code and delegation."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz, process

_MAX_INPUT_CHARS = 100
_MIN_FUZZY_CHARS = 4
_FUZZY_CUTOFF = 80.0
_SEPARATORS = frozenset("-/_")


@dataclass(frozen=True, slots=True)
class Country:
    """One country as shown to participants in both event languages."""

    code: str
    name_en: str
    name_ko: str
    eu: bool


COMMON_COUNTRY_CODES: tuple[str, ...] = (
    "KR",
    "DE",
    "FR",
    "NL",
    "BE",
    "IT",
    "ES",
    "AT",
    "FI",
    "PL",
    "CH",
    "GB",
)


@dataclass(frozen=True, slots=True)
class _Index:
    """Lookup tables built once from the shipped data so resolution stays cheap."""

    ordered: tuple[Country, ...]
    by_code: dict[str, Country]
    exact: dict[str, str]
    fuzzy_keys: list[str]
    fuzzy_codes: list[str]


def _normalise(text: str) -> str:
    """Fold case, accents and punctuation so aliases compare regardless of how they were typed."""
    # NFKD also splits Hangul syllables into jamo, which makes Korean typos score sensibly.
    decomposed = unicodedata.normalize("NFKD", text[:_MAX_INPUT_CHARS])
    chars: list[str] = []
    for ch in decomposed:
        category = unicodedata.category(ch)
        if category == "Mn":
            continue
        if ch.isspace() or ch in _SEPARATORS or category == "Pd":
            chars.append(" ")
        elif category[0] in "PSCZ":
            continue
        else:
            chars.append(ch)
    key = " ".join("".join(chars).casefold().split())
    return key.removeprefix("the ")


def _add_exact(exact: dict[str, str], key: str, code: str) -> None:
    """Register an alias, refusing data where one alias would name two countries."""
    if not key:
        return
    owner = exact.setdefault(key, code)
    if owner != code:
        raise ValueError(f"country alias {key!r} is claimed by {owner} and {code}")


@cache
def _index() -> _Index:
    """Load countries.json lazily, once per process."""
    raw = json.loads(
        files("core.reference.data").joinpath("countries.json").read_text(encoding="utf-8")
    )
    ordered: list[Country] = []
    exact: dict[str, str] = {}
    fuzzy: dict[str, str] = {}
    for item in raw["countries"]:
        country = Country(
            code=item["code"].upper(),
            name_en=item["name_en"],
            name_ko=item["name_ko"],
            eu=bool(item["eu"]),
        )
        ordered.append(country)
        names = [country.name_en, country.name_ko, *item.get("aliases", [])]
        for code_like in (country.code, item.get("alpha3", "")):
            _add_exact(exact, code_like.casefold(), country.code)
        for name in names:
            key = _normalise(name)
            _add_exact(exact, key, country.code)
            if len(key) >= _MIN_FUZZY_CHARS:
                fuzzy.setdefault(key, country.code)
    return _Index(
        ordered=tuple(ordered),
        by_code={c.code: c for c in ordered},
        exact=exact,
        fuzzy_keys=list(fuzzy),
        fuzzy_codes=list(fuzzy.values()),
    )


def all_countries() -> tuple[Country, ...]:
    """Every known country, for pickers and validation."""
    return _index().ordered


def country_by_code(code: str) -> Country | None:
    """Look up a stored ISO alpha-2 code, tolerating case and whitespace."""
    return _index().by_code.get(code.strip().upper())


def resolve_country(text: str) -> Country | None:
    """Turn whatever a participant typed (name, alias, code, typo) into a country, or None."""
    key = _normalise(text)
    if not key:
        return None
    index = _index()
    code = index.exact.get(key)
    if code is None and len(key) >= _MIN_FUZZY_CHARS:
        hit = process.extractOne(
            key, index.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
        )
        if hit is not None:
            code = index.fuzzy_codes[hit[2]]
    return index.by_code.get(code) if code is not None else None


def delegation(code: str | None) -> str:
    """Group a participant into the forum's two delegations (KR, EU) or OTHER."""
    if not code:
        return "OTHER"
    country = country_by_code(code)
    if country is None:
        return "OTHER"
    if country.code == "KR":
        return "KR"
    return "EU" if country.eu else "OTHER"

"""Registrations the organisers import: one record per email, checked row by row from their CSV."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from core.people.profile import SECTORS, Publication, clean_text, parse_publications
from core.reference.countries import delegation, resolve_country
from core.reference.errors import DomainError
from core.reference.taxonomy import Keyword, normalise_keywords

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REQUIRED = ("name", "email")
KNOWN = (
    "name",
    "email",
    "organisation",
    "country",
    "delegation",
    "sector",
    "expertise",
    "offers",
    "seeks",
    "publications",
)
SECTOR_WORDS = {
    "academia": "academia",
    "academic": "academia",
    "research": "academia",
    "university": "academia",
    "industry": "industry",
    "company": "industry",
    "public": "public",
    "public body": "public",
    "government": "public",
    "other": "other",
}


@dataclass(slots=True)
class Registration:
    """One imported attendee, waiting for their Telegram account to claim it."""

    email: str
    name: str
    organisation: str = ""
    country: str | None = None
    sector: str | None = None
    expertise: list[Keyword] = field(default_factory=list)
    offers: str = ""
    seeks: str = ""
    publications: list[Publication] = field(default_factory=list)
    invite_code: str | None = None
    telegram_id: int | None = None


@dataclass(slots=True)
class ImportReport:
    """What an import did (or, dry, would do), with every refused line explained."""

    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False


def _cell(row: dict[str, str | None], name: str) -> str:
    return clean_text(row.get(name) or "")


def parse_rows(text: str) -> tuple[list[tuple[int, Registration]], list[tuple[int, str]]]:
    """Valid rows with their line numbers, and the refused ones with the reason."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [], [(1, f"missing column(s): {', '.join(missing)}")]
    good: list[tuple[int, Registration]] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        problems = []
        name = _cell(row, "name")
        email = _cell(row, "email").lower()
        if not name:
            problems.append("name is missing")
        elif len(name) > 100:
            problems.append("name is longer than 100 characters")
        if not EMAIL.match(email):
            problems.append(f"email {email!r} is not valid" if email else "email is missing")
        elif email in seen:
            problems.append(f"duplicate of line {seen[email]} (same email)")
        country_code = None
        if _cell(row, "country"):
            country = resolve_country(_cell(row, "country"))
            if country is None:
                problems.append(f"unknown country {_cell(row, 'country')!r}")
            else:
                country_code = country.code
        wanted = _cell(row, "delegation").upper()
        if (
            wanted
            and country_code
            and wanted in ("EU", "KR")
            and delegation(country_code) != wanted
        ):
            problems.append(f"delegation {wanted} does not match country {country_code}")
        sector = None
        if _cell(row, "sector"):
            sector = SECTOR_WORDS.get(_cell(row, "sector").lower())
            if sector not in SECTORS:
                problems.append(f"unknown sector {_cell(row, 'sector')!r}")
        pubs: list[Publication] = []
        if _cell(row, "publications"):
            try:
                pubs = parse_publications(_cell(row, "publications").replace(" || ", "\n\n"))
            except DomainError:
                problems.append("too many publications")
        if problems:
            errors.append((line, "; ".join(problems)))
            continue
        seen[email] = line
        good.append(
            (
                line,
                Registration(
                    email=email,
                    name=name,
                    organisation=_cell(row, "organisation")[:200],
                    country=country_code,
                    sector=sector,
                    expertise=normalise_keywords(_cell(row, "expertise")),
                    offers=_cell(row, "offers")[:1000],
                    seeks=_cell(row, "seeks")[:1000],
                    publications=pubs,
                ),
            )
        )
    return good, errors

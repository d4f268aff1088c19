"""Registrations the organisers import: one record per email, checked row by row from their CSV."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from core.people.profile import SECTORS, Publication, clean_text, parse_publications
from core.people.spreadsheet import Record, decode, records, sniff_delimiter
from core.reference.countries import delegation, resolve_country
from core.reference.errors import DomainError
from core.reference.taxonomy import Keyword, normalise_keywords

#: Why a whole file is refused: not UTF-8, UTF-16 or CP949 text; more than MAX_ROWS rows.
Refusal = Literal["encoding", "too_many_rows"]
#: Rows one file may hold: a big event's list fits; a bigger file is a mistake or an attack.
MAX_ROWS = 10_000
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
#: Columns whose value is one line: a line break there means a quote went astray.
ONE_LINE = ("name", "email", "organisation", "country", "delegation", "sector")
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
    encoding: str = "utf-8"
    delimiter: str = ","
    refusal: Refusal | None = None


@dataclass(slots=True)
class ParsedRegistrations:
    """A checked file: good rows and refused lines by line number, how it was read, or why
    it was refused as a whole."""

    rows: list[tuple[int, Registration]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    refusal: Refusal | None = None


def _cell(row: dict[str, str], name: str) -> str:
    return clean_text(row.get(name) or "")


def read_registrations(data: bytes) -> ParsedRegistrations:
    """A file as sent: decoded, its delimiter found, every row checked. Pure but CPU-bound
    (up to MAX_ROWS rows), so callers on the event loop run it in a thread."""
    decoded = decode(data)
    if decoded is None:
        return ParsedRegistrations(refusal="encoding")
    text, encoding = decoded
    delimiter = sniff_delimiter(text, KNOWN, REQUIRED)
    parsed = parse_rows(text, delimiter)
    parsed.encoding, parsed.delimiter = encoding, delimiter
    return parsed


def parse_rows(text: str, delimiter: str = ",") -> ParsedRegistrations:
    """Valid rows with their line numbers, and the refused ones with the reason."""
    found = records(text, delimiter)
    first = next(found, None)
    if first is not None and first.cells is None:
        return ParsedRegistrations(
            errors=[(first.first, f"the header cannot be read: {first.problem}")]
        )
    header = [h.strip().lower() for h in (first.cells or [])] if first else []
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        line = first.first if first else 1
        return ParsedRegistrations(errors=[(line, f"missing column(s): {', '.join(missing)}")])
    parsed = ParsedRegistrations(delimiter=delimiter)
    seen: dict[str, int] = {}
    for count, record in enumerate(found, start=1):
        if count > MAX_ROWS:
            return ParsedRegistrations(delimiter=delimiter, refusal="too_many_rows")
        line = record.first
        if record.cells is None:
            parsed.errors.append((line, _spanning(record, record.problem)))
            continue
        problems = _shape(record, header, delimiter)  # values may be in the wrong columns:
        row = dict(zip(header, record.cells, strict=False))  # checking them would mislead
        item = None if problems else _check(row, problems, seen)
        if problems or item is None:
            parsed.errors.append((line, _spanning(record, "; ".join(problems))))
            continue
        seen[item.email] = line
        parsed.rows.append((line, item))
    return parsed


def _spanning(record: Record, problem: str) -> str:
    """A problem on a record over several lines says which lines it took."""
    if record.last == record.first:
        return problem
    return f"{problem} (lines {record.first}–{record.last})"


def _shape(record: Record, header: list[str], delimiter: str) -> list[str]:
    """More values than columns, or a line break inside a one-line value: a quote or a
    delimiter went astray, so the values may be in the wrong columns."""
    cells = record.cells or []
    problems = []
    if any(c.strip() for c in cells[len(header) :]):
        shown = {",": ",", ";": ";", "\t": "tab"}.get(delimiter, delimiter)
        problems.append(
            f"{len(cells)} values but the header has {len(header)} columns "
            f"(a value containing {shown!r} must be wrapped in quotes)"
        )
    broken = [
        name for name, cell in zip(header, cells, strict=False) if name in ONE_LINE and "\n" in cell
    ]
    if broken:
        problems.append(f"{', '.join(broken)} runs over several lines (is a quote not closed?)")
    return problems


def _check(row: dict[str, str], problems: list[str], seen: dict[str, int]) -> Registration | None:
    """One row's values checked (problems appended); the registration when all are good."""
    name = _cell(row, "name")
    email = _cell(row, "email").lower()
    if not name:
        problems.append("name is missing")
    elif len(name) > 100:
        problems.append("name is longer than 100 characters")
    if not EMAIL.match(email):
        problems.append(f"email {email[:100]!r} is not valid" if email else "email is missing")
    elif len(email) > 254:
        problems.append("email is longer than 254 characters")
    elif email in seen:
        problems.append(f"duplicate of line {seen[email]} (same email)")
    country_code = None
    if _cell(row, "country"):
        country = resolve_country(_cell(row, "country"))
        if country is None:
            problems.append(f"unknown country {_cell(row, 'country')[:100]!r}")
        else:
            country_code = country.code
    wanted = _cell(row, "delegation").upper()
    if wanted and country_code and wanted in ("EU", "KR") and delegation(country_code) != wanted:
        problems.append(f"delegation {wanted} does not match country {country_code}")
    sector = None
    if _cell(row, "sector"):
        sector = SECTOR_WORDS.get(_cell(row, "sector").lower())
        if sector not in SECTORS:
            problems.append(f"unknown sector {_cell(row, 'sector')[:100]!r}")
    pubs: list[Publication] = []
    if _cell(row, "publications"):
        try:
            pubs = parse_publications(_cell(row, "publications").replace(" || ", "\n\n"))
        except DomainError:
            problems.append("too many publications")
    if problems:
        return None
    return Registration(
        email=email,
        name=name,
        organisation=_cell(row, "organisation")[:200],
        country=country_code,
        sector=sector,
        expertise=normalise_keywords(_cell(row, "expertise")),
        offers=_cell(row, "offers")[:1000],
        seeks=_cell(row, "seeks")[:1000],
        publications=pubs,
    )

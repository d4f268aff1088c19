"""Registrations the organisers import: one record per email, checked row by row from their CSV."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from core.people.profile import SECTORS, Publication, clean_text, parse_publications
from core.people.registration_columns import (
    ALIASES,
    FORUMBOT,
    ColumnOptions,
    ColumnPlan,
    canonical_row,
    plan_columns,
    state_allowed,
)
from core.people.spreadsheet import Record, decode, is_xlsx, records, sniff_delimiter, xlsx_records
from core.reference.countries import delegation, resolve_country
from core.reference.errors import DomainError
from core.reference.taxonomy import Keyword, normalise_keywords

#: Why a whole file is refused: not UTF-8, UTF-16 or CP949 text; more than MAX_ROWS rows; a
#: workbook that cannot be opened.
Refusal = Literal["encoding", "too_many_rows", "workbook"]
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
ONE_LINE = (
    "name",
    "first_name",
    "last_name",
    "email",
    "organisation",
    "country",
    "delegation",
    "sector",
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
    encoding: str = "utf-8"
    delimiter: str = ","
    refusal: Refusal | None = None
    source_format: str = FORUMBOT
    used: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    #: Rows left out for their registration state (state as written -> rows).
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class ParsedRegistrations:
    """A checked file: good rows and refused lines by line number, how it was read, or why
    it was refused as a whole."""

    rows: list[tuple[int, Registration]] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    refusal: Refusal | None = None
    source_format: str = FORUMBOT
    used: tuple[str, ...] = ()
    ignored: tuple[str, ...] = ()
    skipped: dict[str, int] = field(default_factory=dict)


def _cell(row: dict[str, str], name: str) -> str:
    return clean_text(row.get(name) or "")


def read_registrations(data: bytes, options: ColumnOptions | None = None) -> ParsedRegistrations:
    """A file as sent (CSV text or an XLSX workbook): decoded, its delimiter and columns found,
    every row checked. Pure but CPU-bound (up to MAX_ROWS rows), so callers on the event loop
    run it in a thread."""
    options = options or ColumnOptions()
    if is_xlsx(data):
        rows = xlsx_records(data, MAX_ROWS + 1)
        if rows is None:
            return ParsedRegistrations(refusal="workbook", encoding="xlsx")
        parsed = parse_records(iter(rows), ",", options)
        parsed.encoding = "xlsx"
        return parsed
    decoded = decode(data)
    if decoded is None:
        return ParsedRegistrations(refusal="encoding")
    text, encoding = decoded
    delimiter = sniff_delimiter(text, [*KNOWN, *ALIASES, *options.mapping], REQUIRED_HEADERS)
    parsed = parse_rows(text, delimiter, options)
    parsed.encoding, parsed.delimiter = encoding, delimiter
    return parsed


#: Header cells that hold a name or an email (to tell the delimiter).
REQUIRED_HEADERS = ("name", "email", "email address", "first name", "last name")


def parse_rows(
    text: str, delimiter: str = ",", options: ColumnOptions | None = None
) -> ParsedRegistrations:
    """Valid rows with their line numbers, and the refused ones with the reason."""
    return parse_records(records(text, delimiter), delimiter, options or ColumnOptions())


def _missing(plan: ColumnPlan) -> list[str]:
    """Required columns the header lacks (a name may come as first and last name)."""
    missing = []
    if not (plan.has("name") or plan.has("first_name") or plan.has("last_name")):
        missing.append("name")
    if not plan.has("email"):
        missing.append("email")
    return missing


def parse_records(
    found: Iterator[Record], delimiter: str, options: ColumnOptions
) -> ParsedRegistrations:
    """The header, then every record checked against the columns it names."""
    first = next(found, None)
    if first is not None and first.cells is None:
        return ParsedRegistrations(
            errors=[(first.first, f"the header cannot be read: {first.problem}")]
        )
    plan = plan_columns(first.cells or [] if first else [], options)
    missing = _missing(plan)
    if missing:
        line = first.first if first else 1
        return ParsedRegistrations(
            errors=[(line, f"missing column(s): {', '.join(missing)}")],
            source_format=plan.source_format,
            used=plan.used,
            ignored=plan.ignored,
        )
    parsed = ParsedRegistrations(
        delimiter=delimiter, source_format=plan.source_format, used=plan.used, ignored=plan.ignored
    )
    seen: dict[str, int] = {}
    for count, record in enumerate(found, start=1):
        if count > MAX_ROWS:
            return ParsedRegistrations(delimiter=delimiter, refusal="too_many_rows")
        line = record.first
        if record.cells is None:
            parsed.errors.append((line, _spanning(record, record.problem)))
            continue
        problems = _shape(record, plan, delimiter)  # values may be in the wrong columns:
        row = canonical_row(record.cells, plan)  # checking them would mislead
        if not problems and not state_allowed(row, options):
            state = row["state"].strip() or "(none)"
            parsed.skipped[state] = parsed.skipped.get(state, 0) + 1
            continue
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


def _shape(record: Record, plan: ColumnPlan, delimiter: str) -> list[str]:
    """More values than columns, or a line break inside a one-line value: a quote or a
    delimiter went astray, so the values may be in the wrong columns."""
    cells = record.cells or []
    header = plan.targets
    problems = []
    if any(c.strip() for c in cells[len(header) :]):
        shown = {",": ",", ";": ";", "\t": "tab"}.get(delimiter, delimiter)
        problems.append(
            f"{len(cells)} values but the header has {len(header)} columns "
            f"(a value containing {shown!r} must be wrapped in quotes)"
        )
    broken = [
        name
        for name, cell in zip(header, cells, strict=False)
        if name is not None and name in ONE_LINE and "\n" in cell
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

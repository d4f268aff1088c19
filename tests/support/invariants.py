"""What must hold after any step, however hostile: whose rows a step may change, every stored text
within its limit, and CSV cells a spreadsheet will not run as formulas."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
from collections.abc import Collection
from typing import Any

from sqlalchemy import JSON, String, make_url, select

from core.feedback.survey import TEXT_LIMIT as SURVEY_TEXT_LIMIT
from core.meetings.model import MeetingRules
from core.meetings.outcomes import COMMENT_LIMIT
from core.people.profile import spec
from storage.base import Base

#: Whose rows a table holds: a row belongs to whoever is named in one of these columns. Tables
#: not listed (the event, the survey definition, organisers, registrations without a person)
#: belong to nobody: a chat step must never change them. The outbox is the bot's own queue.
OWNER_COLUMNS: dict[str, tuple[str, ...]] = {
    "people": ("telegram_id",),
    "profiles": ("telegram_id",),
    "consents": ("telegram_id",),
    "publications": ("telegram_id",),
    "interests": ("actor_id",),
    "impressions": ("viewer_id",),
    "attendance": ("telegram_id",),
    "busy": ("telegram_id",),
    "survey_answers": ("telegram_id",),
    "survey_responses": ("telegram_id",),
    "followups": ("telegram_id",),
    "meeting_outcomes": ("telegram_id",),
    "broadcasts": ("author_id",),
    "meeting_requests": ("from_id", "to_id"),
    "registrations": ("telegram_id",),
    "invites": ("used_by",),
}
#: A meeting (and each of its seats) belongs to everyone in it: either may cancel or move it.
MEETING_TABLES = ("meetings", "meeting_people")
NOT_COMPARED = frozenset({"outbox"})

#: Product limits of unbounded (TEXT) columns; VARCHAR columns are checked at their length,
#: which SQLite does not enforce and PostgreSQL does (by refusing the whole transaction).
TEXT_LIMITS: dict[tuple[str, str], int] = {
    ("profiles", "offers"): spec("offers").max_length,
    ("profiles", "seeks"): spec("seeks").max_length,
    ("profiles", "he_interests"): spec("he_interests").max_length,
    ("profiles", "bio"): spec("bio").max_length,
    ("publications", "abstract"): spec("publications").max_length,
    ("meeting_requests", "note"): MeetingRules().note_length,
    ("meeting_outcomes", "comment"): COMMENT_LIMIT,
    ("survey_answers", "value"): SURVEY_TEXT_LIMIT,
}

#: A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Row = tuple[tuple[str, Any], ...]
#: Every row of every table; JSON columns as their JSON text, so rows compare as tuples.
Snapshot = dict[str, list[dict[str, Any]]]
JSON_COLUMNS = {
    table.name: frozenset(c.name for c in table.columns if isinstance(c.type, JSON))
    for table in Base.metadata.sorted_tables
}


async def snapshot(db_url: str, uow_factory: Any) -> Snapshot:
    """Every row of every table (one read transaction). SQLite is read with the standard
    library, twenty times faster than through the bot's async engine."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database:
        return _sqlite_snapshot(url.database)
    found: Snapshot = {}
    async with uow_factory() as uow:
        for table in Base.metadata.sorted_tables:
            result = await uow.session.execute(select(table))
            found[table.name] = [
                {
                    key: json.dumps(value, sort_keys=True)
                    if key in JSON_COLUMNS[table.name] and value is not None
                    else value
                    for key, value in row.items()
                }
                for row in result.mappings().all()
            ]
    return found


def _sqlite_snapshot(path: str) -> Snapshot:
    found: Snapshot = {}
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.row_factory = sqlite3.Row
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(f'SELECT * FROM "{table.name}"').fetchall()
            found[table.name] = [dict(zip(row.keys(), row, strict=True)) for row in rows]
    return found


def decoded(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A snapshot row with its JSON columns parsed."""
    return {
        key: json.loads(value) if key in JSON_COLUMNS[table] and isinstance(value, str) else value
        for key, value in row.items()
    }


def _frozen(row: dict[str, Any]) -> Row:
    return tuple(row.items())


def _meeting_people(snap: Snapshot) -> dict[int, set[int]]:
    people: dict[int, set[int]] = {}
    for seat in snap.get("meeting_people", []):
        people.setdefault(seat["meeting_id"], set()).add(seat["telegram_id"])
    return people


def _belongs(table: str, row: dict[str, Any], actor: int, seats: dict[int, set[int]]) -> bool:
    if table in MEETING_TABLES:
        meeting = row["id"] if table == "meetings" else row["meeting_id"]
        return actor in seats.get(meeting, set())
    return any(row.get(column) == actor for column in OWNER_COLUMNS.get(table, ()))


def others_rows(snap: Snapshot, actor: int, seats: dict[int, set[int]]) -> dict[str, set[Row]]:
    """The rows that are not the actor's, by table (seats: who sits in which meeting)."""
    return {
        table: {_frozen(r) for r in rows if not _belongs(table, r, actor, seats)}
        for table, rows in snap.items()
        if table not in NOT_COMPARED
    }


def changed_for_others(
    before: Snapshot, after: Snapshot, actor: int, allowed: Collection[str] = ()
) -> list[str]:
    """What a step by `actor` changed in rows that are not theirs (tables in `allowed` may
    change: an organiser's import or schedule)."""
    # A meeting the actor sits in, before or after, is theirs (a cancelled seat stays listed).
    seats = _meeting_people(before)
    for meeting, people in _meeting_people(after).items():
        seats.setdefault(meeting, set()).update(people)
    old, new = others_rows(before, actor, seats), others_rows(after, actor, seats)
    problems: list[str] = []
    for table in sorted(set(old) | set(new)):
        if table in allowed:
            continue
        gone, came = (
            old.get(table, set()) - new.get(table, set()),
            new.get(table, set()) - old.get(table, set()),
        )
        if gone or came:
            problems.append(
                f"{table}: {len(gone)} row(s) of others changed or removed, {len(came)} added; "
                f"before {sorted(gone)[:2]}, after {sorted(came)[:2]}"
            )
    return problems


def limit_problems(after: Snapshot, before: Snapshot | None = None) -> list[str]:
    """Stored texts over their column's length or the product's limit, and NUL characters in
    text columns (PostgreSQL refuses them, so SQLite storing one hides a crash there; JSON
    keeps them escaped, which both accept). Only rows new since `before` are looked at."""
    problems: list[str] = []
    for table in Base.metadata.sorted_tables:
        old = {_frozen(r) for r in (before or {}).get(table.name, [])}
        rows = [r for r in after.get(table.name, []) if not old or _frozen(r) not in old]
        for column in table.columns:
            length = column.type.length if isinstance(column.type, String) else None
            limit = TEXT_LIMITS.get((table.name, column.name), length)
            for row in rows:
                value = row.get(column.name)
                if (table.name, column.name) == ("survey_answers", "value") and value:
                    value = json.loads(value).get("v")  # a survey answer, stored wrapped
                if isinstance(value, str) and limit is not None and len(value) > limit:
                    problems.append(
                        f"{table.name}.{column.name}: {len(value)} characters over {limit}"
                    )
                if isinstance(column.type, String) and "\x00" in (row.get(column.name) or ""):
                    problems.append(f"{table.name}.{column.name}: a NUL character is stored")
    return problems


def formula_cells(data: bytes) -> list[str]:
    """Cells of a CSV file that a spreadsheet would run as a formula (or that start with a tab
    or carriage return, which some strip before looking)."""
    text = data.decode("utf-8-sig")
    found: list[str] = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                found.append(f"line {line}: {cell[:40]!r}")
    return found

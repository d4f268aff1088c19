"""The event file an import writes: the imported sessions, and with --merge the rounds, desks,
survey and session keys of an existing file kept; what changed, in words."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.programme_import.model import ImportedProgramme, ImportedSession, SourceError
from bot.programme_import.toml_writer import dumps

#: Keys an import writes; sessions with other keys were written by hand and are kept.
IMPORTED_PREFIXES = ("indico-", "pretalx-")
#: What the organiser set on a session that no source knows, kept across imports.
ORGANISER_FIELDS = ("capacity", "registration")
#: What a source says about a session (a change in any of them is an update).
SOURCE_FIELDS = ("title", "track", "room", "start", "end", "speakers", "description")
_EMPTY: dict[str, Any] = dict.fromkeys(SOURCE_FIELDS, "") | {
    "speakers": [],
    "start": None,
    "end": None,
}


@dataclass(slots=True)
class MergeReport:
    """Sessions added, updated (by key), kept unchanged, removed; hand-written ones kept."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def read_existing(path: str) -> dict[str, Any]:
    """The existing event file as TOML (its checks come when it is loaded)."""
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"cannot read {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{path} is not valid TOML: {exc}") from None


def _table(session: ImportedSession) -> dict[str, Any]:
    table: dict[str, Any] = {
        "key": session.key,
        "title": session.title,
        "track": session.track,
        "room": session.room,
        "start": session.start,
        "end": session.end,
        "speakers": list(session.speakers),
    }
    if session.description:
        table["description"] = session.description
    return table


def _match(old: list[dict[str, Any]], new: ImportedSession) -> dict[str, Any] | None:
    """The existing session that is this one: same key, else same title and start."""
    for table in old:
        if table.get("key") == new.key:
            return table
    for table in old:
        if table.get("title") == new.title and table.get("start") == new.start:
            return table
    return None


def merge(
    programme: ImportedProgramme, existing: dict[str, Any] | None, name: str | None
) -> tuple[dict[str, Any], MergeReport]:
    """The new event file's content and what changed compared with `existing`."""
    report = MergeReport()
    old_sessions = [s for s in (existing or {}).get("sessions", []) if isinstance(s, dict)]
    matched: set[int] = set()
    sessions: list[dict[str, Any]] = []
    for item in programme.sessions:
        table = _table(item)
        before = _match(old_sessions, item)
        if before is None:
            report.added.append(item.key)
        else:
            matched.add(id(before))
            table["key"] = before.get("key", item.key)
            for kept in ORGANISER_FIELDS:
                if kept in before:
                    table[kept] = before[kept]
            differs = [
                f for f in SOURCE_FIELDS if table.get(f, _EMPTY[f]) != before.get(f, _EMPTY[f])
            ]
            (report.updated if differs else report.unchanged).append(table["key"])
        sessions.append(table)
    for table in old_sessions:
        if id(table) in matched:
            continue
        key = str(table.get("key", ""))
        if key.startswith(IMPORTED_PREFIXES):
            report.removed.append(key)
        else:
            report.kept.append(key)
            sessions.append(table)
    sessions.sort(key=lambda t: (str(t.get("start")), str(t.get("room")), str(t.get("key"))))
    doc: dict[str, Any] = dict(existing or {})
    doc["event"] = _event_table(programme, (existing or {}).get("event"), name, sessions)
    doc["sessions"] = sessions
    order = ["event", *(k for k in doc if k not in ("event", "survey")), "survey"]
    return {k: doc[k] for k in order if k in doc}, report


def _event_table(
    programme: ImportedProgramme,
    before: object,
    name: str | None,
    sessions: list[dict[str, Any]],
) -> dict[str, Any]:
    """Name and zone kept from the existing file; the days widened to hold every session."""
    old = before if isinstance(before, dict) else {}
    days: list[date] = []
    for table in sessions:
        start, end = table.get("start"), table.get("end")
        if isinstance(start, datetime):
            days.append(start.date())
        if isinstance(end, datetime):  # an end at midnight closes the day before
            days.append((end - timedelta(microseconds=1)).date())
    raw_days = old.get("days")
    listed: list[object] = list(raw_days) if isinstance(raw_days, list) else []
    for day in [*listed, old.get("start_date"), old.get("end_date")]:
        if isinstance(day, date) and not isinstance(day, datetime):
            days.append(day)
    if not days:
        raise SourceError("the source has no sessions and no days")
    return {
        "name": name or old.get("name") or programme.name or "Imported programme",
        "timezone": old.get("timezone") or programme.timezone,
        "start_date": min(days),
        "end_date": max(days),
    }


def write(doc: dict[str, Any], header: str) -> str:
    """The file's text: a comment saying where it came from, then the TOML."""
    comment = "".join(f"# {line}\n".replace("# \n", "#\n") for line in header.splitlines())
    return comment + "\n" + dumps(doc)

"""Messages: every problem of an event file as `line N: field: what`, sorted like the file."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from pydantic_core import ErrorDetails

from bot.event_file.positions import Loc

ValueT = TypeVar("ValueT")

_TYPE_MESSAGES = {
    "int_type": "must be a whole number",
    "string_type": 'must be text in "quotes"',
    "bool_type": "must be true or false",
    "datetime_type": "must be a local date and time like 2025-04-10T09:00:00",
    "date_type": "must be a date like 2025-04-10",
    "list_type": "must be a list in [brackets]",
    "model_type": "must be a table",
    "dict_type": "must be a table",
}
_TIME_WITHOUT_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?![:\d])")
_DECODE_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")


class EventFileError(Exception):
    """Everything wrong with an event file, one message per problem: `line N: field: what`."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


def path(loc: Loc) -> str:
    """rounds[1].slot_minutes (indices count from 0, like the TOML arrays they point into)."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f"{'.' if text else ''}{part}"
    return text or "(file)"


def _show(value: object) -> str:
    """The offending value as the organiser wrote it, short."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value[:40]}{"…" if len(value) > 40 else ""}"'
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def field_message(error: ErrorDetails, fields: Collection[str]) -> str:
    """Plain words for pydantic's error types; `fields` of the table give spelling hints."""
    kind = error["type"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(error["loc"][-1]), list(fields), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"unknown key{hint}: remove it or check its spelling"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind in _TYPE_MESSAGES:
        return f"{_TYPE_MESSAGES[kind]}, got {_show(error['input'])}"
    return error["msg"]


def unknown_table(name: str, known: Sequence[str]) -> str:
    """A table the file format does not have, with the closest known name."""
    close = difflib.get_close_matches(name, list(known), n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"unknown table{hint}: the file has [event], [[rounds]], [[desks]] and [[sessions]]"


def syntax_error(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """tomllib's message in our format, with the fix for the commonest slip (no seconds)."""
    found = _DECODE_POSITION.search(str(exc))
    line = int(found.group(1)) if found and found.group(1) else text.count("\n") + 1
    message = _DECODE_POSITION.sub("", str(exc))
    source = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
    if _TIME_WITHOUT_SECONDS.search(source.split("#")[0]):
        message += " (TOML times need seconds: write 2025-04-10T09:00:00, not 2025-04-10T09:00)"
    return f"line {line}: not valid TOML: {message}"


@dataclass
class Problems:
    """Problems found so far, with the positions needed to phrase them."""

    lines: dict[Loc, int]
    doc: dict[str, Any]
    found: list[tuple[Loc, str]] = field(default_factory=list)

    def add(self, loc: Loc, message: str) -> None:
        """Record one problem at a location of the document."""
        self.found.append((loc, message))

    def good(self, loc: Loc, kind: type[ValueT]) -> ValueT | None:
        """A value that passed its own rules, so rules across fields can use it even when another
        field of the same table failed (every problem is reported, not only the first)."""
        if any(loc[: len(bad)] == bad or bad[: len(loc)] == loc for bad, _ in self.found):
            return None
        value: Any = self.doc
        for part in loc:
            present = (isinstance(value, list) and isinstance(part, int) and part < len(value)) or (
                isinstance(value, dict) and part in value
            )
            if not present:
                return None
            value = value[part]
        if isinstance(value, bool) and kind is not bool:
            return None
        return value if isinstance(value, kind) else None

    def line(self, loc: Loc) -> int:
        """Line of the deepest part of loc the file has: the key, else its table's header."""
        for depth in range(len(loc), 0, -1):
            if loc[:depth] in self.lines:
                return self.lines[loc[:depth]]
        return 1

    def repeated(self, loc: Loc, first: Loc, what: str, key: str, note: str = "") -> None:
        """A key used again at loc: name where it was first used, and its line."""
        self.add(
            (*loc, "key"),
            f'duplicate {what} "{key}": already used by {path(first)} '
            f"(line {self.line((*first, 'key'))}){note}",
        )

    def messages(self) -> list[str]:
        """Sorted by line, so the list reads like the file."""
        ordered = sorted(self.found, key=lambda item: self.line(item[0]))
        return [f"line {self.line(loc)}: {path(loc)}: {message}" for loc, message in ordered]

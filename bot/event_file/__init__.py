"""Event files: one TOML file describes the programme; every error names its line and field.

The pieces: `schema` (the tables and their turn into core objects), `positions` (the line of
every key), `messages` (problems in words, sorted like the file) and `checks` (the whole file
against the schema and core's rules)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from bot.event_file.checks import check
from bot.event_file.messages import EventFileError, Problems, syntax_error
from bot.event_file.positions import lines_of
from core.event.model import Event

__all__ = ["EventFileError", "load_event_file", "parse_event_toml"]


def parse_event_toml(text: str) -> Event:
    """Event from TOML text; raises EventFileError listing every problem found."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EventFileError([syntax_error(text, exc)]) from None
    problems = Problems(lines_of(text), doc)
    event = check(problems)
    if event is None:
        raise EventFileError(problems.messages())
    return event


def load_event_file(path: str | Path) -> Event:
    """Event from a TOML file; unreadable files are reported like any other problem."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EventFileError([f"cannot read {path}: {exc}"]) from None
    return parse_event_toml(text)

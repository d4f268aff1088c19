"""What the event-file tests share: the example file, a minimal file, and how to read errors."""

from __future__ import annotations

import textwrap
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.event_file import EventFileError, parse_event_toml

REPO_ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = REPO_ROOT / "examples" / "korea-eu-quantum-forum.toml"
BRUSSELS = ZoneInfo("Europe/Brussels")
TRACKS = {"Quantum Computing & Simulation", "Quantum Communication", "Quantum Sensing & Metrology"}

MINIMAL = textwrap.dedent(
    """\
    [event]
    name = "Test forum"
    timezone = "Europe/Brussels"
    days = [2025-04-09, 2025-04-10]

    [[rounds]]
    key = "morning"
    name = "Morning round"
    start = 2025-04-10T10:00:00
    end = 2025-04-10T11:00:00
    slot_minutes = 20
    tables = 3
    location = "Hall"

    [[desks]]
    key = "proposals"
    expert = "NCP"
    topic = "Proposal development"
    slot_minutes = 30
    location = "Desk 1"
    windows = [
        { start = 2025-04-10T10:00:00, end = 2025-04-10T11:00:00 },
        { start = 2025-04-10T14:00:00, end = 2025-04-10T15:00:00 },
    ]

    [[sessions]]
    key = "opening"
    title = "Opening"
    track = "Plenary"
    room = "Hall"
    start = 2025-04-09T09:30:00
    end = 2025-04-09T10:15:00
    speakers = ["DG CNECT", "MSIT"]
    """
)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing needle, so tests survive edits of the fixture."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]


def errors_of(text: str) -> list[str]:
    """The messages parse_event_toml raises for text (their joined form is the error text)."""
    with pytest.raises(EventFileError) as caught:
        parse_event_toml(text)
    assert str(caught.value) == "\n".join(caught.value.messages)
    return caught.value.messages


def local_day(moment: datetime) -> date:
    """The day in Brussels of a UTC moment."""
    return moment.astimezone(BRUSSELS).date()


SURVEY = textwrap.dedent(
    """\

    [survey]
    opens = 2025-04-10T17:00:00
    closes = 2025-04-24T23:59:00

    [[survey.questions]]
    key = "overall"
    kind = "rating"
    en = "Overall?"
    ko = "전반적으로?"

    [[survey.questions]]
    key = "next"
    kind = "single"
    en = "Next year?"
    ko = "내년에도?"
    options = [
        { key = "yes", en = "Yes", ko = "네" },
        { key = "no", en = "No", ko = "아니요" },
    ]

    [[survey.questions]]
    key = "ideas"
    kind = "text"
    required = false
    max_length = 500
    en = "Ideas?"
    ko = "의견?"
    """
)
WITH_SURVEY = MINIMAL + SURVEY

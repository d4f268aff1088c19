"""Value rules the features share, worded once: the models refuse with these words, and the
event-file loader reports the same words at the line of the field that broke them."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from datetime import datetime

#: Where a broken rule sits inside the object that refused it: ("windows", 1, "ends_at").
Field = tuple[str | int, ...]


class RuleBroken(ValueError):
    """A model refused a value; `field` and `first` (for repeats) let a caller point at them."""

    def __init__(self, owner: str, field: Field, message: str, *, first: Field | None = None):
        self.owner = owner
        self.field = field
        self.message = message
        #: For a repeated key: where the first use sits, in the same object.
        self.first = first
        super().__init__(f"{owner} {'.'.join(str(part) for part in field)}: {message}")


def minute(value: datetime) -> str:
    """A moment as the messages show it: 2025-04-10 09:00."""
    return f"{value:%Y-%m-%d %H:%M}"


def blank(value: str) -> str | None:
    """Names and wordings people read must say something."""
    return "must not be empty" if not value.strip() else None


def between(value: int, low: int, high: int) -> str | None:
    """A range whose message states both bounds."""
    return None if low <= value <= high else f"must be between {low} and {high} (got {value})"


def positive(value: int) -> str | None:
    """Counts and Telegram ids start at 1."""
    return None if value >= 1 else f"must be 1 or more (got {value})"


def after(start: datetime, end: datetime, start_name: str = "start") -> str | None:
    """An end (or closing) must come after its start (or opening)."""
    return f"must be after {start_name} ({minute(start)})" if end <= start else None


def repeats(keys: Sequence[Hashable | None]) -> list[tuple[int, int]]:
    """(index, index of the first use) for every key used again; None keys are skipped."""
    first: dict[Hashable, int] = {}
    found: list[tuple[int, int]] = []
    for i, key in enumerate(keys):
        if key is None:
            continue
        if key in first:
            found.append((i, first[key]))
        else:
            first[key] = i
    return found

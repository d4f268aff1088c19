"""Instants in UTC: what the event file, slots and sessions store, whatever offset was given."""

from __future__ import annotations

from datetime import UTC, datetime


def as_utc(value: datetime, what: str) -> datetime:
    """Normalise to UTC so equal instants give equal slot keys, whatever offset the caller used."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware (got naive {value.isoformat()})")
    return value.astimezone(UTC)

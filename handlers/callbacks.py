"""Compact callback data: 'prefix:verb:arg…', always within Telegram's 64 bytes, never trusted."""

from __future__ import annotations

MAX_BYTES = 64


def pack(*parts: str | int) -> str:
    """Join parts with ':'; a part may not contain ':' and the result must fit 64 bytes."""
    texts = [str(p) for p in parts]
    if any(":" in t or not t for t in texts):
        raise ValueError(f"bad callback part in {texts!r}")
    data = ":".join(texts)
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def unpack(data: str | None) -> list[str]:
    """Split callback data; garbage gives an empty list rather than an exception."""
    if not data or len(data.encode()) > MAX_BYTES:
        return []
    return data.split(":")


def as_int(text: str) -> int | None:
    """Parse an id from callback data without trusting it."""
    try:
        return int(text)
    except ValueError:
        return None

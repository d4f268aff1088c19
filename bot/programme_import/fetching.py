"""A source is a file or an https URL; a fetch has a timeout and fails in one line."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from bot.programme_import.model import SourceError

TIMEOUT = httpx.Timeout(20.0, connect=10.0)
#: Exports of big events run to megabytes; anything much bigger is not a programme.
MAX_BYTES = 50_000_000


def is_url(source: str) -> bool:
    """http(s) URLs are fetched; anything else is a path."""
    return source.startswith(("https://", "http://"))


def read_bytes(source: str, transport: httpx.BaseTransport | None = None) -> bytes:
    """The bytes of a file or an https URL (plain http is refused: exports may be private)."""
    if not is_url(source):
        try:
            return Path(source).read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read {source}: {exc.strerror or exc}") from None
    if not source.startswith("https://"):
        raise SourceError(f"{source}: only https:// URLs are fetched")
    try:
        with httpx.Client(transport=transport, timeout=TIMEOUT, follow_redirects=True) as client:
            response = client.get(source, headers={"Accept": "application/json"})
    except httpx.TimeoutException:
        raise SourceError(f"{source}: no answer within {TIMEOUT.read:.0f} s") from None
    except httpx.HTTPError as exc:
        raise SourceError(f"cannot reach {source} (offline?): {exc}") from None
    if response.status_code != 200:
        raise SourceError(f"{source} answered HTTP {response.status_code}")
    if len(response.content) > MAX_BYTES:
        raise SourceError(f"{source} is larger than {MAX_BYTES // 1_000_000} MB")
    return response.content


def read_json(source: str, transport: httpx.BaseTransport | None = None) -> object:
    """The JSON document at a file or URL."""
    data = read_bytes(source, transport)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{source} is not JSON: {exc}") from None

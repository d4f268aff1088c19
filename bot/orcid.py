"""ORCID's public API over HTTP: one record per request, a timeout, one retry when ORCID is slow
or briefly down; every failure becomes OrcidUnavailable with its reason."""

from __future__ import annotations

import json
import logging

import httpx

from core.people.orcid import OrcidUnavailable

log = logging.getLogger(__name__)
API = "https://pub.orcid.org/v3.0"
TIMEOUT = httpx.Timeout(8.0, connect=5.0)
ATTEMPTS = 2  # the request and one retry


class HttpOrcidRecords:
    """GET {API}/<iD>/record as JSON; tests hand in an httpx.MockTransport."""

    def __init__(
        self, transport: httpx.AsyncBaseTransport | None = None, base_url: str = API
    ) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")

    async def record(self, orcid: str) -> object:
        """The public record; OrcidUnavailable("not_found" | "unreachable" | "malformed")."""
        url = f"{self.base_url}/{orcid}/record"
        async with httpx.AsyncClient(transport=self.transport, timeout=TIMEOUT) as client:
            for attempt in range(1, ATTEMPTS + 1):
                try:
                    response = await client.get(url, headers={"Accept": "application/json"})
                except httpx.HTTPError as exc:
                    log.info("ORCID record: %s (attempt %d)", type(exc).__name__, attempt)
                    continue
                if response.status_code == 404:
                    raise OrcidUnavailable(reason="not_found")
                if response.status_code >= 500 or response.status_code == 429:
                    log.info("ORCID record: HTTP %d (attempt %d)", response.status_code, attempt)
                    continue
                if response.status_code != 200:
                    raise OrcidUnavailable(reason="unreachable")
                try:
                    return json.loads(response.content)
                except (UnicodeDecodeError, json.JSONDecodeError):
                    raise OrcidUnavailable(reason="malformed") from None
        raise OrcidUnavailable(reason="unreachable")

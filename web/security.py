"""The desk's guards: security headers on every answer, the login rate limit, CSRF checks."""

from __future__ import annotations

import hmac
import time
from collections import deque
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

#: No inline script or style anywhere: the pages load /static files only.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class SecurityHeaders:
    """ASGI middleware adding the headers above (and no-store for pages) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += HEADERS
                if not static:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class RateLimit:
    """At most `limit` attempts per key (the client address) in a sliding minute."""

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self.seen: dict[str, deque[float]] = {}

    def allow(self, key: str, now: float | None = None) -> bool:
        """Count one attempt; False when the key used up its minute."""
        moment = time.monotonic() if now is None else now
        times = self.seen.setdefault(key, deque())
        while times and times[0] <= moment - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(moment)
        if len(self.seen) > 10_000:  # forget idle clients so the table stays small
            self.seen = {k: v for k, v in self.seen.items() if v}
        return True


def same_token(expected: str, given: str | None) -> bool:
    """A CSRF token check that takes the same time whatever matches."""
    return bool(given) and hmac.compare_digest(expected.encode(), str(given).encode())

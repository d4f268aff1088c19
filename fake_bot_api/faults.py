"""Failures on demand: injected errors, users who blocked the bot, and a send-rate limit."""

from __future__ import annotations

import math
import time

from fake_bot_api.errors import ApiError
from fake_bot_api.limits import CHAT_METHODS, SEND_METHODS, JSONDict
from fake_bot_api.records import Fault
from fake_bot_api.state import FakeState


class FaultInjection(FakeState):
    """Decides, before a method runs, whether Telegram would refuse it for reasons of state."""

    def _check_faults(self, method: str, params: JSONDict) -> None:
        """Raise an injected failure, a block, or a rate-limit answer if one applies."""
        chat_id = params.get("chat_id")
        for fault in self._faults:
            if fault.method is None and method == "getUpdates":
                continue
            if fault.method is not None and fault.method != method:
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            if fault.retry_after is not None:
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                )
            raise ApiError(fault.status, fault.description)
        if method in CHAT_METHODS and chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if method in SEND_METHODS and self.rate_limit_per_second:
            rate = self.rate_limit_per_second
            window = max(1.0, 1.0 / rate)
            allowed = max(1, math.floor(rate * window))
            now = time.monotonic()
            while self._send_times and now - self._send_times[0] >= window:
                self._send_times.popleft()
            if len(self._send_times) >= allowed:
                self.too_many_requests += 1
                raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self._send_times.append(now)

    # ---- fault injection -------------------------------------------------------------------

    def block(self, chat_id: int) -> None:
        """Make the user at chat_id have blocked the bot: sends answer 403."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        """Undo block()."""
        with self._lock:
            self._blocked.discard(chat_id)

    def fail_next(
        self,
        method: str | None = None,
        *,
        chat_id: int | None = None,
        retry_after: int | None = None,
        status: int = 400,
        description: str = "Bad Request: injected",
        times: int = 1,
    ) -> None:
        """Make the next `times` matching calls fail (429 with retry_after if given)."""
        with self._lock:
            self._faults.append(Fault(method, chat_id, status, description, retry_after, times))

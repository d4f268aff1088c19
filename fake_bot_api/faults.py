"""Failures on demand: injected errors, users who blocked the bot, and the load limits."""

from __future__ import annotations

import math

from fake_bot_api.errors import ApiError
from fake_bot_api.limits import (
    CHAT_LIMITED_METHODS,
    CHAT_METHODS,
    GLOBAL_LIMITED_METHODS,
    JSONDict,
)
from fake_bot_api.records import Fault
from fake_bot_api.state import FakeState

# Float slack, so refills summed from a virtual clock's steps land on whole tokens and seconds.
_EPSILON = 1e-9


def _whole_seconds(wait: float) -> int:
    """Telegram's retry_after: whole seconds, rounded up, never less than one."""
    return max(1, math.ceil(wait - _EPSILON))


def _too_many(retry_after: int) -> ApiError:
    """The 429 Telegram answers over a limit, retry_after in the text and in parameters."""
    return ApiError(
        429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
    )


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
                raise _too_many(fault.retry_after)
            raise ApiError(fault.status, fault.description)
        if method in CHAT_METHODS and chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        self._check_load(method, chat_id)

    def _check_load(self, method: str, chat_id: object) -> None:
        """Refuse a call over the global or the per-chat limit; only an accepted call counts."""
        now = self.monotonic()
        global_wait = self._global_wait(now) if method in GLOBAL_LIMITED_METHODS else 0
        if global_wait:
            self.too_many_requests += 1
            self.too_many_global += 1
            raise _too_many(global_wait)
        chat = chat_id if isinstance(chat_id, int | str) else None
        if chat is not None and self.per_chat_burst and method in CHAT_LIMITED_METHODS:
            tokens, chat_wait = self._chat_tokens(chat, now)
            if chat_wait:
                self.too_many_requests += 1
                self.too_many_per_chat += 1
                raise _too_many(chat_wait)
            self._chat_buckets[chat] = (tokens - 1.0, now)
        if self.rate_limit_per_second and method in GLOBAL_LIMITED_METHODS:
            self._send_times.append(now)

    def _global_wait(self, now: float) -> int:
        """Whole seconds until the global sliding window has room (0: room now)."""
        rate = self.rate_limit_per_second
        if not rate:
            return 0
        window = max(1.0, 1.0 / rate)
        allowed = max(1, math.floor(rate * window))
        while self._send_times and now - self._send_times[0] >= window - _EPSILON:
            self._send_times.popleft()
        if len(self._send_times) < allowed:
            return 0
        return _whole_seconds(self._send_times[0] + window - now)

    def _chat_tokens(self, chat_id: int | str, now: float) -> tuple[float, int]:
        """A chat's refilled token bucket and whole seconds until it holds a token (0: now)."""
        burst = float(self.per_chat_burst or 1)
        rate = self.per_chat_per_second
        tokens, last = self._chat_buckets.get(chat_id, (burst, now))
        tokens = min(burst, tokens + max(0.0, now - last) * rate)
        if tokens >= 1.0 - _EPSILON:
            return tokens, 0
        return tokens, _whole_seconds((1.0 - tokens) / rate)

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

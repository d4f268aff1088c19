"""Burst-free pacing for the outbox: one send every 1/rate seconds on absolute deadlines.

A token bucket (aiolimiter) lets a full second's worth of sends through at once, so a 1-second
window can see nearly twice the rate and Telegram answers 429. Deadlines never bunch up: a
caller takes the next free slot (never one in the past, so a slow sender does not catch up in a
burst) and sleeps until it."""

from __future__ import annotations

import asyncio
from types import TracebackType


class DeadlinePacer:
    """`async with pacer:` waits for the caller's slot; at most ceil(rate) + 1 per second."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next_at = 0.0

    async def __aenter__(self) -> None:
        loop = asyncio.get_running_loop()
        now = loop.time()
        slot = max(self.next_at, now)
        self.next_at = slot + self.interval
        if slot > now:
            await asyncio.sleep(slot - now)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

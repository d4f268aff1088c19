"""Pacing for the outbox: a steady rate with a small catch-up allowance, checked at send time.

A plain token bucket (aiolimiter) lets a full second's worth of sends through at once, so a
1-second window can see nearly twice the rate and Telegram answers 429. Sleeping to fixed
deadlines has the opposite fault: the event loop wakes late (timers are rounded to a
millisecond, other tasks run), every late wake-up is time lost for good, and the rate falls well
short at hundreds of messages a second. This is the generic cell rate algorithm (GCRA): a
theoretical time for the next send advances by 1/rate per send, and a caller may go ahead as long
as it is at most ``catch_up`` seconds early. Late wake-ups are caught up, but never by more than
that, so any window of T seconds holds at most 1 + (T + catch_up) x rate sends. Callers are
admitted one at a time in arrival order, and the clock is read when they are admitted, not when
they queued, so a stalled event loop cannot release a crowd of stale reservations at once."""

from __future__ import annotations

import asyncio
from types import TracebackType


class Pacer:
    """`async with pacer:` waits for the caller's turn; <= 1 + (T + catch_up) x rate in T s."""

    def __init__(self, rate: float, catch_up: float = 0.0) -> None:
        self.rate = rate
        self.interval = 1.0 / rate
        self.catch_up = max(0.0, catch_up)
        #: Theoretical time of the next send, on the event loop's clock.
        self.next_at = 0.0
        self._gate = asyncio.Lock()

    async def __aenter__(self) -> None:
        async with self._gate:
            loop = asyncio.get_running_loop()
            early = self.next_at - self.catch_up - loop.time()
            if early > 0:
                await asyncio.sleep(early)
            self.next_at = max(self.next_at, loop.time()) + self.interval

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

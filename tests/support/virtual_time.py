"""Virtual seconds for the send scheduler and the fake Bot API: limits hold, tests never sleep."""

from __future__ import annotations

import asyncio


class VirtualTimer:
    """A monotonic clock that jumps forward whenever someone waits, instead of sleeping."""

    def __init__(self, start: float = 1000.0) -> None:
        self.t = start

    def now(self) -> float:
        return self.t

    def monotonic(self) -> float:
        """For the fake Bot API's limits (it reads the same seconds)."""
        return self.t

    async def wait(self, waker: asyncio.Future[None], seconds: float) -> None:
        """Let others run once; if nothing woke us, the time we would have slept has passed."""
        await asyncio.sleep(0)
        if not waker.done():
            self.t += max(0.0, seconds)

    def advance(self, seconds: float) -> None:
        """Time passing between two things a test does (a person thinking)."""
        self.t += seconds

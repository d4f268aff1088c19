"""The real clocks, the time of day and the event loop's seconds (tests pass their own)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Protocol


class SystemClock:
    """UTC now, from the operating system."""

    def now(self) -> datetime:
        """Timezone-aware current time."""
        return datetime.now(UTC)


class Timer(Protocol):
    """The scheduler's clock: the event loop's in production, a virtual one in tests."""

    def now(self) -> float: ...

    async def wait(self, waker: asyncio.Future[None], seconds: float) -> None:
        """Return when `waker` is done or `seconds` passed, whichever is first."""


class LoopTimer:
    """The event loop's monotonic clock."""

    def now(self) -> float:
        return asyncio.get_running_loop().time()

    async def wait(self, waker: asyncio.Future[None], seconds: float) -> None:
        handle = asyncio.get_running_loop().call_later(seconds, wake_up, waker)
        try:
            await waker
        finally:
            handle.cancel()


def wake_up(waker: asyncio.Future[None]) -> None:
    """Release whoever awaits the waker (once)."""
    if not waker.done():
        waker.set_result(None)

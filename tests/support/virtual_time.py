"""Virtual seconds for the send scheduler and the fake Bot API: limits hold, tests never sleep."""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Awaitable, Callable
from typing import Any

#: Real timers due this soon count as work in progress (a slow request a test simulates).
_SOON = 0.05
#: How long (real seconds) time stands still for database work in progress before it jumps
#: anyway (a query waiting for a lock that a virtually sleeping task holds would wait forever).
_DATABASE_PATIENCE = 0.5


class _DatabaseWork:
    """Counts the database calls in progress: SQLAlchemy's asyncio adapters hand every driver
    call to `await_`, and while one runs in aiosqlite's thread or on asyncpg's socket the event
    loop looks idle, though the work is not done."""

    busy = 0
    installed = False

    @classmethod
    def install(cls) -> None:
        """Wrap `await_` where the SQLite and PostgreSQL adapters call it (once per run)."""
        if cls.installed:
            return
        from sqlalchemy.connectors import asyncio as connector
        from sqlalchemy.dialects.postgresql import asyncpg
        from sqlalchemy.dialects.sqlite import aiosqlite

        for module in (connector, aiosqlite, asyncpg):
            module.await_ = cls._counting(module.await_)  # type: ignore[attr-defined]
        cls.installed = True

    @classmethod
    def _counting(cls, await_: Callable[[Awaitable[Any]], Any]) -> Callable[[Awaitable[Any]], Any]:
        def counted(awaitable: Awaitable[Any]) -> Any:
            return await_(cls._while(awaitable))

        return counted

    @classmethod
    async def _while(cls, awaitable: Awaitable[Any]) -> Any:
        cls.busy += 1
        try:
            return await awaitable
        finally:
            cls.busy -= 1


class VirtualTimer:
    """A monotonic clock for a discrete-event run: while anything can still run, time stands
    still; when everything waits, it jumps to the earliest wake-up. A send just admitted so
    reaches the fake at the very second it was admitted, however long it took in real time.
    Database work in progress counts as running (for up to half a real second per step), so
    virtual time does not pass while a query is on its way, however slow the machine."""

    def __init__(self, start: float = 1000.0) -> None:
        self.t = start
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = itertools.count()
        self._advancer: asyncio.Task[None] | None = None
        _DatabaseWork.install()

    def now(self) -> float:
        return self.t

    def monotonic(self) -> float:
        """For the fake Bot API's limits (it reads the same seconds)."""
        return self.t

    async def wait(self, waker: asyncio.Future[None], seconds: float) -> None:
        """Return when `waker` is done or the virtual time reached now + seconds."""
        if waker.done():
            return
        alarm: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.t + max(0.0, seconds), next(self._seq), alarm))
        if self._advancer is None or self._advancer.done():
            self._advancer = asyncio.create_task(self._advance())
        try:
            await asyncio.wait({waker, alarm}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            alarm.cancel()

    def advance(self, seconds: float) -> None:
        """Time passing between two things a test does (a person thinking, a restart)."""
        self.t += seconds

    async def _advance(self) -> None:
        loop = asyncio.get_running_loop()
        waited_since: float | None = None
        while True:
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)
            if not self._sleepers:
                return
            await asyncio.sleep(0)
            if loop._ready:
                continue
            if _real_timer_soon(loop):
                await asyncio.sleep(0.001)
                continue
            if _DatabaseWork.busy:
                waited_since = waited_since or time.monotonic()
                if time.monotonic() - waited_since < _DATABASE_PATIENCE:
                    await asyncio.sleep(0.001)
                    continue
            waited_since = None
            while self._sleepers and self._sleepers[0][2].done():
                heapq.heappop(self._sleepers)
            if self._sleepers:
                at, _, alarm = heapq.heappop(self._sleepers)
                self.t = max(self.t, at)
                alarm.set_result(None)


def _real_timer_soon(loop: Any) -> bool:
    """A real timer about to fire: a slow request a test simulates is still on its way."""
    horizon = loop.time() + _SOON
    return any(not handle.cancelled() and handle.when() < horizon for handle in loop._scheduled)

"""Timers for the broadcast benchmark: limiter and pacer waits, dispatcher phases, peak rate."""

from __future__ import annotations

import bisect
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from aiolimiter import AsyncLimiter

import bot.dispatcher as dispatcher_module
from bot.app import ForumApp
from bot.pacing import Pacer


class TimedLimiter(AsyncLimiter):
    """An AsyncLimiter that adds up the time callers spend waiting for capacity."""

    def __init__(self, max_rate: float, time_period: float = 60) -> None:
        super().__init__(max_rate, time_period)
        self.waited = 0.0

    async def acquire(self, amount: float = 1) -> None:
        """Acquire as AsyncLimiter does, timing the wait."""
        start = time.perf_counter()
        await super().acquire(amount)
        self.waited += time.perf_counter() - start


class TimedPacer(Pacer):
    """The dispatcher's pacer, adding up the time senders wait for their turn."""

    def __init__(self, rate: float, catch_up: float = 0.0) -> None:
        super().__init__(rate, catch_up)
        self.waited = 0.0

    async def __aenter__(self) -> None:
        start = time.perf_counter()
        await super().__aenter__()
        self.waited += time.perf_counter() - start


@dataclass(slots=True)
class Breakdown:
    """Seconds spent in each dispatcher phase and limiter during the dispatch loop."""

    claim: float = 0.0
    send: float = 0.0
    record: float = 0.0
    dispatcher_wait: float = 0.0
    ptb_wait: float | None = None

    def line(self, messages: int) -> str:
        """Milliseconds per message, phase by phase."""
        per = 1000.0 / max(messages, 1)
        ptb = "n/a" if self.ptb_wait is None else f"{self.ptb_wait * per:.3f}"
        return (
            f"ms/msg: claim {self.claim * per:.3f}, send {self.send * per:.3f} "
            f"(of which pacer wait {self.dispatcher_wait * per:.3f}, "
            f"AIORateLimiter wait {ptb}), record outcome {self.record * per:.3f}"
        )


def peak_per_window(stamps: list[float], window: float = 1.0) -> int:
    """Most timestamps falling in any half-open window of the given length."""
    stamps = sorted(stamps)
    best = 0
    for i, start in enumerate(stamps):
        best = max(best, bisect.bisect_left(stamps, start + window, lo=i) - i)
    return best


def _timed(
    func: Callable[..., Awaitable[Any]], into: Breakdown, phase: str
) -> Callable[..., Awaitable[Any]]:
    """Wrap an async function so its run time is added to one phase of the breakdown."""

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return await func(*args, **kwargs)
        finally:
            setattr(into, phase, getattr(into, phase) + time.perf_counter() - start)

    return wrapper


@contextmanager
def phase_timers(into: Breakdown) -> Iterator[None]:
    """Time the dispatcher's claim, send and record calls (patched in bot.dispatcher, restored)."""
    names = {"claim_batch": "claim", "send_rendered": "send", "record_outcomes": "record"}
    originals = {name: getattr(dispatcher_module, name) for name in names}
    try:
        for name, phase in names.items():
            setattr(dispatcher_module, name, _timed(originals[name], into, phase))
        yield
    finally:
        for name, original in originals.items():
            setattr(dispatcher_module, name, original)


def instrument_ptb_limiter(app: ForumApp) -> TimedLimiter | None:
    """Swap AIORateLimiter's overall bucket for an identical timed one (None if not found)."""
    limiter = app.bot.rate_limiter
    base = getattr(limiter, "_base_limiter", None)
    if not isinstance(base, AsyncLimiter):
        return None
    timed = TimedLimiter(base.max_rate, base.time_period)
    setattr(limiter, "_base_limiter", timed)  # noqa: B010 - private attribute of PTB
    return timed

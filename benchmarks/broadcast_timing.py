"""Timers for the broadcast benchmark: send-scheduler waits, dispatcher phases, peak rate."""

from __future__ import annotations

import bisect
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import bot.dispatcher as dispatcher_module
from bot.sending import SendScheduler


@dataclass(slots=True)
class Breakdown:
    """Seconds spent in each dispatcher phase, and waiting for the send scheduler, while the
    dispatch loop ran."""

    claim: float = 0.0
    send: float = 0.0
    record: float = 0.0
    scheduler_wait: float = 0.0

    def line(self, messages: int) -> str:
        """Milliseconds per message, phase by phase."""
        per = 1000.0 / max(messages, 1)
        return (
            f"ms/msg: claim {self.claim * per:.3f}, send {self.send * per:.3f} "
            f"(of which waiting for the send scheduler {self.scheduler_wait * per:.3f}), "
            f"record outcome {self.record * per:.3f}"
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


@contextmanager
def scheduler_timer(scheduler: SendScheduler, into: Breakdown) -> Iterator[None]:
    """Add up the time calls wait in SendScheduler.admit (wrapped on this instance, restored)."""
    original = scheduler.admit

    async def admit(*args: Any, **kwargs: Any) -> None:
        start = time.perf_counter()
        try:
            await original(*args, **kwargs)
        finally:
            into.scheduler_wait += time.perf_counter() - start

    setattr(scheduler, "admit", admit)  # noqa: B010 - an instance attribute shadows the method
    try:
        yield
    finally:
        delattr(scheduler, "admit")

"""The outbox pacer: a steady rate, a bounded catch-up after a late wake-up, never a crowd."""

from __future__ import annotations

import asyncio
import bisect
import gc
import time

from bot.app import freeze_startup_heap
from bot.pacing import Pacer


def most_in_any_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    return max(bisect.bisect_left(stamps, s + window, lo=i) - i for i, s in enumerate(stamps))


async def admit(
    pacer: Pacer, senders: int, each: int, stall_after: int | None = None
) -> list[float]:
    """Admission times of `senders` concurrent tasks taking `each` turns; optionally the event
    loop is blocked for 50 ms after some admissions (a long garbage collection, say)."""
    loop = asyncio.get_running_loop()
    stamps: list[float] = []

    async def sender() -> None:
        for _ in range(each):
            async with pacer:
                stamps.append(loop.time())
                if stall_after is not None and len(stamps) == stall_after:
                    time.sleep(0.05)  # noqa: ASYNC251 - the point is to block the loop

    await asyncio.gather(*(sender() for _ in range(senders)))
    return stamps


async def test_a_steady_rate_with_a_bounded_catch_up():
    pacer = Pacer(200, catch_up=0.01)
    stamps = await admit(pacer, senders=20, each=6)
    assert len(stamps) == 120
    # Any window of T seconds holds at most 1 + (T + catch_up) x rate admissions.
    assert most_in_any_window(stamps, 0.1) <= 1 + (0.1 + 0.01) * 200
    assert most_in_any_window(stamps, 0.25) <= 1 + (0.25 + 0.01) * 200
    # And the rate is kept: 120 admissions at 200/s take at least 119/200 - catch_up seconds.
    assert max(stamps) - min(stamps) >= 119 / 200 - 0.01


async def test_a_stalled_loop_catches_up_only_a_little():
    pacer = Pacer(200, catch_up=0.015)
    stamps = await admit(pacer, senders=10, each=8, stall_after=20)
    after = sorted(stamps)[20:]
    # Ten senders were queued during the 50 ms stall; only 1 + 15 ms' worth go at once.
    assert most_in_any_window(after, 0.004) <= 4
    assert most_in_any_window(stamps, 0.1) <= 1 + (0.1 + 0.015) * 200


def test_start_up_objects_are_kept_out_of_full_collections():
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()

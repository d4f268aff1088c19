"""The send scheduler: one budget for the token, per-chat pace, priorities, flood control."""

from __future__ import annotations

import asyncio
import bisect
import gc
import itertools
import logging
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.app import freeze_startup_heap
from bot.send_limits import (
    CHAT_LIMITED_METHODS,
    GLOBAL_LIMITED_METHODS,
    Priority,
    SendLimits,
    sending_as,
)
from bot.sending import SendScheduler
from tests.support.virtual_time import VirtualTimer


def most_in_any_window(stamps: list[float], window: float) -> int:
    stamps = sorted(stamps)
    return max(bisect.bisect_left(stamps, s + window, lo=i) - i for i, s in enumerate(stamps))


def virtual(**limits: Any) -> tuple[SendScheduler, VirtualTimer]:
    timer = VirtualTimer()
    return SendScheduler(SendLimits(**limits), timer), timer


async def send(
    scheduler: SendScheduler,
    log: list[tuple[str, float]],
    name: str,
    chat: int,
    priority: Priority = Priority.INTERACTIVE,
    endpoint: str = "sendMessage",
) -> None:
    """One call through the rate limiter PTB uses, recording when it was made."""

    async def call() -> bool:
        log.append((name, scheduler.timer.now()))
        return True

    with sending_as(priority):
        await scheduler.process_request(call, (), {}, endpoint, {"chat_id": chat}, None)


async def test_replies_go_before_notifications_and_broadcasts():
    scheduler, _timer = virtual(per_second=10, catch_up=0)
    log: list[tuple[str, float]] = []
    first = asyncio.create_task(send(scheduler, log, "first", 1))
    await asyncio.sleep(0)
    waiting = [
        asyncio.create_task(send(scheduler, log, f"b{n}", 100 + n, Priority.BROADCAST))
        for n in range(3)
    ]
    waiting += [
        asyncio.create_task(send(scheduler, log, f"n{n}", 200 + n, Priority.NOTIFICATION))
        for n in range(2)
    ]
    waiting += [asyncio.create_task(send(scheduler, log, f"r{n}", 300 + n)) for n in range(2)]
    await asyncio.gather(first, *waiting)
    assert [name for name, _ in log] == ["first", "r0", "r1", "n0", "n1", "b0", "b1", "b2"]
    times = [at for _, at in log]
    # One every 0.1 s: the budget is the same, only the order changed.
    assert all(b - a == pytest.approx(0.1) for a, b in itertools.pairwise(times))


async def test_a_broadcast_takes_back_the_capacity_when_replies_stop():
    scheduler, _timer = virtual(per_second=10, catch_up=0)
    log: list[tuple[str, float]] = []
    broadcast = [
        asyncio.create_task(send(scheduler, log, f"b{n}", 100 + n, Priority.BROADCAST))
        for n in range(4)
    ]
    await asyncio.sleep(0)
    reply = asyncio.create_task(send(scheduler, log, "reply", 1))
    await asyncio.gather(*broadcast, reply)
    names = [name for name, _ in log]
    # The reply came in while the broadcast was going out: it went next, then the broadcast went on.
    assert names.index("reply") <= 2
    assert sorted(names) == sorted(["b0", "b1", "b2", "b3", "reply"])
    assert scheduler.stats.admitted_by_priority[Priority.BROADCAST] == 4


async def test_one_chat_gets_a_burst_then_one_message_a_second():
    scheduler, timer = virtual(per_second=30, chat_burst=3, chat_interval=1.0, catch_up=0)
    start = timer.now()
    log: list[tuple[str, float]] = []
    await asyncio.gather(*(send(scheduler, log, f"m{n}", 7) for n in range(5)))
    assert [name for name, _ in log] == ["m0", "m1", "m2", "m3", "m4"]  # in order
    offsets = [at - start for _, at in log]
    assert offsets[:3] == pytest.approx([0, 1 / 30, 2 / 30], abs=1e-6)
    assert offsets[3] == pytest.approx(1.0, abs=1e-6)
    assert offsets[4] == pytest.approx(2.0, abs=1e-6)


async def test_a_chat_that_waits_does_not_hold_up_other_chats():
    scheduler, timer = virtual(per_second=30, chat_burst=1, chat_interval=1.0, catch_up=0)
    start = timer.now()
    log: list[tuple[str, float]] = []
    busy = [asyncio.create_task(send(scheduler, log, f"busy{n}", 1)) for n in range(3)]
    await asyncio.sleep(0)
    others = [asyncio.create_task(send(scheduler, log, f"other{n}", 10 + n)) for n in range(3)]
    await asyncio.gather(*busy, *others)
    when = dict(log)
    assert all(when[f"other{n}"] - start < 0.2 for n in range(3))
    assert when["busy2"] - start == pytest.approx(2.0, abs=1e-6)


async def test_edits_keep_the_chat_pace_but_not_the_bot_budget():
    assert "editMessageText" in CHAT_LIMITED_METHODS
    assert "editMessageText" not in GLOBAL_LIMITED_METHODS
    scheduler, timer = virtual(per_second=1, chat_burst=3, catch_up=0)
    start = timer.now()
    log: list[tuple[str, float]] = []
    await send(scheduler, log, "sent", 1)
    for n in range(2):
        await send(scheduler, log, f"edit{n}", 2, endpoint="editMessageText")
    # The bot may send one message a second; edits in another chat did not wait for it.
    assert [round(at - start, 6) for _, at in log] == [0, 0, 0]


async def test_edits_do_not_wait_behind_sends_held_by_the_bot_budget():
    scheduler, timer = virtual(per_second=1, chat_burst=3, catch_up=0)
    start = timer.now()
    log: list[tuple[str, float]] = []
    sends = [asyncio.create_task(send(scheduler, log, f"send{n}", n)) for n in range(4)]
    await asyncio.sleep(0)
    # Three sends wait for the bot's budget (one a second); edits in other chats go now, and
    # an edit in a chat whose own send still waits keeps its place behind it.
    edits = [
        asyncio.create_task(send(scheduler, log, f"edit{n}", 10 + n, endpoint="editMessageText"))
        for n in range(2)
    ]
    after_own_send = asyncio.create_task(
        send(scheduler, log, "edit-after-send3", 3, endpoint="editMessageText")
    )
    await asyncio.gather(*sends, *edits, after_own_send)
    when = {name: round(at - start, 6) for name, at in log}
    assert [when[f"send{n}"] for n in range(4)] == [0, 1, 2, 3]
    assert when["edit0"] == when["edit1"] == 0
    assert when["edit-after-send3"] == 3
    names = [name for name, _ in log]
    assert names.index("send3") < names.index("edit-after-send3")


async def test_a_send_counts_from_admission_until_a_second_after_its_answer():
    # Telegram counts a send when it arrives, anywhere between admission and answer; on a
    # busy loop late sends could arrive together, so at most `ceiling` count at once.
    scheduler, timer = virtual(per_second=10, ceiling=12, catch_up=0)
    answers, twelve = asyncio.Event(), asyncio.Event()
    made: list[float] = []
    answered: list[float] = []

    async def call() -> bool:
        made.append(timer.now())
        if len(made) == 12:
            twelve.set()
        await answers.wait()
        answered.append(timer.now())
        return True

    calls = [
        asyncio.create_task(
            scheduler.process_request(call, (), {}, "sendMessage", {"chat_id": n}, None)
        )
        for n in range(14)
    ]
    await twelve.wait()
    timer.advance(5.0)  # the pace would allow the last two by now; the ceiling holds them
    for _ in range(20):
        await asyncio.sleep(0)
    assert len(made) == 12 and scheduler.in_flight == 12  # the pace allowed more by now
    answers.set()
    await asyncio.gather(*calls)
    assert len(made) == 14
    assert made[12] == pytest.approx(max(answered[:12]) + 1.0)
    assert scheduler.in_flight == 0


async def test_a_send_admitted_for_a_caller_who_is_gone_is_not_left_in_flight():
    scheduler, _timer = virtual(per_second=10, catch_up=0)
    log: list[tuple[str, float]] = []
    first = asyncio.create_task(send(scheduler, log, "first", 1))
    await asyncio.sleep(0)
    gone = asyncio.create_task(send(scheduler, log, "gone", 2))
    take = scheduler._take

    def take_then_cancel(chat: object, *rest: Any) -> None:
        take(chat, *rest)
        if chat == 2:  # admitted; cancelled before it could make its call
            asyncio.get_running_loop().call_soon(gone.cancel)

    scheduler._take = take_then_cancel  # type: ignore[method-assign]
    await asyncio.gather(first, gone, return_exceptions=True)
    assert gone.cancelled() and [name for name, _ in log] == ["first"]
    assert scheduler.in_flight == 0


async def test_a_better_call_for_a_chat_in_line_goes_first():
    scheduler, _timer = virtual(per_second=10, catch_up=0)
    log: list[tuple[str, float]] = []
    blocker = asyncio.create_task(send(scheduler, log, "blocker", 1))
    await asyncio.sleep(0)
    slow = asyncio.create_task(send(scheduler, log, "broadcast", 5, Priority.BROADCAST))
    busy = [asyncio.create_task(send(scheduler, log, f"r{n}", 10 + n)) for n in range(2)]
    await asyncio.sleep(0)
    mine = asyncio.create_task(send(scheduler, log, "reply-to-5", 5))
    await asyncio.gather(blocker, slow, *busy, mine)
    names = [name for name, _ in log]
    assert names.index("reply-to-5") < names.index("broadcast")


async def test_calls_outside_the_limits_never_wait_in_line():
    scheduler, timer = virtual(per_second=1, catch_up=0)
    log: list[tuple[str, float]] = []
    start = timer.now()
    queued = [asyncio.create_task(send(scheduler, log, f"m{n}", n)) for n in range(3)]
    await asyncio.sleep(0)
    await send(scheduler, log, "answer", 1, endpoint="answerCallbackQuery")
    assert dict(log)["answer"] - start < 1.0
    await asyncio.gather(*queued)


async def test_a_caller_who_gives_up_takes_no_turn():
    scheduler, _timer = virtual(per_second=10, catch_up=0)
    log: list[tuple[str, float]] = []
    first = asyncio.create_task(send(scheduler, log, "first", 1))
    await asyncio.sleep(0)
    quitter = asyncio.create_task(send(scheduler, log, "quitter", 2))
    after = asyncio.create_task(send(scheduler, log, "after", 3))
    await asyncio.sleep(0)
    quitter.cancel()
    await asyncio.gather(first, after, return_exceptions=True)
    assert [name for name, _ in log] == ["first", "after"]
    assert log[1][1] - log[0][1] == pytest.approx(0.1)


async def test_flood_control_is_waited_out_by_every_send_and_retried(caplog):
    scheduler, timer = virtual(per_second=30, catch_up=0)
    start = timer.now()
    calls: list[tuple[str, float]] = []
    refused = {"n": 0}

    async def flaky() -> bool:
        calls.append(("flaky", timer.now()))
        if refused["n"] < 1:
            refused["n"] += 1
            raise RetryAfter(5)
        return True

    caplog.set_level(logging.WARNING)

    async def other() -> None:
        await asyncio.sleep(0)
        await send(scheduler, calls, "other", 2)

    result, _ = await asyncio.gather(
        scheduler.process_request(flaky, (), {}, "sendMessage", {"chat_id": 1}, None), other()
    )
    assert result is True
    retry_at = [at for name, at in calls if name == "flaky"][1]
    assert retry_at - start >= 5
    # The other chat's message also waited for the pause to end.
    assert {n: at for n, at in calls if n == "other"}["other"] - start >= 5
    warnings = [r for r in caplog.records if r.name == "bot.sending"]
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert warnings[0].exc_info is None
    assert "5.0 s" in warnings[0].getMessage()
    assert scheduler.stats.flood_waits == 1 and scheduler.stats.retried == 1


async def test_flood_control_gives_up_after_the_configured_retries():
    scheduler, timer = virtual(per_second=30, max_retries=2)
    attempts: list[float] = []

    async def always_refused() -> bool:
        attempts.append(timer.now())
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await scheduler.process_request(always_refused, (), {}, "sendMessage", {"chat_id": 1}, None)
    assert len(attempts) == 3
    assert attempts[-1] - attempts[0] >= 2


async def test_answers_to_presses_wait_only_for_flood_control():
    scheduler, timer = virtual(per_second=30)
    state = {"refused": False}
    seen: list[float] = []

    async def answer() -> bool:
        seen.append(timer.now())
        if not state["refused"]:
            state["refused"] = True
            raise RetryAfter(2)
        return True

    start = timer.now()
    assert await scheduler.process_request(
        answer, (), {}, "answerCallbackQuery", {"callback_query_id": "1"}, None
    )
    assert seen[0] == start and seen[1] - start >= 2


async def admit_real(
    scheduler: SendScheduler, senders: int, each: int, stall_after: int | None = None
) -> list[float]:
    """Admission times on the real event loop; optionally the loop is blocked for 50 ms after
    some admissions (a long garbage collection, say)."""
    loop = asyncio.get_running_loop()
    stamps: list[float] = []

    async def sender(n: int) -> None:
        for _ in range(each):
            await scheduler.admit(n, Priority.BROADCAST)
            stamps.append(loop.time())
            if stall_after is not None and len(stamps) == stall_after:
                time.sleep(0.05)  # noqa: ASYNC251 - the point is to block the loop

    await asyncio.gather(*(sender(n) for n in range(senders)))
    return stamps


async def test_a_steady_rate_with_a_bounded_catch_up():
    scheduler = SendScheduler(SendLimits(per_second=200, catch_up=0.01, chat_burst=20))
    stamps = await admit_real(scheduler, senders=20, each=6)
    assert len(stamps) == 120
    # Any window of T seconds holds at most 1 + (T + catch_up) x rate admissions.
    assert most_in_any_window(stamps, 0.1) <= 1 + (0.1 + 0.01) * 200
    assert most_in_any_window(stamps, 0.25) <= 1 + (0.25 + 0.01) * 200
    # And the rate is kept: 120 admissions at 200/s take at least 119/200 - catch_up seconds.
    assert max(stamps) - min(stamps) >= 119 / 200 - 0.01


async def test_a_stalled_loop_catches_up_only_a_little():
    scheduler = SendScheduler(SendLimits(per_second=200, catch_up=0.015, chat_burst=20))
    stamps = await admit_real(scheduler, senders=10, each=8, stall_after=20)
    after = sorted(stamps)[20:]
    # Ten senders were queued during the 50 ms stall; only 1 + (T + 15 ms)' worth go at once.
    assert most_in_any_window(after, 0.004) <= 1 + (0.004 + 0.015) * 200
    assert most_in_any_window(stamps, 0.1) <= 1 + (0.1 + 0.015) * 200


def test_start_up_objects_are_kept_out_of_full_collections():
    try:
        freeze_startup_heap()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_scheduler_limits_exactly_what_the_fake_bot_api_limits():
    from fake_bot_api import limits as telegram

    known = telegram.KNOWN_METHODS
    assert GLOBAL_LIMITED_METHODS & known == telegram.GLOBAL_LIMITED_METHODS
    assert CHAT_LIMITED_METHODS & known == telegram.CHAT_LIMITED_METHODS

"""One send scheduler for the bot's token: every call that creates or edits a message waits here
for its turn, so replies, notifications and broadcasts share Telegram's budget instead of each
spending all of it.

Telegram refuses more than about 30 messages a second from one bot, and more than about one a
second in one chat after a short burst. Both limits are kept with the generic cell rate algorithm
(GCRA): a theoretical time of the next send advances by 1/rate per send, and a call may go ahead
while it is at most the allowed tolerance early (``catch_up`` globally, ``chat_burst - 1``
intervals in a chat). The clock is read when a call is admitted, never when it queued, so a
stalled event loop cannot release a crowd of stale reservations at once. Telegram counts a send
when it arrives, and on a busy event loop an admitted send may reach it hundreds of milliseconds
later, next to sends admitted after it: so a send also counts from its admission until a second
after its answer, and no more than Telegram's own limit (``ceiling``) count at once.

Waiting calls are admitted by priority (the answer to the person who just acted, then personal
notifications and reminders, then broadcasts) and in arrival order within a priority. A chat
that has to wait for its own limit does not hold up other chats, and a running broadcast takes
only what interactive traffic leaves. A flood-control answer (``RetryAfter``) pauses every send
for as long as Telegram asked, is logged once as a warning, and the call is tried again, a
bounded number of times.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import math
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.clock import LoopTimer, Timer, wake_up
from bot.send_limits import (
    CHAT_LIMITED_METHODS,
    GLOBAL_LIMITED_METHODS,
    MAX_SLEEP,
    WINDOW,
    Priority,
    SendLimits,
    SendStats,
    current_priority,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Ticket:
    """One call waiting for admission."""

    priority: int
    seq: int
    counts_globally: bool
    tracked: bool
    future: asyncio.Future[None]

    def __lt__(self, other: _Ticket) -> bool:
        return (self.priority, self.seq) < (other.priority, other.seq)


@dataclass(slots=True)
class _Chat:
    """A chat's pace and the calls waiting for it, best first."""

    tat: float = -math.inf
    waiting: list[_Ticket] = field(default_factory=list)
    #: The seq of this chat's live entry in the ready heap, if it has one.
    entry: int | None = None
    parked: bool = False


_NO_CHAT = object()


class SendScheduler(BaseRateLimiter[Priority]):
    """PTB's rate limiter for the whole bot, and the outbox's pacer: one budget per token."""

    def __init__(self, limits: SendLimits, timer: Timer | None = None) -> None:
        self.limits = limits
        self.timer: Timer = timer or LoopTimer()
        self.interval = 1.0 / limits.per_second
        self.chat_tolerance = max(0, limits.chat_burst - 1) * limits.chat_interval
        #: GCRA state of the bot-wide limit, and the end of a flood-control pause.
        self.next_at = -math.inf
        self.paused_until = -math.inf
        #: Sends made and not answered yet, and when recent ones were answered (for WINDOW).
        self.window_cap = int(max(limits.ceiling, limits.per_second))
        self.in_flight = 0
        self._answered: deque[float] = deque()
        self.stats = SendStats()
        self._chats: dict[object, _Chat] = {}
        #: Chats whose best waiting call may go now as far as the chat is concerned: those
        #: that also need the bot's budget, and those (edits) that need only the chat's.
        self._ready: list[tuple[int, int, object]] = []
        self._ready_local: list[tuple[int, int, object]] = []
        self._parked: list[tuple[float, int, object]] = []
        self._seq = itertools.count()
        self._waker: asyncio.Future[None] | None = None
        self._pump: asyncio.Task[None] | None = None
        self._warned_until = -math.inf
        self._since_sweep = 0

    async def initialize(self) -> None:
        """Nothing to open: the pump starts with the first call that has to wait."""

    async def shutdown(self) -> None:
        """Stop the pump and release whoever still waits (their calls fail as cancelled)."""
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
            self._pump = None
        for chat in self._chats.values():
            for ticket in chat.waiting:
                ticket.future.cancel()
        self._chats.clear()
        self._ready.clear()
        self._ready_local.clear()
        self._parked.clear()

    # ---- the rate limiter PTB calls ---------------------------------------------------------

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the call's turn, make it, and wait out flood control if Telegram asks."""
        limited = endpoint in CHAT_LIMITED_METHODS
        chat = data.get("chat_id", _NO_CHAT) if limited else _NO_CHAT
        priority = rate_limit_args if rate_limit_args is not None else current_priority()
        counts = endpoint in GLOBAL_LIMITED_METHODS
        for attempt in itertools.count():
            if limited:
                await self.admit(chat, priority, counts_globally=counts, tracked=True)
            elif attempt:
                await self._sit_out_pause()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.flood_control(_seconds(exc.retry_after), chat)
                if attempt >= self.limits.max_retries:
                    raise
                self.stats.retried += 1
            finally:
                if limited and counts:
                    self._answer()
        raise AssertionError("unreachable")  # pragma: no cover

    # ---- admission ------------------------------------------------------------------------

    async def admit(
        self,
        chat: object = _NO_CHAT,
        priority: Priority = Priority.INTERACTIVE,
        *,
        counts_globally: bool = True,
        tracked: bool = False,
    ) -> None:
        """Return when a call to `chat` with this priority may be made now; a `tracked` send
        is in flight until `_answer` (process_request does both)."""
        now = self.timer.now()
        state = self._chats.get(chat)
        if (state is None or (not state.waiting and state.tat - self.chat_tolerance <= now)) and (
            self._head(self._ready_local) is None
            if not counts_globally
            else self._head(self._ready) is None and self._global_start(now) <= now
        ):
            self._take(chat, state, now, counts_globally, priority, tracked)
            return
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        ticket = _Ticket(int(priority), next(self._seq), counts_globally, tracked, future)
        if state is None:
            state = self._chats[chat] = _Chat()
        heapq.heappush(state.waiting, ticket)
        if state.entry is None and not state.parked:
            self._schedule(chat, state, now)
        elif state.entry is not None and state.waiting[0] is ticket:
            # A better call for a chat already in line: it takes the chat's place.
            self._push_ready(chat, state, ticket)
        if self._waker is not None:
            wake_up(self._waker)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run(), name="send-scheduler")
        try:
            await ticket.future
        except asyncio.CancelledError:
            if tracked and counts_globally and not ticket.future.cancelled():
                self._answer()  # admitted, but its caller is gone: it will not be sent
            raise

    def flood_control(self, seconds: float, chat: object = _NO_CHAT) -> None:
        """Telegram asked the bot to wait: every send pauses; warn once per pause."""
        now = self.timer.now()
        self.stats.flood_waits += 1
        until = now + seconds
        self.paused_until = max(self.paused_until, until)
        state = self._chats.get(chat)
        if state is not None:
            state.tat = max(state.tat, until)
        if now >= self._warned_until:
            log.warning("Telegram flood control: every send waits %.1f s", seconds)
            self._warned_until = self.paused_until

    def waiting(self) -> int:
        """Calls waiting for their turn now."""
        return sum(len(chat.waiting) for chat in self._chats.values())

    def _global_start(self, now: float) -> float:
        return max(self.next_at - self.limits.catch_up, self.paused_until, self._window_start(now))

    def _window_start(self, now: float) -> float:
        """When one more send may be in flight: Telegram counts a send when it arrives, which is
        any moment between its admission and its answer, so it counts until WINDOW after that."""
        answered = self._answered
        while answered and answered[0] <= now - WINDOW:
            answered.popleft()
        excess = self.in_flight + len(answered) - self.window_cap + 1
        if excess <= 0:
            return -math.inf
        if excess <= len(answered):
            return answered[excess - 1] + WINDOW
        return math.inf  # every slot is in flight: the next answer wakes the pump

    def _answer(self) -> None:
        """A tracked send was answered (or failed): it counts for WINDOW more seconds."""
        self.in_flight -= 1
        self._answered.append(self.timer.now())
        if self._waker is not None:
            wake_up(self._waker)

    def _head(self, ready: list[tuple[int, int, object]]) -> tuple[int, int, object] | None:
        """The best live entry of a ready heap (dropping entries their chat has replaced)."""
        while ready and self._stale(ready[0]):
            heapq.heappop(ready)
        return ready[0] if ready else None

    def _stale(self, entry: tuple[int, int, object]) -> bool:
        state = self._chats.get(entry[2])
        return state is None or state.entry != entry[1]

    def _take(
        self,
        chat: object,
        state: _Chat | None,
        now: float,
        counts_globally: bool,
        priority: Priority | int,
        tracked: bool,
    ) -> None:
        """Spend one send of the budget (the caller has checked that it may)."""
        if counts_globally:
            self.next_at = max(self.next_at, now) + self.interval
            self.in_flight += tracked
        if chat is not _NO_CHAT:
            if state is None:
                state = self._chats[chat] = _Chat()
            state.tat = max(state.tat, now) + self.limits.chat_interval
        self.stats.admitted += 1
        self.stats.admitted_by_priority[Priority(priority)] += 1
        self._since_sweep += 1
        if self._since_sweep >= 1000:
            self._sweep(now)

    def _sweep(self, now: float) -> None:
        """Forget chats that wait for nothing and whose pace has recovered."""
        self._since_sweep = 0
        idle = [
            key
            for key, chat in self._chats.items()
            if not chat.waiting and chat.entry is None and not chat.parked and chat.tat <= now
        ]
        for key in idle:
            del self._chats[key]

    def _schedule(self, chat: object, state: _Chat, now: float) -> None:
        """Put a chat's best waiting call in line: ready now, or parked until its chat allows."""
        ready_at = state.tat - self.chat_tolerance if chat is not _NO_CHAT else -math.inf
        if ready_at <= now:
            self._push_ready(chat, state, state.waiting[0])
        else:
            state.entry, state.parked = None, True
            heapq.heappush(self._parked, (ready_at, next(self._seq), chat))

    def _push_ready(self, chat: object, state: _Chat, ticket: _Ticket) -> None:
        state.entry, state.parked = ticket.seq, False
        ready = self._ready if ticket.counts_globally else self._ready_local
        heapq.heappush(ready, (ticket.priority, ticket.seq, chat))

    async def _run(self) -> None:
        """Admit waiting calls one at a time, best first, as the limits allow; a call that needs
        only its chat's pace (an edit) never waits behind sends held by the bot's budget."""
        while True:
            now = self.timer.now()
            while self._parked and self._parked[0][0] <= now:
                _, _, chat = heapq.heappop(self._parked)
                state = self._chats[chat]
                state.parked = False
                self._drop_cancelled(state)
                if state.waiting:
                    self._push_ready(chat, state, state.waiting[0])
            first, local = self._head(self._ready), self._head(self._ready_local)
            if first is None and local is None:
                if not self._parked:
                    return
                await self._sleep_until(self._parked[0][0], now)
                continue
            start = self._global_start(now)
            if local is not None and (first is None or start > now or local < first):
                ready, (_, _, chat) = self._ready_local, local
            elif first is not None and start <= now:
                ready, (_, _, chat) = self._ready, first
            else:  # only sends wait, and the bot's budget is spent for now
                until = min(start, self._parked[0][0]) if self._parked else start
                await self._sleep_until(until, now)
                continue
            state = self._chats[chat]
            ticket = state.waiting[0]
            heapq.heappop(ready)
            heapq.heappop(state.waiting)
            if ticket.future.done():  # its caller gave up: it takes nothing
                state.entry = None
                if state.waiting:
                    self._schedule(chat, state, now)
                continue
            state.entry = None
            self._take(chat, state, now, ticket.counts_globally, ticket.priority, ticket.tracked)
            ticket.future.set_result(None)
            if state.waiting:
                self._schedule(chat, state, now)

    def _drop_cancelled(self, state: _Chat) -> None:
        while state.waiting and state.waiting[0].future.done():
            heapq.heappop(state.waiting)

    async def _sleep_until(self, until: float, now: float) -> None:
        """Sleep until then, or until a new call arrives that may change who goes next."""
        self._waker = asyncio.get_running_loop().create_future()
        try:
            await self.timer.wait(self._waker, min(max(0.0, until - now), MAX_SLEEP))
        finally:
            self._waker = None

    async def _sit_out_pause(self) -> None:
        """A call outside the limits (e.g. answering a press) only waits out flood control."""
        left = self.paused_until - self.timer.now()
        if left > 0:
            await self.timer.wait(asyncio.get_running_loop().create_future(), left)


def _seconds(delay: float | timedelta) -> float:
    return delay.total_seconds() if isinstance(delay, timedelta) else float(delay)

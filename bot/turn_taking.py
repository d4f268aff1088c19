"""Updates from different people run side by side; one person's updates run one at a time, in
order; a person who floods the bot is slowed down without slowing anyone else.

PTB handles one update at a time unless told otherwise, so on the event day a few hundred people
pressing Start would queue behind each other. This update processor lets updates from different
people run concurrently and keeps each person's in the order they were sent (their answers build
on each other). At most MAX_MESSAGES commands and typed messages run at once; presses do not
wait for that cap, since Telegram wants a press answered within 15 s. A person's updates beyond
a burst and a steady rate, or beyond a few waiting at once, are dropped: a pressed button is
answered at once (once per flood with a polite "slow down" toast), a typed message is not
answered, and the same button pressed again while its first press is still being handled is
answered and skipped, so a double tap acts once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from bot.clock import LoopTimer, Timer

log = logging.getLogger(__name__)

#: Updates one person may send at once before the steady rate applies.
BURST = 8
#: Updates a second one person may keep sending.
PER_SECOND = 2.0
#: One person's updates handled or waiting at once; more are dropped.
MAX_WAITING = 4
#: Commands and typed messages handled at once across people; more wait their turn. A handler
#: waiting for its reply's turn to be sent holds its place, which is why presses do not count:
#: behind a crowd's queued /start replies a press would miss Telegram's 15 s to answer it.
MAX_MESSAGES = 256
#: All updates at once (PTB's own cap), presses included: far above any crowd.
MAX_CONCURRENT = 4096


@dataclass(slots=True)
class _Person:
    """One person's turn: their lock, their pace, and the presses being handled."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    tat: float = -math.inf
    users: int = 0
    pressing: set[tuple[int | None, str | None]] = field(default_factory=set)
    #: Until when this person has been told to slow down (told once per flood).
    told_until: float = -math.inf


#: Answers a dropped press: the query and whether to show the "slow down" toast.
Answer = Callable[[CallbackQuery, bool], Awaitable[Any]]


class PersonByPerson(BaseUpdateProcessor):
    """Concurrent across people, sequential within a person, flood-limited per person."""

    def __init__(
        self,
        max_concurrent_updates: int = MAX_CONCURRENT,
        *,
        answer: Answer,
        timer: Timer | None = None,
        burst: int = BURST,
        per_second: float = PER_SECOND,
        max_waiting: int = MAX_WAITING,
        max_messages: int = MAX_MESSAGES,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.answer = answer
        self.timer: Timer = timer or LoopTimer()
        self.interval = 1.0 / per_second
        self.tolerance = max(0, burst - 1) * self.interval
        self.max_waiting = max_waiting
        self.dropped = 0
        self._people: dict[int, _Person] = {}
        self._messages = asyncio.Semaphore(max_messages)

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close; waiting updates finish with the Application."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update in its person's turn, or drop it if that person floods."""
        who = _person_of(update)
        if who is None:
            async with self._messages:
                await coroutine
            return
        person = self._people.setdefault(who, _Person())
        press = _press_key(update)
        why = self._drop_reason(person, press)
        if why is not None:
            _close(coroutine)
            self.dropped += 1
            await self._answer_dropped(update, person, slow_down=why == "flood")
            return
        person.users += 1
        if press is not None:
            person.pressing.add(press)
        try:
            # The person's turn first, then the shared cap, so their updates keep their order.
            cap = self._messages if press is None else contextlib.nullcontext()
            async with person.lock, cap:
                await coroutine
        finally:
            person.users -= 1
            if press is not None:
                person.pressing.discard(press)
            if not person.users and person.tat <= self.timer.now():
                self._people.pop(who, None)

    def _drop_reason(
        self, person: _Person, press: tuple[int | None, str | None] | None
    ) -> str | None:
        """ "repeat" for a press already in hand; "flood" past the person's pace or queue."""
        if press is not None and press in person.pressing:
            return "repeat"
        now = self.timer.now()
        if person.users >= self.max_waiting or person.tat - self.tolerance > now:
            return "flood"
        person.tat = max(person.tat, now) + self.interval
        return None

    async def _answer_dropped(self, update: object, person: _Person, *, slow_down: bool) -> None:
        """Stop the spinner of a dropped press; the first in a flood says to slow down."""
        if not isinstance(update, Update) or update.callback_query is None:
            return
        now = self.timer.now()
        tell = slow_down and now >= person.told_until
        if tell:
            person.told_until = max(person.tat, now) + self.interval
        with contextlib.suppress(TelegramError):
            await self.answer(update.callback_query, tell)


def _person_of(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None


def _press_key(update: object) -> tuple[int | None, str | None] | None:
    """The pressed button: its message and data (a second tap of it is the same press)."""
    if not isinstance(update, Update) or update.callback_query is None:
        return None
    query = update.callback_query
    message_id = query.message.message_id if query.message is not None else None
    return (message_id, query.data)


def _close(coroutine: Awaitable[Any]) -> None:
    """A dropped update's handler coroutine never runs; close it so Python does not warn."""
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()

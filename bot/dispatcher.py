"""The outbox dispatcher: a repeating job that sends whatever is due; the bot's send scheduler
(bot/sending.py) paces it, behind direct replies and with broadcasts last."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.send_limits import Priority, sending_as
from core.outbox.delivery import Delivery, claim_batch, record_outcomes
from core.outbox.model import DeliveryPolicy, OutboxRow, Outcome, OutgoingMessage
from core.outbox.ports import UowFactory
from core.ports import Clock
from handlers.i18n import Translator
from handlers.outbox.rendering import render, send_rendered

log = logging.getLogger(__name__)

#: Results are committed once this many are waiting (or after RECORD_LINGER seconds).
RECORD_EVERY = 20
RECORD_LINGER = 0.25
#: A claimed batch holds this many seconds' worth of sends at the configured rate.
BATCH_SECONDS = 0.25
#: Sends in flight at once: enough to cover this much network round trip at the rate.
IN_FLIGHT_SECONDS = 0.15
MAX_IN_FLIGHT = 128
#: How long a stop waits for a running pass to hand its rows back and write its records.
STOP_GRACE_SECONDS = 10.0
#: A failed record (e.g. "database is locked") is tried again after this, doubling up to the
#: most, for this long in all; then the dispatcher gives up by crashing, and a restart takes over.
RECORD_RETRY_FIRST = 0.05
RECORD_RETRY_MOST = 5.0
RECORD_GIVE_UP_SECONDS = 60.0
_RELEASED = Outcome("released")
_UNREACHABLE_HINTS = ("chat not found", "user is deactivated", "bot can't initiate")


#: Sends a living message (OutgoingMessage.live) of one kind: bot, chat, row, reader's
#: language, now. Its errors are the Bot API's, read like any send's.
LiveView = Callable[[Bot, int, OutgoingMessage, Translator, datetime], Awaitable[None]]


class RecordsLost(RuntimeError):
    """Results of sends could not be written for RECORD_GIVE_UP_SECONDS: the process must stop
    (its supervisor restarts it); those rows go out again once their lease runs out."""


class OutboxDispatcher:
    """Claims due rows, sends them, records outcomes; safe to run in several processes."""

    def __init__(
        self,
        *,
        uow: UowFactory,
        bot: Bot,
        clock: Clock,
        policy: DeliveryPolicy,
        max_per_second: float,
        default_language: str = "en",
        batch_size: int | None = None,
        timezone: tzinfo | None = None,
        paid_broadcasts: bool = False,
        live: Mapping[str, LiveView] | None = None,
    ) -> None:
        self.paid_broadcasts = paid_broadcasts
        self.live = dict(live or {})
        self.timezone = timezone
        self.uow = uow
        self.bot = bot
        self.clock = clock
        self.policy = policy
        self.default_language = default_language
        self.batch_size = batch_size or max(math.ceil(max_per_second * BATCH_SECONDS), 10)
        self.in_flight = min(MAX_IN_FLIGHT, max(1, math.ceil(max_per_second * IN_FLIGHT_SECONDS)))
        self.paused_until: datetime | None = None
        self.stopping = False
        #: Set once results could not be recorded: this process sends nothing more.
        self.gave_up: RecordsLost | None = None
        self._current: _Pass | None = None
        self._lock = asyncio.Lock()

    async def run_once(self) -> int:
        """One pass: send every due row; returns how many sends were attempted."""
        if self._lock.locked() or self.stopping:
            return 0
        if self.gave_up is not None:
            raise self.gave_up
        async with self._lock:
            self._current = _Pass(self)
            try:
                return await self._current.run(claim=True)
            finally:
                self._current = None

    async def stop(self) -> None:
        """Before the store closes: send nothing new, give queued rows back, wait for the records,
        so a restart neither loses nor repeats a message."""
        self.stopping = True
        if self._current is not None:
            self._current.wake()
        try:
            async with asyncio.timeout(STOP_GRACE_SECONDS):
                async with self._lock:
                    pass
        except TimeoutError:
            log.warning("outbox: a send pass was still running at shutdown")

    async def _send_batch(self, batch: list[Delivery]) -> int:
        """Send rows claimed elsewhere (no further claims); returns how many were attempted."""
        run = _Pass(self)
        run.add(batch)
        return await run.run(claim=False)

    def paused(self) -> bool:
        """True while Telegram's flood control asked the whole bot to wait."""
        return self.paused_until is not None and self.clock.now() < self.paused_until

    async def claim(self) -> list[Delivery]:
        """Lease the next batch of due rows to this process."""
        return await claim_batch(
            self.uow,
            now=self.clock.now(),
            limit=self.batch_size,
            policy=self.policy,
            default_language=self.default_language,
        )

    async def send(self, delivery: Delivery) -> Outcome:
        """Render and send one row (the caller holds the pacer); never raises for a bad row."""
        row = delivery.row
        try:
            if row.message.live is not None:
                view = self.live[str(row.message.live.get("kind"))]
                translator = Translator(delivery.language)
                await view(self.bot, row.recipient_id, row.message, translator, self.clock.now())
                return Outcome("sent")
            own = ZoneInfo(delivery.timezone) if delivery.timezone else None
            rendered = render(row.message, Translator(delivery.language), self.timezone, own)
            await send_rendered(
                self.bot,
                row.recipient_id,
                rendered,
                paid=self.paid_broadcasts and row.message.paid,
            )
        except RetryAfter as exc:
            delay = exc.retry_after
            seconds = delay.total_seconds() if isinstance(delay, timedelta) else float(delay)
            log.warning("outbox: flood control, pausing %.0f s", seconds)
            return Outcome("retry_after", retry_after=seconds)
        except Forbidden as exc:
            log.info("outbox: recipient %s blocked the bot", row.recipient_id)
            return Outcome("forbidden", error=str(exc))
        except BadRequest as exc:
            if any(hint in str(exc).lower() for hint in _UNREACHABLE_HINTS):
                return Outcome("forbidden", error=str(exc))
            log.warning("outbox row %s rejected: %s", row.id, exc)
            return Outcome("rejected", error=f"BadRequest: {exc}")
        except TelegramError as exc:
            log.warning("outbox row %s failed: %r", row.id, exc)
            return Outcome("error", error=f"{type(exc).__name__}: {exc}")
        except Exception as exc:  # a broken row must not stall everyone else's messages
            log.exception("outbox row %s could not be sent", row.id)
            return Outcome("error", error=f"{type(exc).__name__}: {exc}")
        return Outcome("sent")


@dataclass(slots=True)
class _Recipient:
    """Keeps one recipient's messages in order while several senders run."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    users: int = 0


class _Pass:
    """One dispatcher pass: senders take from a queue that the claimer keeps topped up, and a
    recorder commits their results in groups, so neither claiming nor recording stops sends."""

    def __init__(self, dispatcher: OutboxDispatcher) -> None:
        self.d = dispatcher
        self.queue: deque[Delivery] = deque()
        self.hungry = asyncio.Event()
        self.fed = asyncio.Event()
        self.claiming = False
        self.halt: Outcome | None = None
        self.broken = False
        self.results: list[tuple[OutboxRow, Outcome]] = []
        self.flush = asyncio.Event()
        #: Clear while a record is being retried: sends wait rather than pile up unrecorded.
        self.recording = asyncio.Event()
        self.recording.set()
        self.finished = False
        self.recipients: dict[int, _Recipient] = {}
        self.attempts = 0

    def wake(self) -> None:
        """Let waiting tasks look at the dispatcher's state again (it is stopping)."""
        self.hungry.set()
        self.fed.set()

    def add(self, batch: list[Delivery]) -> None:
        """Queue a batch in the order claimed."""
        self.queue.extend(batch)
        self.fed.set()

    async def run(self, *, claim: bool) -> int:
        """Send until the queue is empty (and, when claiming, nothing more is due)."""
        self.claiming = claim
        recorder = asyncio.create_task(self._recorder())
        senders = [asyncio.create_task(self._sender()) for _ in range(self.d.in_flight)]
        try:
            if claim:
                await self._claimer()
        finally:
            self.claiming = False
            self.fed.set()
            await asyncio.gather(*senders)
            self.finished = True
            self.flush.set()
            await recorder
        return self.attempts

    async def _claimer(self) -> None:
        """Claim a new batch whenever fewer than half a batch are waiting to be sent."""
        while self._may_go_on() and not self.d.paused():
            batch = await self.d.claim()
            self.add(batch)
            if len(batch) < self.d.batch_size:
                return
            while self._fed_enough():
                self.hungry.clear()
                await self.hungry.wait()

    def _may_go_on(self) -> bool:
        return self.halt is None and not self.broken and not self.d.stopping

    def _fed_enough(self) -> bool:
        return len(self.queue) >= self.d.batch_size // 2 and self._may_go_on()

    async def _sender(self) -> None:
        """Take rows off the queue until it is empty and nothing more will come."""
        while not self.broken:
            if self.queue:
                delivery = self.queue.popleft()
                if not self._fed_enough():
                    self.hungry.set()
                await self._send_in_order(delivery)
            elif self.claiming and not self.d.stopping:
                self.fed.clear()
                await self.fed.wait()
            else:
                return

    async def _send_in_order(self, delivery: Delivery) -> None:
        """A recipient's rows go out one after another, in the order they were queued."""
        key = delivery.row.recipient_id
        recipient = self.recipients.setdefault(key, _Recipient())
        recipient.users += 1
        try:
            async with recipient.lock:
                await self._send_one(delivery)
        finally:
            recipient.users -= 1
            if not recipient.users:
                del self.recipients[key]

    async def _send_one(self, delivery: Delivery) -> None:
        await self.recording.wait()
        if self._may_go_on():
            # The scheduler lets this send go once the bot's and the chat's limits allow it.
            priority = (
                Priority.BROADCAST if delivery.row.message.is_broadcast else Priority.NOTIFICATION
            )
            with sending_as(priority):
                outcome = await self.d.send(delivery)
            self.attempts += 1
            if outcome.kind == "retry_after" and self.halt is None:
                # Flood control outlasted the scheduler's retries: stop, and hand the rest back.
                self.halt = outcome
                self.d.paused_until = self.d.clock.now() + timedelta(seconds=outcome.retry_after)
                self.hungry.set()
            self._result(delivery.row, outcome)
            return
        self._result(delivery.row, self.halt or _RELEASED)

    def _result(self, row: OutboxRow, outcome: Outcome) -> None:
        self.results.append((row, outcome))
        if len(self.results) >= RECORD_EVERY:
            self.flush.set()

    async def _recorder(self) -> None:
        """Commit results in groups: cheap, and a crash re-sends at most a group."""
        try:
            while True:
                if not self.finished and len(self.results) < RECORD_EVERY:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.flush.wait(), RECORD_LINGER)
                self.flush.clear()
                done, self.results = self.results, []
                await self._record(done)
                if self.finished and not self.results:
                    return
        except BaseException:
            # Without a record, a send would be repeated; stop sending until the store is back.
            self.broken = True
            self.recording.set()
            self.hungry.set()
            raise

    async def _record(self, done: list[tuple[OutboxRow, Outcome]]) -> None:
        """Record sent results, trying again with backoff while the store refuses (a locked
        SQLite file, a dropped connection); give up by raising RecordsLost after a while."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        delay = RECORD_RETRY_FIRST
        failures = 0
        while True:
            try:
                await record_outcomes(
                    self.d.uow, done, now=self.d.clock.now(), policy=self.d.policy
                )
            except Exception as exc:
                failures += 1
                self.recording.clear()
                waited = loop.time() - started
                if waited + delay > RECORD_GIVE_UP_SECONDS:
                    log.critical(
                        "outbox: %d results could not be recorded for %.0f s (%d tries); "
                        "stopping so a restart takes over",
                        len(done),
                        waited,
                        failures,
                        exc_info=exc,
                    )
                    self.d.gave_up = RecordsLost(f"{len(done)} outbox results not recorded")
                    raise self.d.gave_up from exc
                log.warning(
                    "outbox: recording %d results failed (%s), trying again in %.2f s",
                    len(done),
                    exc,
                    delay,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, RECORD_RETRY_MOST)
                continue
            if failures:
                log.info("outbox: %d results recorded after %d failed tries", len(done), failures)
            self.recording.set()
            return

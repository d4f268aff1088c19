"""The outbox dispatcher: a repeating job that sends whatever is due, under a global rate limit."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.pacing import DeadlinePacer
from core.delivery import Delivery, claim_batch, record_outcomes
from core.onboarding import UowFactory
from core.outbox import DeliveryPolicy, OutboxRow, Outcome
from core.ports import Clock
from handlers.i18n import Translator
from handlers.outgoing import render, send_rendered

log = logging.getLogger(__name__)

#: Results are committed in groups this large.
RECORD_EVERY = 20
_UNREACHABLE_HINTS = ("chat not found", "user is deactivated", "bot can't initiate")


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
    ) -> None:
        self.paid_broadcasts = paid_broadcasts
        self.timezone = timezone
        self.uow = uow
        self.bot = bot
        self.clock = clock
        self.policy = policy
        self.default_language = default_language
        self.batch_size = batch_size or max(int(max_per_second * 2), 10)
        self.limiter = DeadlinePacer(max_per_second)
        self.paused_until: datetime | None = None
        self._lock = asyncio.Lock()

    async def run_once(self) -> int:
        """One pass: send every due row (in batches); returns how many attempts were made."""
        if self._lock.locked():
            return 0
        async with self._lock:
            total = 0
            while True:
                now = self.clock.now()
                if self.paused_until is not None and now < self.paused_until:
                    return total
                batch = await claim_batch(
                    self.uow,
                    now=now,
                    limit=self.batch_size,
                    policy=self.policy,
                    default_language=self.default_language,
                )
                if not batch:
                    return total
                total += await self._send_batch(batch)
                if len(batch) < self.batch_size:
                    return total

    async def _send_batch(self, batch: list[Delivery]) -> int:
        attempts = 0
        done: list[tuple[OutboxRow, Outcome]] = []
        for index, delivery in enumerate(batch):
            outcome = await self._send(delivery)
            attempts += 1
            done.append((delivery.row, outcome))
            if outcome.kind == "retry_after":
                # Telegram's flood control applies to the whole bot: stop, and hand the rest back.
                now = self.clock.now()
                self.paused_until = now + timedelta(seconds=outcome.retry_after)
                done += [(rest.row, outcome) for rest in batch[index + 1 :]]
                break
            if len(done) >= RECORD_EVERY:
                # Commit results in small groups: cheap, and a crash re-sends at most a group.
                await record_outcomes(self.uow, done, now=self.clock.now(), policy=self.policy)
                done = []
        await record_outcomes(self.uow, done, now=self.clock.now(), policy=self.policy)
        return attempts

    async def _send(self, delivery: Delivery) -> Outcome:
        row = delivery.row
        own = ZoneInfo(delivery.timezone) if delivery.timezone else None
        rendered = render(row.message, Translator(delivery.language), self.timezone, own)
        try:
            async with self.limiter:
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
        return Outcome("sent")

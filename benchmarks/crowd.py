"""The event-day crowd, shared by ``python -m benchmarks.rush`` and the crowd flow test: N people
press /start within S seconds while the real bot long-polls a strict fake Bot API over HTTP.

The bot's side runs here: the production Application (``build_application`` on the real clock,
the send scheduler and the per-person limits on the event loop's clock, the outbox job
running) with ``telegram.api_base_url`` pointing at the fake, started and stopped as
``run_polling`` does. Telegram's side (benchmarks/crowd_telegram.py: the fake refusing more
than ``limit`` new messages a second and, per chat, more than a burst of ``chat_burst`` then one
a ``chat_interval``; the people pressing /start and Accept) runs in a forked child process, so
it does not take the bot's CPU, or in a thread with ``separate=False``. Optionally a broadcast
to ``broadcast`` seeded people is sent at t=0 through the outreach door, as an organiser's Send
press would. What the bot logged at WARNING and above is counted.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import gc
import logging
import multiprocessing
import resource
import statistics
import threading
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from pydantic import SecretStr
from telegram import Update

from benchmarks.broadcast_audience import seed
from benchmarks.crowd_telegram import Crowd, Person, TelegramReport, serve_crowd
from bot.app import ForumApp, build_application, scheduler_of, services_of, stop_without_polling
from bot.clock import SystemClock
from bot.config import (
    DatabaseSettings,
    EventSettings,
    OrganiserSettings,
    OutboxSettings,
    Settings,
    TelegramSettings,
)
from bot.send_limits import SendStats
from core.outbox.model import OutgoingMessage

__all__ = ["EVENT", "Crowd", "CrowdResult", "Person", "percentile", "run_crowd"]

TOKEN = "123456:CROWD-TOKEN"
EVENT = "Korea-EU Quantum Research Forum"
ORGANISER = 1
ANNOUNCEMENT = OutgoingMessage(
    text="<b>Forum update</b>: the opening keynote starts at 09:30 in <i>Hall A</i>."
)
STOP_SECONDS = 30.0


@dataclass(slots=True)
class CrowdResult:
    """One rush as both sides saw it (seconds; t0 is the first /start)."""

    crowd: Crowd
    telegram: TelegramReport
    errors: list[str] = field(default_factory=list)
    tracebacks: int = 0
    warnings: dict[str, int] = field(default_factory=dict)
    stats: SendStats = field(default_factory=SendStats)
    dropped: int = 0
    peak_rss_mb: float = 0.0

    @property
    def people(self) -> list[Person]:
        """The crowd, with what reached each chat and when."""
        return self.telegram.people

    @property
    def lost(self) -> int:
        """People who never got the notice or never got the first question."""
        return sum(1 for p in self.people if p.notice_at is None or p.question_at is None)

    def to_notice(self) -> list[float]:
        """Seconds from each person's /start to their privacy notice."""
        return [p.notice_at - p.started_at for p in self.people if p.notice_at and p.started_at]

    def to_question(self) -> list[float]:
        """Seconds from each person's /start to their first question."""
        return [p.question_at - p.started_at for p in self.people if p.question_at and p.started_at]

    @property
    def last_question(self) -> float:
        """Seconds from t=0 until the last person had the first question."""
        return self.telegram.rush_end - self.telegram.t0

    @property
    def per_person(self) -> float:
        """Message-creating calls to the crowd's chats, per person."""
        return self.telegram.creating_calls / max(self.crowd.people, 1)

    @property
    def bound(self) -> float:
        """The crowd's message-creating calls at the fake's limit, plus the arrival spread."""
        return self.telegram.creating_calls / self.crowd.limit + self.crowd.seconds

    @property
    def ideal(self) -> float:
        """When a sender at exactly the fake's limit, costing nothing else, would have finished:
        each person's new messages in order of arrival, none before its /start."""
        done, per = 0.0, self.per_person / self.crowd.limit
        for person in sorted(self.people, key=lambda p: p.started_at or 0.0):
            done = max(done, (person.started_at or self.telegram.t0) - self.telegram.t0) + per
        return done

    def share(self, rate: float) -> float | None:
        """The broadcast's sends in the rush over what `rate` left after the crowd's sends (None
        without a broadcast, or when the crowd left less than one second's worth)."""
        left = rate * self.last_question - self.telegram.interactive_in_rush
        if not self.crowd.broadcast or left < rate:
            return None
        return self.telegram.broadcast_in_rush / left


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0-100), interpolated; 0.0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[min(max(int(p), 1), 99) - 1]


class _LogTally(logging.Handler):
    """Counts what the bot logged at WARNING and above during the rush."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.tracebacks = 0
        self.warnings: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.tracebacks += 1
        if record.levelno >= logging.ERROR:
            self.errors.append(f"{record.name}: {record.getMessage()}")
        else:
            key = f"{record.name}: {record.msg}"
            self.warnings[key] = self.warnings.get(key, 0) + 1


def settings_for(crowd: Crowd, db_url: str, base_url: str, file_url: str) -> Settings:
    """Production settings, but the Bot API at the fake and the limits of this rush."""
    return Settings(
        telegram=TelegramSettings(
            token=SecretStr(TOKEN), api_base_url=base_url, api_file_url=file_url
        ),
        database=DatabaseSettings(url=db_url),
        outbox=OutboxSettings(
            max_per_second=crowd.rate,
            chat_burst=crowd.chat_burst,
            chat_interval_seconds=crowd.chat_interval,
        ),
        event=EventSettings(name=EVENT),
        organisers=OrganiserSettings(telegram_ids=[ORGANISER]),
    )


async def start_polling(app: ForumApp) -> None:
    """What run_polling does before it idles: initialize, post_init, poll, start."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)
    assert app.updater is not None
    await app.updater.start_polling(allowed_updates=Update.ALL_TYPES)
    await app.start()


async def stop_polling(app: ForumApp) -> None:
    """What run_polling does when it stops."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    await stop_without_polling(app)


async def send_broadcast(app: ForumApp) -> int:
    """The organiser drafts, targets "all" and presses Send; the outbox job is woken."""
    services = services_of(app)
    broadcasts = services.outreach.broadcasts
    now = services.clock.now()
    draft = (await broadcasts.draft(ORGANISER, ANNOUNCEMENT, now=now)).broadcast
    assert draft.id is not None
    await broadcasts.target(ORGANISER, draft.id, "all")
    await broadcasts.send(ORGANISER, draft.id, now=now)
    services.wake_outbox()
    return draft.id


async def _receive(conn: Connection, kind: str) -> tuple[Any, ...]:
    """The next message from Telegram's side, which must be of this kind."""
    message: tuple[Any, ...] = await asyncio.to_thread(conn.recv)
    if message[0] != kind:
        raise RuntimeError(f"Telegram's side sent {message[0]!r}: {message[1:]}")
    return message


def _telegram_side(crowd: Crowd, separate: bool) -> tuple[Connection, Any]:
    """Start Telegram's side in a child process (or a thread); returns our end and the runner."""
    if separate:
        # Forked, not spawned: a fresh interpreter would import the whole bot again first.
        fork = "fork" in multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if fork else "spawn")
        ours, theirs = context.Pipe()
        process = context.Process(  # type: ignore[attr-defined]
            target=serve_crowd, args=(crowd, theirs), name="crowd-telegram", daemon=True
        )
        process.start()
        return ours, process
    ours, theirs = multiprocessing.Pipe()
    thread = threading.Thread(target=serve_crowd, args=(crowd, theirs), daemon=True)
    thread.start()
    return ours, thread


async def run_crowd(crowd: Crowd, db_url: str, *, separate: bool = True) -> CrowdResult:
    """Run one rush on a migrated database (seeding the broadcast audience), and measure it."""
    if crowd.broadcast:
        await seed(db_url, crowd.broadcast, SystemClock().now())
    conn, runner = _telegram_side(crowd, separate)
    tally, root = _LogTally(), logging.getLogger()
    level = root.level
    if root.getEffectiveLevel() > logging.WARNING:
        root.setLevel(logging.WARNING)
    root.addHandler(tally)
    try:
        _, base_url, file_url = await _receive(conn, "ready")
        app = build_application(settings_for(crowd, db_url, base_url, file_url), freeze_heap=True)
        await start_polling(app)
        try:
            if crowd.broadcast:
                await send_broadcast(app)
            conn.send("go")
            _, report = await _receive(conn, "report")
            stats = copy.deepcopy(scheduler_of(app).stats)
            dropped = int(getattr(app.update_processor, "dropped", 0))
        finally:
            await stop_polling(app)
            gc.unfreeze()  # build_application froze the start-up heap, as forumbot run does
    finally:
        root.removeHandler(tally)
        root.setLevel(level)
        with contextlib.suppress(OSError):
            conn.send("stop")
        await asyncio.to_thread(runner.join, STOP_SECONDS)
        conn.close()
    return CrowdResult(
        crowd=crowd,
        telegram=report,
        errors=tally.errors,
        tracebacks=tally.tracebacks,
        warnings=tally.warnings,
        stats=stats,
        dropped=dropped,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )

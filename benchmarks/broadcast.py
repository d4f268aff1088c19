"""Broadcast throughput: one announcement to N people through the real outbox dispatcher.

Run: ``python -m benchmarks.broadcast [--recipients 10000] [--limits 30 1000] [--db sqlite|URL]``.
For every limit L a fresh database gets N consented people with complete profiles (bulk inserted
through the unit of work's session), a FakeBotApi answers 429 once more than L sends fall in a
sliding 1 s window, and an Application on the system clock is built with
``outbox.max_per_second = --fraction x L`` and its start-up heap frozen, as ``forumbot run``
does. One broadcast is drafted, targeted at "all" and sent through ``services_of(app).broadcasts``;
then ``dispatcher_of(app).run_once()`` runs in a loop (as the repeating job would, sleeping out
flood-control pauses) until no row is pending, and the wall clock of that loop is what the table
reports. Targets: >= 95 % of L and zero 429 responses.

Without ``--recipients`` a limit gets 10,000 recipients unless that would take more than a minute
at L (30 msg/s: 5.5 minutes); then it gets 2,000, because the rate, not the count, is what is
measured (``--full`` forces 10,000).

``--breakdown`` adds up the time spent in the dispatcher's phases (claiming, sending, recording
outcomes) and, within sending, the waits for the bot's send scheduler (``SendScheduler.admit``,
which every Bot API call that creates a message passes). The phases overlap (several sends are
in flight while the next batch is claimed and results are committed), so the figures are
task-seconds per message, not shares of the wall clock. With ``--db URL`` that database is a
scratch one: it is wiped (downgraded to base) before every limit.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import resource
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import SecretStr

from benchmarks.broadcast_audience import fresh_database, seed
from benchmarks.broadcast_timing import Breakdown, peak_per_window, phase_timers, scheduler_timer
from bot.app import (
    ForumApp,
    build_application,
    dispatcher_of,
    scheduler_of,
    services_of,
    start_without_polling,
    stop_without_polling,
)
from bot.clock import SystemClock
from bot.config import (
    DatabaseSettings,
    EventSettings,
    OrganiserSettings,
    OutboxSettings,
    Settings,
    TelegramSettings,
)
from core.outbox.model import OutgoingMessage
from fake_bot_api import FakeBotApi
from storage.engine import is_sqlite

TOKEN = "123456:BENCHMARK-TOKEN"
FULL = 10_000
QUICK = 2_000
MAX_DEFAULT_SECONDS = 60.0
ORGANISER = 1
IDLE_POLL = 0.02
MESSAGE = OutgoingMessage(
    text=(
        "<b>Forum update</b>: the poster session moves to <i>Hall B</i> at 15:30. "
        "Coffee &amp; snacks are served there from 15:00."
    )
)


@dataclass(slots=True)
class Result:
    """One limit's measurement."""

    limit: float
    setting: float
    in_flight: int
    recipients: int
    seconds: float
    delivered: int
    sent_rows: int
    too_many: int
    duplicates: int
    peak_window: int
    passes: int
    setup: dict[str, float] = field(default_factory=dict)
    breakdown: Breakdown | None = None

    @property
    def rate(self) -> float:
        """Delivered messages per wall-clock second of the dispatch loop."""
        return self.delivered / self.seconds if self.seconds > 0 else 0.0

    @property
    def percent(self) -> float:
        """Achieved rate as a percentage of the Bot API limit."""
        return 100.0 * self.rate / self.limit

    @property
    def ok(self) -> bool:
        """The issue's targets: >= 95 % of the limit, no 429, everyone exactly once."""
        return (
            self.percent >= 95.0
            and self.too_many == 0
            and self.duplicates == 0
            and self.delivered == self.sent_rows == self.recipients
        )


async def dispatch_until_done(app: ForumApp, broadcast_id: int) -> tuple[int, int, float]:
    """Run the dispatcher like the repeating job until nothing is pending: (sent, passes, s)."""
    dispatcher = dispatcher_of(app)
    broadcasts = services_of(app).outreach.broadcasts
    clock = dispatcher.clock
    passes = 0
    start = time.perf_counter()
    while True:
        attempts = await dispatcher.run_once()
        passes += 1
        _, report = await broadcasts.report(broadcast_id)
        if report.finished:
            return report.sent, passes, time.perf_counter() - start
        paused, now = dispatcher.paused_until, clock.now()
        if paused is not None and paused > now:
            await asyncio.sleep((paused - now).total_seconds())
        elif attempts == 0:
            await asyncio.sleep(IDLE_POLL)


async def run_limit(
    limit: float,
    recipients: int,
    *,
    db: str,
    fraction: float,
    workdir: Path,
    breakdown: bool = False,
) -> Result:
    """Seed, broadcast and dispatch at one Bot API limit; returns the measurement."""
    setup: dict[str, float] = {}
    mark = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal mark
        now = time.perf_counter()
        setup[name] = now - mark
        mark = now

    setting = round(limit * fraction, 3)
    clock = SystemClock()
    url = await fresh_database(db, workdir, f"broadcast-{limit:g}")
    await seed(url, recipients, clock.now())
    lap("seed")
    fake = FakeBotApi(rate_limit_per_second=limit)
    settings = Settings(
        telegram=TelegramSettings(token=SecretStr(TOKEN), username=fake.username),
        database=DatabaseSettings(url=url),
        outbox=OutboxSettings(max_per_second=setting, max_attempts=5),
        event=EventSettings(name="Korea-EU Quantum Research Forum"),
        organisers=OrganiserSettings(telegram_ids=[ORGANISER]),
    )
    app = build_application(
        settings, request=fake, clock=clock, start_dispatcher_job=False, freeze_heap=True
    )
    await start_without_polling(app)
    try:
        dispatcher = dispatcher_of(app)
        timings = Breakdown() if breakdown else None
        broadcasts = services_of(app).outreach.broadcasts
        draft = (await broadcasts.draft(ORGANISER, MESSAGE, now=clock.now())).broadcast
        assert draft.id is not None
        _, audience = await broadcasts.target(ORGANISER, draft.id, "all")
        lap("target")
        assert audience == recipients, f"audience {audience} != {recipients}"
        await broadcasts.send(ORGANISER, draft.id, now=clock.now())
        lap("send")

        if timings is not None:
            with phase_timers(timings), scheduler_timer(scheduler_of(app), timings):
                sent, passes, seconds = await dispatch_until_done(app, draft.id)
        else:
            sent, passes, seconds = await dispatch_until_done(app, draft.id)

        copies = Counter(m.chat_id for m in fake.all_sent())
        return Result(
            limit=limit,
            setting=setting,
            in_flight=dispatcher.in_flight,
            recipients=recipients,
            seconds=seconds,
            delivered=sum(copies.values()),
            sent_rows=sent,
            too_many=fake.too_many_requests,
            duplicates=sum(1 for count in copies.values() if count > 1),
            peak_window=peak_per_window([call.at for call in fake.calls_to("sendMessage")]),
            passes=passes,
            setup=setup,
            breakdown=timings,
        )
    finally:
        await stop_without_polling(app)


def recipients_for(limit: float, explicit: int | None, full: bool) -> int:
    """Recipients for one limit: as given, else 10,000 unless that takes over a minute."""
    if explicit is not None:
        return explicit
    if full or FULL / limit <= MAX_DEFAULT_SECONDS:
        return FULL
    return QUICK


def table(results: list[Result]) -> str:
    """The results as a fixed-width table."""
    head = (
        f"{'limit':>6} {'setting':>7} {'flight':>6} {'recipients':>10} {'seconds':>8} "
        f"{'msg/s':>7} {'% limit':>8} {'429s':>5} {'delivered':>9} {'dupes':>5} "
        f"{'peak/1s':>7} {'passes':>6} {'ok':>3}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.limit:>6g} {r.setting:>7g} {r.in_flight:>6} {r.recipients:>10} {r.seconds:>8.2f} "
            f"{r.rate:>7.1f} {r.percent:>7.1f}% {r.too_many:>5} {r.delivered:>9} "
            f"{r.duplicates:>5} {r.peak_window:>7} {r.passes:>6} {'yes' if r.ok else 'NO':>3}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.broadcast",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--recipients", type=int, default=None, help="people per limit")
    parser.add_argument("--limits", type=float, nargs="+", default=[30.0, 1000.0])
    parser.add_argument("--db", default="sqlite", help="'sqlite' (temp dir) or a scratch URL")
    parser.add_argument(
        "--fraction",
        type=float,
        default=0.97,
        help="outbox.max_per_second as a fraction of the limit (default 0.97)",
    )
    parser.add_argument("--breakdown", action="store_true", help="time the dispatcher's phases")
    parser.add_argument("--full", action="store_true", help="10,000 recipients at every limit")
    parser.add_argument("--verbose", action="store_true", help="show dispatcher/scheduler warnings")
    return parser.parse_args(argv)


async def amain(args: argparse.Namespace) -> list[Result]:
    """Run every limit in turn, printing each result's details as it comes."""
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="forumbot-broadcast-") as tmp:
        for limit in args.limits:
            n = recipients_for(limit, args.recipients, args.full)
            setting = round(limit * args.fraction, 3)
            note = ""
            if n < FULL and args.recipients is None:
                note = f" (the rate, not the count, is measured; --full for {FULL})"
            print(
                f"limit {limit:g} msg/s: outbox.max_per_second = {setting:g} "
                f"({args.fraction:g} x limit), {n} recipients{note}",
                flush=True,
            )
            result = await run_limit(
                limit,
                n,
                db=args.db,
                fraction=args.fraction,
                workdir=Path(tmp),
                breakdown=args.breakdown,
            )
            setup = ", ".join(f"{k} {v:.1f} s" for k, v in result.setup.items())
            print(f"  setup: {setup}; dispatch {result.seconds:.2f} s", flush=True)
            if result.breakdown is not None:
                print(f"  {result.breakdown.line(result.delivered)}", flush=True)
            results.append(result)
    return results


def main(argv: list[str] | None = None) -> int:
    """Entry point; exit status 1 when a target is missed."""
    args = parse_args(argv)
    if args.db != "sqlite" and is_sqlite(args.db):
        print("note: --db points at SQLite; it will be wiped before every limit", flush=True)
    logging.basicConfig(level=logging.WARNING if args.verbose else logging.CRITICAL)
    results = asyncio.run(amain(args))
    print()
    print(table(results))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"\npeak RSS {peak_mb:.0f} MB; peak/1s = most sendMessage attempts in any 1 s window "
        "(the fake accepts at most the limit); passes = run_once calls"
    )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

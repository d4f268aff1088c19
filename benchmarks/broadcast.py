"""Broadcast throughput: one announcement to N people through the real outbox dispatcher.

Run: ``python -m benchmarks.broadcast [--recipients 10000] [--limits 30 1000] [--db sqlite|URL]``.
For every limit L a fresh database gets N consented people with complete profiles (bulk inserted
through the unit of work's session), a FakeBotApi answers 429 once more than L sends fall in a
sliding 1 s window, and an Application on the system clock is built with
``outbox.max_per_second = --fraction x L``. One broadcast is drafted, targeted at "all" and sent
through ``services_of(app).broadcasts``; then ``dispatcher_of(app).run_once()`` runs in a loop (as
the repeating job would, sleeping out flood-control pauses) until no row is pending, and the wall
clock of that loop is what the table reports. Targets: >= 95 % of L and zero 429 responses.

Without ``--recipients`` a limit gets 10,000 recipients unless that would take more than a minute
at L (30 msg/s: 5.5 minutes); then it gets 2,000, because the rate, not the count, is what is
measured (``--full`` forces 10,000). ``--pacing smooth`` swaps the dispatcher's limiter for one
that allows no burst (``AsyncLimiter(1, 1 / rate)``), to measure the recommended change without
editing the dispatcher. With ``--db URL`` that database is a scratch one: it is wiped (downgraded
to base) before every limit.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import logging
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from aiolimiter import AsyncLimiter
from sqlalchemy import insert

from bot.app import (
    build_application,
    dispatcher_of,
    services_of,
    start_without_polling,
    stop_without_polling,
)
from bot.clock import SystemClock
from core.outbox import OutgoingMessage
from core.people import NOTICE_VERSION, Person
from core.profile import Profile
from core.taxonomy import Keyword
from storage.engine import create_engine, is_sqlite, session_factory
from storage.migrate import downgrade, upgrade
from storage.rows import PersonRow, ProfileRow
from storage.uow import SqlUnitOfWorkFactory
from tests.support.fake_bot_api import FakeBotApi
from tests.support.harness import settings_for

FULL = 10_000
QUICK = 2_000
MAX_DEFAULT_SECONDS = 60.0
SEED_CHUNK = 1_000
ORGANISER = 1
FIRST_ID = 100_000_000
IDLE_POLL = 0.02
MESSAGE = OutgoingMessage(
    text=(
        "<b>Forum update</b>: the poster session moves to <i>Hall B</i> at 15:30. "
        "Coffee &amp; snacks are served there from 15:00."
    )
)


@dataclass(frozen=True, slots=True)
class Result:
    """One limit's measurement."""

    limit: float
    setting: float
    recipients: int
    seconds: float
    delivered: int
    sent_rows: int
    too_many: int
    duplicates: int
    peak_window: int
    passes: int
    setup_seconds: float

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
        """The issue's targets: >= 95 % of the limit, no 429, everyone once."""
        return (
            self.percent >= 95.0
            and self.too_many == 0
            and self.duplicates == 0
            and self.delivered == self.sent_rows == self.recipients
        )


def people(n: int, now: datetime) -> Iterator[tuple[Person, Profile]]:
    """N consented people with complete profiles, ids from FIRST_ID up."""
    for i in range(n):
        pid = FIRST_ID + i
        yield (
            Person(pid, "ko" if i % 10 == 0 else "en", NOTICE_VERSION, now),
            Profile(
                telegram_id=pid,
                full_name=f"Researcher {i}",
                organisation=f"Institute {i % 97}",
                country="KR" if i % 3 == 0 else "DE",
                sector="academia",
                career_stage="senior",
                expertise=[Keyword("quantum sensing", None)],
                offers="Cryogenic measurement time.",
                seeks="Partners for photonic integration.",
            ),
        )


def person_values(person: Person) -> dict[str, object]:
    """PersonRow column values of a core Person."""
    return {
        "telegram_id": person.telegram_id,
        "language": person.language,
        "consent_version": person.consent_version,
        "consented_at": person.consented_at,
        "awaiting_field": person.awaiting_field,
        "awaiting_mode": person.awaiting_mode,
        "unreachable_at": person.unreachable_at,
        "timezone": person.timezone,
    }


def profile_values(profile: Profile) -> dict[str, object]:
    """ProfileRow column values of a core Profile (no publications)."""
    return {
        "telegram_id": profile.telegram_id,
        "full_name": profile.full_name,
        "organisation": profile.organisation,
        "country": profile.country,
        "sector": profile.sector,
        "career_stage": profile.career_stage,
        "expertise": [{"label": k.label, "term_id": k.term_id} for k in profile.expertise],
        "offers": profile.offers,
        "seeks": profile.seeks,
        "he_interests": profile.he_interests,
        "bio": profile.bio,
        "skipped": list(profile.skipped),
        "visibility": profile.visibility,
        "hidden_fields": list(profile.hidden_fields),
    }


async def fresh_database(db: str, workdir: Path, limit: float) -> str:
    """A migrated, empty database URL for one limit."""
    if db == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / f'broadcast-{limit:g}.db'}"
    else:
        url = db
        await downgrade(url, "base")
    await upgrade(url)
    return url


async def seed(url: str, n: int, now: datetime) -> None:
    """Insert N people and profiles in bulk, a chunk per unit of work."""
    engine = create_engine(url)
    uow_factory = SqlUnitOfWorkFactory(session_factory(engine))
    try:
        batch: list[tuple[Person, Profile]] = []
        for pair in people(n, now):
            batch.append(pair)
            if len(batch) == SEED_CHUNK:
                await _insert(uow_factory, batch)
                batch = []
        if batch:
            await _insert(uow_factory, batch)
    finally:
        await engine.dispose()


async def _insert(uow_factory: SqlUnitOfWorkFactory, batch: list[tuple[Person, Profile]]) -> None:
    """One executemany per table, committed together."""
    async with uow_factory() as uow:
        await uow.session.execute(insert(PersonRow), [person_values(p) for p, _ in batch])
        await uow.session.execute(insert(ProfileRow), [profile_values(p) for _, p in batch])
        await uow.commit()


def peak_per_window(stamps: list[float], window: float = 1.0) -> int:
    """Most timestamps falling in any half-open window of the given length."""
    stamps = sorted(stamps)
    best = 0
    for i, start in enumerate(stamps):
        best = max(best, bisect.bisect_left(stamps, start + window, lo=i) - i)
    return best


async def run_limit(
    limit: float, recipients: int, *, db: str, fraction: float, pacing: str, workdir: Path
) -> Result:
    """Seed, broadcast and dispatch at one Bot API limit; returns the measurement."""
    setup_start = time.perf_counter()
    setting = round(limit * fraction, 3)
    clock = SystemClock()
    url = await fresh_database(db, workdir, limit)
    await seed(url, recipients, clock.now())
    fake = FakeBotApi(rate_limit_per_second=limit)
    settings = settings_for(url, outbox={"max_per_second": setting, "max_attempts": 5})
    app = build_application(settings, request=fake, clock=clock, start_dispatcher_job=False)
    await start_without_polling(app)
    try:
        dispatcher = dispatcher_of(app)
        if pacing == "smooth":
            dispatcher.limiter = AsyncLimiter(1, 1 / setting)
        broadcasts = services_of(app).broadcasts
        draft = await broadcasts.draft(ORGANISER, MESSAGE, now=clock.now())
        assert draft.id is not None
        _, audience = await broadcasts.target(draft.id, "all")
        assert audience == recipients, f"audience {audience} != {recipients}"
        await broadcasts.send(draft.id, now=clock.now())
        setup_seconds = time.perf_counter() - setup_start

        passes = 0
        start = time.perf_counter()
        while True:
            attempts = await dispatcher.run_once()
            passes += 1
            _, report = await broadcasts.report(draft.id)
            if report.finished:
                break
            paused = dispatcher.paused_until
            now = clock.now()
            if paused is not None and paused > now:
                await asyncio.sleep((paused - now).total_seconds())
            elif attempts == 0:
                await asyncio.sleep(IDLE_POLL)
        seconds = time.perf_counter() - start

        sends = fake.calls_to("sendMessage")
        copies = Counter(m.chat_id for m in fake.all_sent())
        return Result(
            limit=limit,
            setting=setting,
            recipients=recipients,
            seconds=seconds,
            delivered=sum(copies.values()),
            sent_rows=report.sent,
            too_many=fake.too_many_requests,
            duplicates=sum(1 for count in copies.values() if count > 1),
            peak_window=peak_per_window([call.at for call in sends]),
            passes=passes,
            setup_seconds=setup_seconds,
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
        f"{'limit':>7} {'setting':>8} {'recipients':>10} {'seconds':>8} {'msg/s':>8} "
        f"{'% limit':>8} {'429s':>5} {'delivered':>9} {'dupes':>5} {'peak/1s':>7} {'passes':>6} "
        f"{'ok':>3}"
    )
    lines = [head, "-" * len(head)]
    for r in results:
        lines.append(
            f"{r.limit:>7g} {r.setting:>8g} {r.recipients:>10} {r.seconds:>8.2f} {r.rate:>8.1f} "
            f"{r.percent:>7.1f}% {r.too_many:>5} {r.delivered:>9} {r.duplicates:>5} "
            f"{r.peak_window:>7} {r.passes:>6} {'yes' if r.ok else 'NO':>3}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.broadcast", description=__doc__)
    parser.add_argument("--recipients", type=int, default=None, help="people per limit")
    parser.add_argument("--limits", type=float, nargs="+", default=[30.0, 1000.0])
    parser.add_argument("--db", default="sqlite", help="'sqlite' (temp dir) or a scratch URL")
    parser.add_argument(
        "--fraction",
        type=float,
        default=0.95,
        help="outbox.max_per_second as a fraction of the limit (default 0.95)",
    )
    parser.add_argument("--pacing", choices=("as-built", "smooth"), default="as-built")
    parser.add_argument("--full", action="store_true", help="10,000 recipients at every limit")
    parser.add_argument("--verbose", action="store_true", help="show dispatcher/PTB warnings")
    return parser.parse_args(argv)


async def amain(args: argparse.Namespace) -> list[Result]:
    """Run every limit in turn, printing each result as it comes."""
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="forumbot-broadcast-") as tmp:
        for limit in args.limits:
            n = recipients_for(limit, args.recipients, args.full)
            setting = round(limit * args.fraction, 3)
            note = ""
            if n < FULL and args.recipients is None:
                note = f" ({n} recipients: the rate, not the count, is measured; --full for {FULL})"
            print(
                f"limit {limit:g} msg/s: outbox.max_per_second = {setting:g} "
                f"({args.fraction:g} x limit), pacing {args.pacing}, {n} recipients{note}",
                flush=True,
            )
            result = await run_limit(
                limit,
                n,
                db=args.db,
                fraction=args.fraction,
                pacing=args.pacing,
                workdir=Path(tmp),
            )
            print(
                f"  setup (seed + draft/target/send) {result.setup_seconds:.1f} s, "
                f"dispatch {result.seconds:.2f} s",
                flush=True,
            )
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
        "(the fake allows at most the limit); passes = run_once calls"
    )
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

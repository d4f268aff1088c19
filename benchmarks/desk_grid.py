"""The organisers' desk: how long the meeting grid of a full round takes, request to HTML.

Run: ``python -m benchmarks.desk_grid [--attendees 2000] [--slots 16] [--tables 250] [--runs 5]``.
A fresh SQLite file gets N consented people with complete profiles (bulk inserted), one round of
S matchmaking slots with T tables each, and a meeting at every table of every slot (each person
meets in several slots, with a different partner each time). An organiser session is opened
through the real login door, then ``GET /grid`` is sent through the desk's ASGI app in-process
(httpx, no sockets) R times; the table reports the slowest and the median of the wall clock,
the page's size, and how much of it is the database read. Target: under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from pydantic import SecretStr
from sqlalchemy import insert

from benchmarks.broadcast_audience import FIRST_ID, fresh_database, seed
from bot.app import build_services_for_cli
from bot.config import DatabaseSettings, OrganiserSettings, Settings, WebSettings
from bot.desk import desk_app
from storage.engine import create_engine, session_factory
from storage.meetings.rows import MeetingPersonRow, MeetingRow, SlotRow
from storage.uow import SqlUnitOfWorkFactory

ORGANISER = 42
START = datetime(2026, 4, 10, 8, 0, tzinfo=UTC)


async def seed_round(url: str, attendees: int, slots: int, tables: int) -> int:
    """One round of `slots` x `tables`, a meeting at every table; returns the meeting count."""
    if 2 * tables > attendees:
        raise SystemExit("--tables needs at least twice as many attendees")
    engine = create_engine(url)
    uow = SqlUnitOfWorkFactory(session_factory(engine))
    block = 2 * tables
    count = 0
    try:
        async with uow() as u:
            await u.session.execute(
                insert(SlotRow),
                [
                    {
                        "key": f"main@{s:02d}",
                        "kind": "meeting",
                        "owner_key": "main",
                        "starts_at": START + timedelta(minutes=20 * s),
                        "ends_at": START + timedelta(minutes=20 * s + 20),
                        "capacity": tables,
                        "location": "Hall B",
                        "active": True,
                    }
                    for s in range(slots)
                ],
            )
            meetings, people = [], []
            for s in range(slots):
                base = (s * block) % attendees
                group = [FIRST_ID + (base + i) % attendees for i in range(block)]
                for t in range(tables):
                    count += 1
                    a, b = group[t], group[tables + (t + s) % tables]
                    meetings.append(
                        {
                            "id": count,
                            "kind": "meeting",
                            "slot_key": f"main@{s:02d}",
                            "table_no": t + 1,
                            "status": "booked",
                            "sequence": 0,
                            "request_id": None,
                            "created_at": START,
                            "updated_at": START,
                        }
                    )
                    for person in (a, b):
                        people.append(
                            {
                                "meeting_id": count,
                                "telegram_id": person,
                                "slot_key": f"main@{s:02d}",
                                "active": True,
                            }
                        )
            await u.session.execute(insert(MeetingRow), meetings)
            await u.session.execute(insert(MeetingPersonRow), people)
            await u.commit()
    finally:
        await engine.dispose()
    return count


async def measure(attendees: int, slots: int, tables: int, runs: int) -> dict[str, float]:
    """Seed, log in, and time GET /grid."""
    with tempfile.TemporaryDirectory() as tmp:
        url = await fresh_database("sqlite", Path(tmp), "desk")
        await seed(url, attendees, START - timedelta(days=1))
        meetings = await seed_round(url, attendees, slots, tables)
        settings = Settings(
            database=DatabaseSettings(url=url),
            organisers=OrganiserSettings(telegram_ids=[ORGANISER]),
            web=WebSettings(secret=SecretStr("benchmark-secret-0123456789")),
        )
        engine = create_engine(url)
        try:
            services = build_services_for_cli(settings, engine)
            assert services.desk is not None
            now = START + timedelta(minutes=90)  # in the middle of the round
            token = await services.desk.login.issue(ORGANISER, now=datetime.now(UTC))
            opened = await services.desk.login.open(token, now=datetime.now(UTC))
            app = desk_app(settings, services)
            transport = httpx.ASGITransport(app=app)
            times, reads = [], []
            size = 0
            async with httpx.AsyncClient(
                transport=transport, base_url="http://desk", cookies={"desk_session": opened.cookie}
            ) as http:
                for _ in range(runs):
                    started = time.perf_counter()
                    page = await http.get("/grid")
                    times.append(time.perf_counter() - started)
                    assert page.status_code == 200, page.status_code
                    size = len(page.content)
                    started = time.perf_counter()
                    await services.desk.grid(ORGANISER, None, now=now)
                    reads.append(time.perf_counter() - started)
            cells = page.text.count('<td class="cell')
        finally:
            await engine.dispose()
    return {
        "meetings": meetings,
        "cells": cells,
        "median": statistics.median(times),
        "slowest": max(times),
        "read": statistics.median(reads),
        "kib": size / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    """Print the figures; exit 1 when the median misses the 1 s target."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.desk_grid")
    parser.add_argument("--attendees", type=int, default=2000)
    parser.add_argument("--slots", type=int, default=16)
    parser.add_argument("--tables", type=int, default=250)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    r = asyncio.run(measure(args.attendees, args.slots, args.tables, args.runs))
    print(
        f"desk grid, SQLite: {args.attendees} attendees, {args.slots} slots x {args.tables} "
        f"tables, {r['meetings']:.0f} meetings, {r['cells']:.0f} cells"
    )
    print(
        f"  GET /grid: median {r['median']:.3f} s, slowest {r['slowest']:.3f} s "
        f"(database read {r['read']:.3f} s), page {r['kib']:.0f} KiB; target < 1 s: "
        f"{'met' if r['median'] < 1 else 'MISSED'}"
    )
    return 0 if r["median"] < 1 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Files for organisers: `export` (CSV tables) and `match rank` (suggestions as JSON lines)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from bot.cli.common import fail, services_for
from bot.config import Settings

if TYPE_CHECKING:
    from bot.cli.common import Subcommands

EXPORT_KINDS = [
    "attendees",
    "meetings",
    "consultations",
    "waitlists",
    "broadcasts",
    "survey",
    "outcomes",
    "calendar",
    "consortia",
]


def add_export(sub: Subcommands) -> None:
    """`forumbot export KIND`."""
    exp = sub.add_parser(
        "export",
        help="CSV exports for organisers",
        description="Write a CSV export (UTF-8 with BOM, so Excel shows Korean names): "
        "attendees, meetings, consultations, waitlists, broadcasts, survey, outcomes or consortia "
        "(one row per member: entity, country, role and the eligibility verdict). "
        "People are named (ids last); fields a person chose to hide are left empty; text "
        "a spreadsheet would run as a formula starts with ' so it stays text. "
        "`export calendar --out FILE.ics` writes the whole programme as one iCalendar file "
        "in the event's time zone (the same UIDs as /calendar, so apps update entries).",
    )
    exp.add_argument("kind", choices=EXPORT_KINDS)
    exp.add_argument("--out", required=True, metavar="FILE")
    exp.set_defaults(command_fn=export_csv)


def add_match(sub: Subcommands) -> None:
    """`forumbot match rank`."""
    match = sub.add_parser(
        "match",
        help="preview partner suggestions",
        description="Partner suggestions outside the chat.",
    )
    match_sub = match.add_subparsers(dest="match_command", required=True, metavar="ACTION")
    rank = match_sub.add_parser(
        "rank",
        help="rank partners for every profile of a JSON-lines file",
        description="Read profiles (JSON lines: id, name, organisation, country, expertise, "
        "offers, seeks, bio, publications) and write, per profile, its suggestions "
        "best first with scores and reasons. Uses the [matching] settings.",
    )
    rank.add_argument("--profiles", required=True, metavar="PROFILES.jsonl")
    rank.add_argument(
        "--top",
        type=int,
        default=10,
        help="suggestions per profile (0 = every other profile, scored)",
    )
    rank.add_argument(
        "--out", required=True, metavar="OUT.jsonl", help="output file ('-' = stdout)"
    )
    rank.set_defaults(command_fn=match_rank)


async def _export_rows(settings: Settings, kind: str) -> tuple[list[str], list[list[str]]]:
    async with services_for(settings) as services:
        if kind == "consortia":
            return await services.consortia.table(now=services.clock.now())
        return await services.feedback.exports.table(kind)


async def _programme_calendar(settings: Settings) -> tuple[str, int]:
    from bot.clock import SystemClock

    async with services_for(settings) as services:
        calendars = services.programme.calendars
        if calendars is None:
            return "", 0
        return await calendars.programme(now=SystemClock().now())


def export_csv(settings: Settings, args: argparse.Namespace) -> int:
    """One organiser table as CSV (UTF-8 with BOM, hidden fields left empty)."""
    from pathlib import Path

    from core.reference.spreadsheet import to_csv

    kind: str = args.kind
    out: str = args.out
    if kind == "calendar":
        text, count = asyncio.run(_programme_calendar(settings))
        Path(out).write_bytes(text.encode("utf-8"))
        print(f"calendar: {count} sessions -> {out}")
        return 0
    header, rows = asyncio.run(_export_rows(settings, kind))
    Path(out).write_bytes(to_csv(header, rows))
    print(f"{kind}: {len(rows)} rows -> {out}")
    return 0


def match_rank(settings: Settings, args: argparse.Namespace) -> int:
    """Partner suggestions for every profile of a JSON-lines file, outside the chat."""
    import time
    from pathlib import Path

    from bot.app import match_settings
    from bot.match_rank import ProfileFileError, rank, read_profiles, write_rankings

    profiles: str = args.profiles
    top: int = args.top
    out: str = args.out
    if top < 0:
        return fail("--top must be 0 (all) or more")
    started = time.perf_counter()
    try:
        people = read_profiles(Path(profiles))
    except FileNotFoundError:
        return fail(f"{profiles}: no such file")
    except ProfileFileError as exc:
        return fail(f"{profiles}: {exc}")
    rows = rank(people, top, match_settings(settings).preferences)
    if out == "-":
        written = write_rankings(rows, sys.stdout)
    else:
        with open(out, "w", encoding="utf-8") as f:
            written = write_rankings(rows, f)
    took = time.perf_counter() - started
    print(f"ranked {written} profiles in {took:.1f} s -> {out}", file=sys.stderr)
    return 0

"""The programme: `event load` from the event file, `schedule build` for a round."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING

from bot.cli import programme_import
from bot.cli.common import fail, services_for
from bot.clock import SystemClock
from bot.config import Settings
from core.event.preview import LoadPreview
from core.schedule.builder import BuildResult

if TYPE_CHECKING:
    from bot.cli.common import Subcommands


def add_event(sub: Subcommands) -> None:
    """`forumbot event load`."""
    event = sub.add_parser(
        "event",
        help="the event programme",
        description="The event programme (rounds, desks, sessions).",
    )
    event_sub = event.add_subparsers(dest="event_command", required=True, metavar="ACTION")
    load = event_sub.add_parser(
        "load",
        help="validate an event file and create or update the programme",
        description="Validate an event TOML file (errors name the field and the line) and "
        "create or update rounds, slots and desks. Loading the same file twice "
        "changes nothing. A change that would remove a booked slot is refused.",
    )
    load.add_argument("file", metavar="FILE")
    load.add_argument(
        "--force",
        action="store_true",
        help="cancel the meetings in removed slots and tell the people concerned",
    )
    load.add_argument(
        "--dry-run",
        action="store_true",
        help="say what would change (and which followed sessions would move or go); change nothing",
    )
    load.set_defaults(command_fn=event_load)
    programme_import.add_import(event_sub)


def add_schedule(sub: Subcommands) -> None:
    """`forumbot schedule build`."""
    schedule = sub.add_parser(
        "schedule", help="the matchmaking schedule", description="Build the matchmaking schedule."
    )
    schedule_sub = schedule.add_subparsers(dest="schedule_command", required=True, metavar="ACTION")
    build = schedule_sub.add_parser(
        "build",
        help="place mutual-interest pairs in a round's free tables",
        description="Take pairs who both want to meet and have no meeting yet, and assign them "
        "to the round's slots and free tables to maximise total match score (one "
        "meeting per person per slot, caps and busy marks respected). Prints the "
        "figures next to greedy first-come booking. Without --apply nothing changes.",
    )
    build.add_argument(
        "--round",
        required=True,
        dest="round_key",
        metavar="NAME",
        help="the round's key in the event file, e.g. morning",
    )
    build.add_argument(
        "--apply", action="store_true", help="book the meetings and tell both people (with .ics)"
    )
    build.set_defaults(command_fn=schedule_build)


def schedule_figures(result: BuildResult) -> list[str]:
    """The optimiser's figures next to greedy first-come, as plain lines."""
    lines = []
    for name, r in (("optimised", result.optimised), ("first-come", result.first_come)):
        fill = r.scheduled / r.upper_bound if r.upper_bound else 1.0
        lines.append(
            f"{name:>10}: {r.scheduled} / {r.requested} scheduled, fill {fill:.1%} of upper "
            f"bound {r.upper_bound}, idle slots per person {r.idle_slots_mean:.2f}, "
            f"total score {r.total_score:.2f}"
        )
    return lines


async def _schedule_build(settings: Settings, round_key: str, apply: bool) -> int:
    from core.reference.errors import NotFound

    try:
        async with services_for(settings) as services:
            result = await services.schedule.run(round_key, now=SystemClock().now(), apply=apply)
    except NotFound:
        return fail(f"round '{round_key}' has no future slots (load the event file first)")
    print(f"round {round_key}:")
    for line in schedule_figures(result):
        print(f"  {line}")
    if apply:
        print(
            f"  booked {len(result.booked)} meetings ({result.failed} could not be booked); "
            "both people are told through the outbox"
        )
    else:
        print("  preview only: nothing was changed (use --apply to book)")
    return 0


def schedule_build(settings: Settings, args: argparse.Namespace) -> int:
    """Place mutual-interest pairs in a round's free tables (a preview unless --apply)."""
    return asyncio.run(_schedule_build(settings, args.round_key, args.apply))


async def _event_load(settings: Settings, path: str, force: bool, dry_run: bool = False) -> int:
    from bot.event_file import EventFileError, load_event_file
    from core.meetings.model import BookingError

    try:
        event = load_event_file(path)
    except EventFileError as exc:
        print(
            f"forumbot: {path} has {len(exc.messages)} problem(s); nothing was changed:",
            file=sys.stderr,
        )
        for message in exc.messages:
            print(f"  {message}", file=sys.stderr)
        return 2
    if dry_run:
        async with services_for(settings) as services:
            preview = await services.event.preview(event)
        for line in preview_lines(event.name, preview):
            print(line)
        return 0
    try:
        async with services_for(settings) as services:
            report = await services.event.load(event, force=force, now=SystemClock().now())
    except BookingError as exc:
        slots = ", ".join(exc.params.get("slots", []))
        return fail(
            f"refused: this change would cancel {exc.params.get('count')} booked "
            f"meeting(s) in {slots}; nothing was changed (use --force to cancel them "
            "and tell the people concerned)"
        )
    print(
        f"event '{event.name}' loaded: {report.added} slots added, {report.updated} updated, "
        f"{report.removed} removed, {report.desks} desks, {len(report.cancelled)} meetings "
        f"cancelled, {len(event.topics)} call topics"
    )
    return 0


def event_load(settings: Settings, args: argparse.Namespace) -> int:
    """Validate the event file, then create or update the programme."""
    return asyncio.run(_event_load(settings, args.file, args.force, args.dry_run))


def preview_lines(name: str, preview: LoadPreview) -> list[str]:
    """The dry run in words: counts, then every followed session a load would move or drop."""
    lines = [
        f"dry run of '{name}': nothing was changed",
        f"  slots: {preview.slots_added} added, {preview.slots_updated} updated, "
        f"{preview.slots_removed} removed ({preview.booked_in_removed} booked meetings in them)",
        f"  sessions: {len(preview.sessions_added)} added, {len(preview.sessions_updated)} "
        f"updated, {len(preview.sessions_removed)} removed",
    ]
    for label, items in (
        ("REMOVED while followed", preview.removed_followed),
        ("moved while followed", preview.moved_followed),
    ):
        for item in items:
            lines.append(
                f"  {label}: {item.key} '{item.title}': {item.followers} people follow it "
                f"({item.signed_up} signed up); they will be told"
            )
    return lines

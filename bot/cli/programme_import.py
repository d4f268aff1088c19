"""`forumbot event import`: an Indico or pretalx programme written as an event file to review."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from bot.cli.common import fail
from bot.config import Settings

if TYPE_CHECKING:
    from bot.cli.common import Subcommands
    from bot.programme_import.model import ImportedProgramme


def add_import(event_sub: Subcommands) -> None:
    """`forumbot event import SOURCE --out FILE [--merge EXISTING]`."""
    imp = event_sub.add_parser(
        "import",
        help="write an event file from an Indico or pretalx programme",
        description="Read an Indico timetable export (/export/timetable/<id>.json) or a "
        "pretalx/frab schedule.json, from a file or an https:// URL, and write a forumbot "
        "event file to review and then load with `forumbot event load`. Session keys come "
        "from the source's ids (indico-c11, pretalx-<guid prefix>), so importing again "
        "after the source changed updates the same sessions. Nothing touches the database.",
    )
    imp.add_argument("source", metavar="SOURCE", help="a file or an https:// URL")
    imp.add_argument("--out", required=True, metavar="FILE.toml")
    imp.add_argument(
        "--merge",
        metavar="EXISTING.toml",
        help="keep the rounds, desks, survey, event name and zone and the session keys, "
        "capacities and sign-up settings of this file; replace its imported sessions",
    )
    imp.add_argument(
        "--contributions",
        metavar="SOURCE",
        help="Indico's /export/event/<id>.json?detail=contributions (tracks and speakers); "
        "fetched from the same server when SOURCE is an Indico timetable URL",
    )
    imp.add_argument(
        "--each-contribution",
        action="store_true",
        help="Indico: each contribution of a session block becomes its own item",
    )
    imp.add_argument(
        "--timezone", metavar="ZONE", help="the event's IANA zone (default: the source's)"
    )
    imp.add_argument("--name", help="the event's name (default: the source's)")
    imp.set_defaults(command_fn=event_import)


def programme_from(
    source: str,
    *,
    contributions: str | None = None,
    timezone: str | None = None,
    each_contribution: bool = False,
    transport: httpx.BaseTransport | None = None,
) -> ImportedProgramme:
    """The programme at SOURCE, whichever of the known formats it is."""
    from bot.programme_import import frab, indico
    from bot.programme_import.fetching import is_url, read_json
    from bot.programme_import.model import SourceError

    doc = read_json(source, transport)
    if indico.is_timetable(doc):
        extra: Any = None
        auto = indico.contributions_url(source) if is_url(source) else None
        if contributions:
            extra = read_json(contributions, transport)
        elif auto:
            try:
                extra = read_json(auto, transport)
            except SourceError:
                extra = None  # tracks fall back to the session names
        return indico.parse_indico(
            doc, extra, timezone=timezone, each_contribution=each_contribution
        )
    if frab.is_schedule(doc):
        return frab.parse_frab(doc, timezone=timezone)
    raise SourceError(
        f"{source}: neither an Indico timetable export nor a pretalx/frab schedule.json"
    )


def event_import(settings: Settings, args: argparse.Namespace) -> int:
    """Write the event file; say which format was read and what changed against --merge."""
    del settings  # the import never touches the database
    return run_import(args)


def run_import(args: argparse.Namespace, transport: httpx.BaseTransport | None = None) -> int:
    """The command's work, with the transport tests replace."""
    from bot.programme_import.merging import merge, read_existing, write
    from bot.programme_import.model import SourceError

    try:
        existing = read_existing(args.merge) if args.merge else None
        old_event = (existing or {}).get("event")
        zone = args.timezone or (old_event.get("timezone") if isinstance(old_event, dict) else None)
        programme = programme_from(
            args.source,
            contributions=args.contributions,
            timezone=zone,
            each_contribution=args.each_contribution,
            transport=transport,
        )
        if not programme.sessions:
            return fail(f"{args.source}: the programme has no sessions")
        doc, report = merge(programme, existing, args.name)
    except SourceError as exc:
        return fail(str(exc))
    header = (
        f"Imported from {args.source} ({programme.source_format}) by `forumbot event import`.\n"
        f"Times are the wall clock in {doc['event']['timezone']}. Review, then load with:\n"
        f"  forumbot event load {args.out}"
    )
    Path(args.out).write_text(write(doc, header), encoding="utf-8")
    breaks = sum(1 for s in programme.sessions if s.is_break)
    print(f"recognised: {programme.source_format}, zone {programme.timezone}")
    print(f"{len(programme.sessions)} sessions ({breaks} breaks) -> {args.out}")
    if existing is not None:
        print(
            f"against {args.merge}: {len(report.added)} added, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, "
            f"{len(report.kept)} hand-written kept"
        )
        for label, keys in (("updated", report.updated), ("removed", report.removed)):
            if keys:
                print(f"  {label}: {', '.join(keys)}")
        if report.removed:
            print(
                "  check who follows the removed sessions with "
                f"`forumbot event load {args.out} --dry-run`"
            )
    return 0

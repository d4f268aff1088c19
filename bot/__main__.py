"""The `forumbot` command line: run the bot, migrate, check config, mint invites."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from telegram import Bot, Update
from telegram.error import TelegramError

from bot.clock import SystemClock
from bot.config import ConfigError, Settings, config_path, load_settings, require_token
from bot.logs import setup_logging
from core.people.invites import deep_link
from core.schedule.builder import BuildResult
from handlers.services import Services
from storage.engine import create_engine
from storage.migrate import upgrade


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="forumbot",
        description="Telegram bot for the networking side of research events.",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="TOML config file (default: $FORUMBOT_CONFIG, else ./config.toml)",
    )
    parser.add_argument(
        "--log-level",
        default="INFO",
        type=str.upper,
        choices=["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
        help="default INFO",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub.add_parser(
        "run",
        help="apply pending migrations, then serve Telegram by long polling",
        description="Apply pending database migrations, then run the bot "
        "(long polling) until Ctrl+C.",
    )

    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_sub.add_parser(
        "upgrade",
        help="apply pending migrations",
        description="Apply pending Alembic migrations to database.url.",
    )

    cfg = sub.add_parser("config", help="configuration", description="Configuration tools.")
    cfg_sub = cfg.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    cfg_sub.add_parser(
        "check",
        help="validate the configuration and print a summary",
        description="Validate the configuration (file and FORUMBOT_* variables).",
    )

    inv = sub.add_parser(
        "invites",
        help="invite links for invite-only events",
        description='Invite links for access.mode = "invite".',
    )
    inv_sub = inv.add_subparsers(dest="invites_command", required=True, metavar="ACTION")
    create = inv_sub.add_parser(
        "create",
        help="mint single-use invite links",
        description="Create N single-use invite codes and print "
        "their t.me deep links, one per line.",
    )
    create.add_argument("--count", type=int, default=1, help="how many (1-10000, default 1)")
    inv_export = inv_sub.add_parser(
        "export",
        help="personal invite links of imported attendees, for a mail merge",
        description="Write name, email, link for every imported attendee (CSV, UTF-8 with BOM).",
    )
    inv_export.add_argument("--out", required=True, metavar="FILE.csv")

    attendees = sub.add_parser(
        "attendees", help="registration import", description="Registrations from a CSV file."
    )
    att_sub = attendees.add_subparsers(dest="attendees_command", required=True, metavar="ACTION")
    imp = att_sub.add_parser(
        "import",
        help="validate and import a registration CSV",
        description="Columns: name, email (required), organisation, country, delegation, sector, "
        "expertise, offers, seeks, publications (papers separated by ' || ', title "
        "on the first line). Every row is validated; errors are listed with line "
        "numbers; valid rows are imported; a re-import updates by email. In invite "
        "mode each attendee gets a personal invite link.",
    )
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")

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

    org = sub.add_parser(
        "organisers",
        help="organiser accounts",
        description="Organisers beyond organisers.telegram_ids in the config.",
    )
    org_sub = org.add_subparsers(dest="organisers_command", required=True, metavar="ACTION")
    add = org_sub.add_parser(
        "add",
        help="make a Telegram user id an organiser",
        description="Store an organiser; a running bot picks it up within a minute.",
    )
    add.add_argument("telegram_id", type=int, metavar="ID")

    priv = sub.add_parser("privacy", help="data retention", description="Data protection tasks.")
    priv_sub = priv.add_subparsers(dest="privacy_command", required=True, metavar="ACTION")
    purge = priv_sub.add_parser(
        "purge",
        help="erase people who consented more than DAYS ago",
        description="Erase everyone whose consent is older than DAYS: future meetings are "
        "cancelled (partners told), personal data deleted, survey answers kept "
        "anonymised.",
    )
    purge.add_argument("--older-than", type=int, required=True, metavar="DAYS")
    purge.add_argument("--dry-run", action="store_true", help="count only; change nothing")

    exp = sub.add_parser(
        "export",
        help="CSV exports for organisers",
        description="Write a CSV export (UTF-8 with BOM, so Excel shows Korean names): "
        "attendees, meetings, consultations or waitlists. Fields a person chose to "
        "hide are left empty.",
    )
    exp.add_argument(
        "kind",
        choices=[
            "attendees",
            "meetings",
            "consultations",
            "waitlists",
            "broadcasts",
            "survey",
            "outcomes",
        ],
    )
    exp.add_argument("--out", required=True, metavar="FILE")

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
    return parser


def _fail(message: str) -> int:
    print(f"forumbot: {message}", file=sys.stderr)
    return 2


def _check(settings: Settings) -> int:
    token = "set" if settings.telegram.token else "MISSING (needed for 'run')"
    print("configuration OK")
    print(f"  telegram.token: {token}")
    print(f"  telegram.api_base_url: {settings.telegram.api_base_url}")
    print(f"  database.url: {settings.database.safe_url()}")
    print(f"  organisers: {len(settings.organisers.telegram_ids)}")
    print(f"  event: {settings.event.name} ({settings.event.timezone})")
    print(f"  access.mode: {settings.access.mode}")
    print(f"  i18n.default_language: {settings.i18n.default_language}")
    print(f"  outbox.max_per_second: {settings.outbox.max_per_second:g}")
    return 0


async def _bot_username(settings: Settings) -> str:
    if settings.telegram.username:
        return settings.telegram.username.lstrip("@")
    token = require_token(settings)
    async with Bot(token, base_url=settings.telegram.api_base_url) as bot:
        return bot.username


@asynccontextmanager
async def _services(settings: Settings) -> AsyncIterator[Services]:
    """Migrated database and the use-case services for one CLI command, closed afterwards."""
    from bot.app import build_services_for_cli

    await upgrade(settings.database.url)
    engine = create_engine(settings.database.url)
    try:
        yield build_services_for_cli(settings, engine)
    finally:
        await engine.dispose()


async def _invites(settings: Settings, count: int) -> list[str]:
    username = await _bot_username(settings)
    async with _services(settings) as services:
        codes = await services.people.create_invites(count, now=SystemClock().now())
    return [deep_link(username, code) for code in codes]


def _attendees_import(settings: Settings, path: str, dry_run: bool) -> int:
    from pathlib import Path

    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return _fail(f"cannot read {path}: {exc}")

    async def go() -> Any:
        async with _services(settings) as services:
            return await services.people.registrations.apply(
                text,
                invite_mode=settings.access.mode == "invite",
                dry_run=dry_run,
                now=SystemClock().now(),
            )

    report = asyncio.run(go())
    verb = "would be" if dry_run else "were"
    print(
        f"{report.created} new and {report.updated} updated attendees {verb} imported; "
        f"{len(report.errors)} line(s) refused"
    )
    for line, problem in report.errors:
        print(f"  line {line}: {problem}")
    return 0 if not report.errors else 1


def _invites_export(settings: Settings, out: str) -> int:
    from pathlib import Path

    from core.feedback.exports import to_csv

    async def go() -> tuple[str, list[Any]]:
        username = await _bot_username(settings)
        async with _services(settings) as services:
            return username, await services.people.registrations.invite_list()

    username, people = asyncio.run(go())
    rows = [
        [p.name, p.email, deep_link(username, p.invite_code) if p.invite_code else ""]
        for p in people
    ]
    Path(out).write_bytes(to_csv(["name", "email", "link"], rows))
    print(f"{len(rows)} invite links -> {out}")
    return 0


async def _purge(settings: Settings, days: int, dry_run: bool) -> int:
    from datetime import timedelta

    if days < 0:
        return _fail("--older-than must be 0 or more days")
    async with _services(settings) as services:
        count = await services.privacy.purge(
            older_than=timedelta(days=days),
            now=SystemClock().now(),
            dry_run=dry_run,
        )
    verb = "would be" if dry_run else "were"
    print(f"{count} people {verb} erased (consent older than {days} days)")
    return 0


async def _organisers_add(settings: Settings, telegram_id: int) -> int:
    if telegram_id <= 0:
        return _fail("ID must be a positive Telegram user id")
    async with _services(settings) as services:
        added = await services.people.add_organiser(telegram_id, now=SystemClock().now())
    print(f"{telegram_id} is {'now' if added else 'already'} an organiser")
    return 0


async def _export_rows(settings: Settings, kind: str) -> tuple[list[str], list[list[str]]]:
    async with _services(settings) as services:
        return await services.feedback.exports.table(kind)


def _export(settings: Settings, kind: str, out: str) -> int:
    from pathlib import Path

    from core.feedback.exports import to_csv

    header, rows = asyncio.run(_export_rows(settings, kind))
    Path(out).write_bytes(to_csv(header, rows))
    print(f"{kind}: {len(rows)} rows -> {out}")
    return 0


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
    from core.schedule.builder import build_schedule

    try:
        async with _services(settings) as services:
            result = await build_schedule(
                services.uow,
                services.matchmaker,
                services.booking.rules,
                round_key,
                now=SystemClock().now(),
                apply=apply,
                ics=services.booking.ics,
                reminders=services.booking.reminders,
            )
    except NotFound:
        return _fail(f"round '{round_key}' has no future slots (load the event file first)")
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


async def _event_load(settings: Settings, path: str, force: bool) -> int:
    from bot.event_file import EventFileError, load_event_file
    from core.event.loading import load_event
    from core.meetings.booking import calendar_for
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
    try:
        async with _services(settings) as services:
            report = await load_event(
                services.uow,
                event,
                force=force,
                now=SystemClock().now(),
                ics=calendar_for(event.name),
            )
    except BookingError as exc:
        slots = ", ".join(exc.params.get("slots", []))
        return _fail(
            f"refused: this change would cancel {exc.params.get('count')} booked "
            f"meeting(s) in {slots}; nothing was changed (use --force to cancel them "
            "and tell the people concerned)"
        )
    print(
        f"event '{event.name}' loaded: {report.added} slots added, {report.updated} updated, "
        f"{report.removed} removed, {report.desks} desks, {len(report.cancelled)} meetings "
        "cancelled"
    )
    return 0


def _match_rank(settings: Settings, profiles: str, top: int, out: str) -> int:
    import time
    from pathlib import Path

    from bot.app import match_settings
    from bot.match_rank import ProfileFileError, rank, read_profiles, write_rankings

    if top < 0:
        return _fail("--top must be 0 (all) or more")
    started = time.perf_counter()
    try:
        people = read_profiles(Path(profiles))
    except FileNotFoundError:
        return _fail(f"{profiles}: no such file")
    except ProfileFileError as exc:
        return _fail(f"{profiles}: {exc}")
    rows = rank(people, top, match_settings(settings).preferences)
    if out == "-":
        written = write_rankings(rows, sys.stdout)
    else:
        with open(out, "w", encoding="utf-8") as f:
            written = write_rankings(rows, f)
    took = time.perf_counter() - started
    print(f"ranked {written} profiles in {took:.1f} s -> {out}", file=sys.stderr)
    return 0


def _run(settings: Settings) -> int:
    token = require_token(settings)
    from bot.app import build_application  # imported late: keeps --help and errors fast

    asyncio.run(upgrade(settings.database.url))
    app = build_application(settings, token=token, freeze_heap=True)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = _parser().parse_args(argv)
    setup_logging(args.log_level)
    try:
        settings = load_settings(config_path(args.config))
        if args.command == "config":
            return _check(settings)
        if args.command == "db":
            asyncio.run(upgrade(settings.database.url))
            print(f"database at {settings.database.safe_url()} is up to date")
            return 0
        if args.command == "privacy":
            return asyncio.run(_purge(settings, args.older_than, args.dry_run))
        if args.command == "organisers":
            return asyncio.run(_organisers_add(settings, args.telegram_id))
        if args.command == "export":
            return _export(settings, args.kind, args.out)
        if args.command == "schedule":
            return asyncio.run(_schedule_build(settings, args.round_key, args.apply))
        if args.command == "event":
            return asyncio.run(_event_load(settings, args.file, args.force))
        if args.command == "match":
            return _match_rank(settings, args.profiles, args.top, args.out)
        if args.command == "attendees":
            return _attendees_import(settings, args.file, args.dry_run)
        if args.command == "invites" and args.invites_command == "export":
            return _invites_export(settings, args.out)
        if args.command == "invites":
            if not 1 <= args.count <= 10_000:
                return _fail("--count must be between 1 and 10000")
            for link in asyncio.run(_invites(settings, args.count)):
                print(link)
            return 0
        return _run(settings)
    except ConfigError as exc:
        return _fail(f"config error: {exc}")
    except TelegramError as exc:
        return _fail(f"the Bot API at {settings.telegram.api_base_url} answered: {exc}")
    except (OSError, SQLAlchemyError) as exc:
        reason = getattr(exc, "orig", None) or exc
        return _fail(f"cannot use the database at {settings.database.safe_url()}: {reason}")


if __name__ == "__main__":
    sys.exit(main())

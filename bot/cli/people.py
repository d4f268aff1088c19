"""Who may use the bot: `invites`, `attendees import`, `organisers add|remove|list`,
`privacy purge`."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING, Any

from bot.cli.common import bot_username, fail, services_for
from bot.clock import SystemClock
from bot.config import Settings
from core.people.invites import deep_link

if TYPE_CHECKING:
    from bot.cli.common import Subcommands


def add_invites(sub: Subcommands) -> None:
    """`forumbot invites create|export`."""
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
    create.set_defaults(command_fn=invites_create)
    inv_export = inv_sub.add_parser(
        "export",
        help="personal invite links of imported attendees, for a mail merge",
        description="Write name, email, link for every imported attendee (CSV, UTF-8 with BOM).",
    )
    inv_export.add_argument("--out", required=True, metavar="FILE.csv")
    inv_export.set_defaults(command_fn=invites_export)


def add_attendees(sub: Subcommands) -> None:
    """`forumbot attendees import`."""
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
        "mode each attendee gets a personal invite link. Read as UTF-8, UTF-16 or CP949 "
        "(EUC-KR), separated by commas, semicolons or tabs, or an XLSX workbook (first "
        "sheet); at most 10,000 rows. Indico's registrants export (CSV or XLSX) is "
        "recognised: First Name, Last Name, Email Address, Affiliation, Country (English "
        "names), Registration state; only Completed registrations unless --state says "
        "otherwise.",
    )
    imp.add_argument("file", metavar="FILE.csv|FILE.xlsx")
    imp.add_argument("--dry-run", action="store_true", help="validate and report; write nothing")
    imp.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=COLUMN",
        help="read a renamed field as one of forumbot's columns, e.g. "
        "--map 'Research topics=expertise' (repeatable)",
    )
    imp.add_argument(
        "--state",
        action="append",
        default=[],
        metavar="STATE",
        help="registration states to import when the file has a 'Registration state' column "
        "(default: Completed; repeatable; 'all' for every state)",
    )
    imp.set_defaults(command_fn=attendees_import)


def add_organisers(sub: Subcommands) -> None:
    """`forumbot organisers add|remove|list`."""
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
    add.set_defaults(command_fn=organisers_add)
    remove = org_sub.add_parser(
        "remove",
        help="revoke an organiser added with 'organisers add'",
        description="Revoke a stored organiser; a running bot refuses their organiser commands "
        "and gives them the attendee menu within a minute.",
    )
    remove.add_argument("telegram_id", type=int, metavar="ID")
    remove.set_defaults(command_fn=organisers_remove)
    listing = org_sub.add_parser(
        "list",
        help="list organisers",
        description="Every organiser: those in organisers.telegram_ids and those added.",
    )
    listing.set_defaults(command_fn=organisers_list)


def add_privacy(sub: Subcommands) -> None:
    """`forumbot privacy purge`."""
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
    purge.set_defaults(command_fn=privacy_purge)


async def _invites(settings: Settings, count: int) -> list[str]:
    username = await bot_username(settings)
    async with services_for(settings) as services:
        codes = await services.people.create_invites(count, now=SystemClock().now())
    return [deep_link(username, code) for code in codes]


def invites_create(settings: Settings, args: argparse.Namespace) -> int:
    """Mint single-use invite codes and print their deep links."""
    if not 1 <= args.count <= 10_000:
        return fail("--count must be between 1 and 10000")
    for link in asyncio.run(_invites(settings, args.count)):
        print(link)
    return 0


def invites_export(settings: Settings, args: argparse.Namespace) -> int:
    """Name, email and personal link of every imported attendee, as CSV."""
    from pathlib import Path

    from core.reference.spreadsheet import to_csv

    out: str = args.out

    async def go() -> tuple[str, list[Any]]:
        username = await bot_username(settings)
        async with services_for(settings) as services:
            return username, await services.people.registrations.invite_list()

    username, people = asyncio.run(go())
    rows = [
        [p.name, p.email, deep_link(username, p.invite_code) if p.invite_code else ""]
        for p in people
    ]
    Path(out).write_bytes(to_csv(["name", "email", "link"], rows))
    print(f"{len(rows)} invite links -> {out}")
    return 0


#: How the CLI names what it read (the chat says it from the catalogue).
ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16",
    "cp949": "CP949/EUC-KR",
}
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
FORMAT_NAMES = {"indico": "Indico registrants export", "forumbot": "forumbot columns"}


def attendees_import(settings: Settings, args: argparse.Namespace) -> int:
    """Validate a registration CSV, import the valid rows, list the refused ones."""
    from pathlib import Path

    from core.people.registration_columns import DEFAULT_STATES, ColumnOptions
    from core.people.registrations import MAX_ROWS, read_registrations

    path: str = args.file
    dry_run: bool = args.dry_run
    mapping = {}
    for item in args.map:
        header, sep, column = item.rpartition("=")
        if not sep or not header.strip():
            return fail(f"--map {item!r}: write HEADER=COLUMN, e.g. 'Research topics=expertise'")
        mapping[header.strip()] = column.strip().lower()
    states = tuple(s.strip() for item in args.state for s in item.split(",") if s.strip())
    options = ColumnOptions(mapping, states or DEFAULT_STATES)
    if options.problem():
        return fail(f"--map: {options.problem()}")
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return fail(f"cannot read {path}: {exc}")
    parsed = read_registrations(data, options)  # before the event loop: it blocks nothing
    if parsed.refusal == "workbook":
        return fail(f"cannot read {path}: it is not a readable XLSX workbook")
    if parsed.refusal == "encoding":
        return fail(f"cannot read {path}: it is not UTF-8, UTF-16 or CP949 (EUC-KR) text")
    if parsed.refusal == "too_many_rows":
        return fail(f"{path} has more than {MAX_ROWS:,} rows; split it into smaller files")

    async def go() -> Any:
        async with services_for(settings) as services:
            return await services.people.registrations.apply(
                parsed,
                invite_mode=settings.access.mode == "invite",
                dry_run=dry_run,
                now=SystemClock().now(),
            )

    report = asyncio.run(go())
    verb = "would be" if dry_run else "were"
    encoding = ENCODING_NAMES.get(report.encoding, report.encoding)
    delimiter = DELIMITER_NAMES.get(report.delimiter, repr(report.delimiter))
    if report.encoding == "xlsx":
        print("read as an XLSX workbook (first sheet)")
    else:
        print(f"read as {encoding}, {delimiter}-separated")
    if report.source_format != "forumbot" or report.ignored or report.skipped:
        print(f"recognised: {FORMAT_NAMES.get(report.source_format, report.source_format)}")
        print(f"columns used: {', '.join(report.used) or 'none'}")
    if report.ignored:
        print(f"columns ignored: {', '.join(report.ignored)}")
    if report.skipped:
        shown = ", ".join(f"{n} {state}" for state, n in sorted(report.skipped.items()))
        print(f"left out for their registration state: {shown} (see --state)")
    print(
        f"{report.created} new and {report.updated} updated attendees {verb} imported; "
        f"{len(report.errors)} line(s) refused"
    )
    for line, problem in report.errors:
        print(f"  line {line}: {problem}")
    return 0 if not report.errors else 1


async def _organisers_add(settings: Settings, telegram_id: int) -> int:
    if telegram_id <= 0:
        return fail("ID must be a positive Telegram user id")
    async with services_for(settings) as services:
        added = await services.people.add_organiser(telegram_id, now=SystemClock().now())
    print(f"{telegram_id} is {'now' if added else 'already'} an organiser")
    return 0


def organisers_add(settings: Settings, args: argparse.Namespace) -> int:
    """Store an organiser beyond those in the config."""
    return asyncio.run(_organisers_add(settings, args.telegram_id))


async def _organisers_remove(settings: Settings, telegram_id: int) -> int:
    if telegram_id <= 0:
        return fail("ID must be a positive Telegram user id")
    async with services_for(settings) as services:
        removed = await services.people.remove_organiser(telegram_id, now=SystemClock().now())
    if telegram_id in settings.organisers.telegram_ids:
        return fail(
            f"{telegram_id} is still an organiser through the config (organisers.telegram_ids): "
            "remove it there and restart the bot"
        )
    if removed:
        print(
            f"{telegram_id} is no longer an organiser (a running bot applies this within a minute)"
        )
    else:
        print(f"{telegram_id} was not an organiser")
    return 0


def organisers_remove(settings: Settings, args: argparse.Namespace) -> int:
    """Revoke a stored organiser."""
    return asyncio.run(_organisers_remove(settings, args.telegram_id))


def organisers_list(settings: Settings, _args: argparse.Namespace) -> int:
    """Every organiser, one per line: the id and where the rights come from."""

    async def go() -> list[Any]:
        async with services_for(settings) as services:
            return await services.people.organisers()

    organisers = asyncio.run(go())
    if not organisers:
        print("no organisers")
    for organiser in organisers:
        sources = ["config"] if organiser.in_config else []
        if organiser.added_at is not None:
            sources.append(f"added {organiser.added_at:%Y-%m-%d %H:%M} UTC")
        print(f"{organiser.telegram_id}  {', '.join(sources)}")
    return 0


async def _purge(settings: Settings, days: int, dry_run: bool) -> int:
    from datetime import timedelta

    if days < 0:
        return fail("--older-than must be 0 or more days")
    async with services_for(settings) as services:
        count = await services.privacy.purge(
            older_than=timedelta(days=days),
            now=SystemClock().now(),
            dry_run=dry_run,
        )
    verb = "would be" if dry_run else "were"
    print(f"{count} people {verb} erased (consent older than {days} days)")
    return 0


def privacy_purge(settings: Settings, args: argparse.Namespace) -> int:
    """Erase everyone whose consent is older than the given number of days."""
    return asyncio.run(_purge(settings, args.older_than, args.dry_run))

"""Running the bot and keeping it ready: `run`, `db upgrade`, `config check`."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from telegram import Update

from bot.config import Settings, require_token
from storage.migrate import upgrade

if TYPE_CHECKING:
    from bot.cli.common import Subcommands


def add_run(sub: Subcommands) -> None:
    """`forumbot run`."""
    run = sub.add_parser(
        "run",
        help="apply pending migrations, then serve Telegram by long polling",
        description="Apply pending database migrations, then run the bot "
        "(long polling) until Ctrl+C.",
    )
    run.set_defaults(command_fn=serve)


def add_db(sub: Subcommands) -> None:
    """`forumbot db upgrade`."""
    db = sub.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade_ = db_sub.add_parser(
        "upgrade",
        help="apply pending migrations",
        description="Apply pending Alembic migrations to database.url.",
    )
    upgrade_.set_defaults(command_fn=db_upgrade)


def add_config(sub: Subcommands) -> None:
    """`forumbot config check`."""
    cfg = sub.add_parser("config", help="configuration", description="Configuration tools.")
    cfg_sub = cfg.add_subparsers(dest="config_command", required=True, metavar="ACTION")
    check = cfg_sub.add_parser(
        "check",
        help="validate the configuration and print a summary",
        description="Validate the configuration (file and FORUMBOT_* variables).",
    )
    check.set_defaults(command_fn=config_check)


def serve(settings: Settings, _args: argparse.Namespace) -> int:
    """Migrate, then poll Telegram until stopped."""
    token = require_token(settings)
    # imported late: keeps --help and errors fast
    from bot.app import build_application, dispatcher_of

    asyncio.run(upgrade(settings.database.url))
    app = build_application(settings, token=token, freeze_heap=True)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    # The outbox gave up recording what it sent: exit as failed, so a supervisor restarts us.
    return 1 if dispatcher_of(app).gave_up is not None else 0


def db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    """Apply pending migrations."""
    asyncio.run(upgrade(settings.database.url))
    print(f"database at {settings.database.safe_url()} is up to date")
    return 0


def config_check(settings: Settings, _args: argparse.Namespace) -> int:
    """A summary of the loaded configuration, never showing the token or a password."""
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
    web = settings.web
    secret = (
        "set"
        if web.secret and len(web.secret.get_secret_value().strip()) >= 16
        else ("MISSING (needed for the desk)")
    )
    served = "served by the bot" if web.enabled else "off in the bot (`forumbot web` serves it)"
    print(f"  web: {served}, listen {web.listen}, {web.public_url}, secret {secret}")
    return 0

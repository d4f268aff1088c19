"""The root of the command line: global options, the commands in help order, error mapping."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError
from telegram.error import TelegramError

from bot.cli import exports, operate, people, programme, web
from bot.cli.common import Command, fail
from bot.config import ConfigError, config_path, load_settings
from bot.logs import setup_logging


def build_parser() -> argparse.ArgumentParser:
    """Every command and option; each leaf sets `command_fn`, the function that runs it."""
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
    # The order here is the order `forumbot --help` lists them in.
    operate.add_run(sub)
    operate.add_db(sub)
    operate.add_config(sub)
    people.add_invites(sub)
    people.add_attendees(sub)
    programme.add_event(sub)
    programme.add_schedule(sub)
    people.add_organisers(sub)
    people.add_privacy(sub)
    exports.add_export(sub)
    exports.add_match(sub)
    web.add_web(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit status."""
    args = build_parser().parse_args(argv)
    setup_logging(args.log_level)
    try:
        settings = load_settings(config_path(args.config))
        command: Command = args.command_fn
        return command(settings, args)
    except ConfigError as exc:
        return fail(f"config error: {exc}")
    except TelegramError as exc:
        return fail(f"the Bot API at {settings.telegram.api_base_url} answered: {exc}")
    except (OSError, SQLAlchemyError) as exc:
        reason = getattr(exc, "orig", None) or exc
        return fail(f"cannot use the database at {settings.database.safe_url()}: {reason}")

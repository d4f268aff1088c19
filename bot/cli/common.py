"""What every command shares: the one-line failure, the bot's username, services for one run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from telegram import Bot

from bot.config import Settings, require_token
from handlers.services import Services
from storage.engine import create_engine
from storage.migrate import upgrade

#: What a command runs: the loaded settings and the parsed arguments in, the exit status out.
Command = Callable[[Settings, argparse.Namespace], int]
if TYPE_CHECKING:
    #: What argparse's add_subparsers returns (its class is private to argparse).
    Subcommands = argparse._SubParsersAction[argparse.ArgumentParser]


def fail(message: str) -> int:
    """One line on stderr, status 2: the CLI's answer to anything the user can fix."""
    print(f"forumbot: {message}", file=sys.stderr)
    return 2


async def bot_username(settings: Settings) -> str:
    """The configured username, else the one the Bot API reports for the token."""
    if settings.telegram.username:
        return settings.telegram.username.lstrip("@")
    token = require_token(settings)
    async with Bot(token, base_url=settings.telegram.api_base_url) as bot:
        return bot.username


@asynccontextmanager
async def services_for(settings: Settings) -> AsyncIterator[Services]:
    """Migrated database and the use-case services for one CLI command, closed afterwards."""
    from bot.app import build_services_for_cli

    await upgrade(settings.database.url)
    engine = create_engine(settings.database.url)
    try:
        yield build_services_for_cli(settings, engine)
    finally:
        await engine.dispose()

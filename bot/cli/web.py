"""`forumbot web`: the organisers' desk on its own, against the bot's database."""

from __future__ import annotations

import argparse
import asyncio
from typing import TYPE_CHECKING

from bot.config import Settings, require_web_secret
from bot.desk import desk_app

if TYPE_CHECKING:
    from bot.cli.common import Subcommands


def add_web(sub: Subcommands) -> None:
    """`forumbot web`."""
    web = sub.add_parser(
        "web",
        help="serve the organisers' desk (web dashboard) on its own",
        description="Apply pending migrations, then serve the organisers' desk on web.listen "
        "against database.url, until Ctrl+C (the bot may run elsewhere on the same database).",
    )
    web.set_defaults(command_fn=serve_web)


def serve_web(settings: Settings, _args: argparse.Namespace) -> int:
    """Serve the desk alone, against the same database as the bot."""
    import uvicorn

    from bot.app import build_services_for_cli
    from storage.engine import create_engine
    from storage.migrate import upgrade
    from web.serve import server_config

    require_web_secret(settings)

    async def run() -> None:
        await upgrade(settings.database.url)
        engine = create_engine(settings.database.url)
        try:
            services = build_services_for_cli(settings, engine)
            app = desk_app(settings, services)
            print(f"organisers' desk on http://{settings.web.listen} ({settings.web.public_url})")
            await uvicorn.Server(server_config(app, settings.web.host, settings.web.port)).serve()
        finally:
            await engine.dispose()

    asyncio.run(run())
    return 0

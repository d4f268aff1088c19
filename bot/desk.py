"""The organisers' desk wired from settings: inside the bot process, or alone (`forumbot web`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from bot.config import Settings, require_web_secret
from handlers.services import Services

if TYPE_CHECKING:
    from bot.cli.common import Subcommands

log = logging.getLogger(__name__)


def desk_app(settings: Settings, services: Services) -> Any:
    """The desk's ASGI app over these services."""
    from web.app import create_app
    from web.context import DeskConfig

    require_web_secret(settings)
    assert services.desk is not None
    config = DeskConfig(
        public_url=settings.web.public_url,
        idle=timedelta(minutes=settings.web.idle_minutes),
        login_attempts_per_minute=settings.web.login_attempts_per_minute,
    )
    return create_app(services, services.desk, config)


async def start_desk(settings: Settings, services: Services) -> tuple[Any, asyncio.Task[None]]:
    """Serve the desk in the bot's event loop (post_init)."""
    from web.serve import start

    server = await start(desk_app(settings, services), settings.web.host, settings.web.port)
    log.info("organisers' desk listening on %s", settings.web.listen)
    return server


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

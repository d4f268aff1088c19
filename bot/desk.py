"""The organisers' desk wired from settings, for the bot process and for `forumbot web`."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from bot.config import Settings, require_web_secret
from handlers.services import Services

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

"""Serving the desk with uvicorn: inside the bot's event loop, or on its own (`forumbot web`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from typing import Any

import uvicorn

log = logging.getLogger(__name__)


class EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves the signals to its host (the bot handles Ctrl+C)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def server_config(app: Any, host: str, port: int) -> uvicorn.Config:
    """No access log: paths carry login tokens, and logs carry no personal data."""
    return uvicorn.Config(
        app, host=host, port=port, access_log=False, log_level="warning", lifespan="off"
    )


async def start(app: Any, host: str, port: int) -> tuple[EmbeddedServer, asyncio.Task[None]]:
    """Serve in the running loop; returns the server and its task once it listens."""
    server = EmbeddedServer(server_config(app, host, port))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()  # raises the reason it could not start (e.g. the port is taken)
            raise RuntimeError("the desk stopped before it started")
        await asyncio.sleep(0.02)
    return server, task


def bound_port(server: uvicorn.Server) -> int:
    """The port actually listened on (port 0 picks a free one)."""
    for s in server.servers:
        for sock in s.sockets:
            return int(sock.getsockname()[1])
    raise RuntimeError("not listening")


async def stop(server: uvicorn.Server, task: asyncio.Task[None]) -> None:
    """Let open requests finish, then close."""
    server.should_exit = True
    with contextlib.suppress(asyncio.CancelledError):
        await task

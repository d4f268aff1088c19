"""The organisers' desk in tests: a seeded event with one booked meeting, and login helpers."""

from __future__ import annotations

import re
from typing import Any

import httpx

from bot.desk import desk_app
from tests.support.journeys import request_from_jiwoo, setup

SECRET = "test-desk-secret-0123456789"
PUBLIC = "http://desk.test"
ORGANISER = 9000
#: The booked meeting: Ji-woo Kim and Anna de Vries, Thu 10 Apr 10:20 (event time), table 1.
WHEN = "Thu 10 Apr 10:20"
WEB = {"secret": SECRET, "public_url": PUBLIC}


async def seeded(make_bot: Any, **overrides: Any) -> tuple[Any, dict[int, Any], Any]:
    """The example event, three attendees, one booked meeting, and organiser 9000."""
    overrides.setdefault("organisers", {"telegram_ids": [ORGANISER]})
    overrides.setdefault("web", WEB)
    bot = await make_bot(**overrides)
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=(WHEN,))
    await users[2].press(f"✅ {WHEN}")
    await bot.dispatch()
    return bot, users, bot.client(ORGANISER, "Org")


def client(bot: Any) -> httpx.AsyncClient:
    """An HTTP client on the desk app over the bot's own services (in-process, no sockets)."""
    app = desk_app(bot.settings, bot.services)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC)


async def link_path(chat_client: Any) -> str:
    """Send /dashboard in the chat; the path of the link the bot answered with."""
    await chat_client.command("dashboard")
    found = re.search(r"https?://[^/\s]+(/login/\S+)", chat_client.last().text)
    assert found, chat_client.last().text
    return found[1]


async def log_in(http: httpx.AsyncClient, path: str) -> httpx.Response:
    """Open a login link and press Continue, as a browser would."""
    page = await http.get(path)
    assert page.status_code == 200, page.text
    token = path.rsplit("/", 1)[1]
    return await http.post("/login", data={"token": token})


def csrf_of(html: str) -> str:
    """The CSRF token of a page's forms."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found
    return found[1]

"""[web] enabled = true: the bot process serves the desk in its own event loop."""

from __future__ import annotations

import httpx

from bot.app import DESK_KEY
from tests.support.desk import SECRET, link_path


async def test_the_bot_serves_the_desk_when_enabled(make_bot):
    bot = await make_bot(
        organisers={"telegram_ids": [9000]},
        web={"enabled": True, "listen": "127.0.0.1:0", "secret": SECRET},
    )
    from web.serve import bound_port

    server, _task = bot.app.bot_data[DESK_KEY]
    base = f"http://127.0.0.1:{bound_port(server)}"
    async with httpx.AsyncClient(base_url=base) as http:
        assert (await http.get("/")).status_code == 401
        path = await link_path(bot.client(9000, "Org"))
        assert bot.client(9000, "Org").last().text.count("http://127.0.0.1:8080/login/") == 1
        opened = await http.post("/login", data={"token": path.rsplit("/", 1)[1]})
        assert opened.status_code == 303
        assert "Registered: 0" in (await http.get("/")).text


async def test_the_desk_is_off_by_default(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    assert DESK_KEY not in bot.app.bot_data
    organiser = bot.client(9000, "Org")
    await organiser.command("dashboard")
    assert "The web desk is not set up" in organiser.last().text

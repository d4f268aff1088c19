"""Logging in to the desk: one-time links, sessions, refusals, CSRF and the security headers."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy import select, update

from storage.desk.rows import DeskLinkRow, DeskSessionRow
from tests.support.desk import ORGANISER, WEB, client, csrf_of, link_path, log_in, seeded


async def test_a_link_opens_a_session_once(make_bot):
    bot, _users, organiser = await seeded(make_bot)
    async with client(bot) as http:
        nobody = await http.get("/")
        assert nobody.status_code == 401
        assert "you are not logged in" in nobody.text
        assert "/dashboard" in nobody.text

        path = await link_path(organiser)
        assert "Open this link within 10 minutes" in organiser.last().text
        assert str(ORGANISER) not in path  # no personal data in the link
        opened = await log_in(http, path)
        assert opened.status_code == 303
        cookie = opened.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
        now = await http.get("/")
        assert now.status_code == 200
        assert "Registered: 3 · profiles complete: 3" in now.text
        assert "Meetings: 1 booked · 0 held · 0 no-show · 0 cancelled" in now.text

    async with client(bot) as other:  # the same link, again: refused
        again = await other.post("/login", data={"token": path.rsplit("/", 1)[1]})
        assert again.status_code == 403
        assert "was used already" in again.text
        assert (await other.get(path)).status_code == 403


async def test_expired_forged_and_rebound_links_are_refused(make_bot):
    bot, users, organiser = await seeded(make_bot)
    async with client(bot) as http:
        path = await link_path(organiser)
        bot.clock.advance(minutes=11)
        expired = await http.get(path)
        assert expired.status_code == 403 and "has expired" in expired.text

        path = await link_path(organiser)
        forged = path[:-4] + ("aaaa" if not path.endswith("aaaa") else "bbbb")
        refused = await http.post("/login", data={"token": forged.rsplit("/", 1)[1]})
        assert refused.status_code == 403 and "not valid" in refused.text

        # A link moved to another person in the database no longer matches its signature.
        async with bot.uow() as uow:
            await uow.session.execute(update(DeskLinkRow).values(telegram_id=users[1].user_id))
            await uow.commit()
        moved = await http.post("/login", data={"token": path.rsplit("/", 1)[1]})
        assert moved.status_code == 403 and "not valid" in moved.text
        assert (await http.get("/")).status_code == 401


async def test_attendees_get_no_link_and_removed_organisers_lose_access(make_bot):
    bot, users, _organiser = await seeded(make_bot)
    await users[1].command("dashboard")
    assert users[1].last().text == "This command is for the event's organisers."

    await bot.services.people.add_organiser(users[2].user_id, now=bot.clock.now())
    await bot.services.people.load_organisers()
    anna = users[2]
    async with client(bot) as http:
        assert (await log_in(http, await link_path(anna))).status_code == 303
        assert (await http.get("/grid")).status_code == 200
        unused = await link_path(anna)
        await bot.services.people.remove_organiser(anna.user_id, now=bot.clock.now())
        refused = await http.get("/grid")  # the very next request
        assert refused.status_code == 403
        assert "Ji-woo Kim" not in refused.text
    async with client(bot) as http:
        page = await http.get(unused)
        assert page.status_code == 200  # the page does not tell; pressing Continue does
        token = unused.rsplit("/", 1)[1]
        late = await http.post("/login", data={"token": token})
        assert late.status_code == 403 and "not one of the event's organisers" in late.text


async def test_state_changes_need_the_csrf_token(make_bot):
    bot, users, organiser = await seeded(make_bot)
    async with client(bot) as http:
        await log_in(http, await link_path(organiser))
        meeting = await http.get("/meetings/1")
        assert meeting.status_code == 200 and "Cancel the meeting" in meeting.text
        forged = await http.post("/meetings/1/cancel", data={"csrf": "guess"})
        assert forged.status_code == 403 and "out of date" in forged.text
        assert "booked" in (await http.get("/meetings/1")).text
        token = csrf_of(meeting.text)
        done = await http.post("/meetings/1/cancel", data={"csrf": token})
        assert done.status_code == 303
        after = await http.get(done.headers["location"])
        assert "Cancelled; both people are told." in after.text
        await bot.dispatch()
        assert "The organisers cancelled your meeting with Anna de Vries" in users[1].last().text
        assert "The organisers cancelled your meeting with Ji-woo Kim" in users[2].last().text
        assert "METHOD:CANCEL" in users[2].last().document.data.decode()
        assert (await http.post("/logout", data={"csrf": "nope"})).status_code == 403
        out = await http.post("/logout", data={"csrf": token})
        assert "You are logged out." in out.text
        assert (await http.get("/")).status_code in (401, 403)


async def test_headers_rate_limit_and_no_tokens_in_logs(make_bot, caplog):
    caplog.set_level(logging.DEBUG)
    bot, _users, organiser = await seeded(
        make_bot,
        web={
            "secret": "test-desk-secret-0123456789",
            "public_url": "https://desk.test",
            "login_attempts_per_minute": 3,
        },
    )
    async with client(bot) as http:
        page = await http.get("/")
        csp = page.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["referrer-policy"] == "no-referrer"
        path = await link_path(organiser)
        opened = await log_in(http, path)
        cookie = opened.headers["set-cookie"]
        assert cookie.startswith("__Host-desk_session=") and "Secure" in cookie
        codes = [(await http.get("/login/nothing.here")).status_code for _ in range(3)]
        assert codes[-1] == 429
    token = path.rsplit("/", 1)[1]
    # What the desk logs (the test's own HTTP client logs its URLs; a server logs no paths).
    logged = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith(("web", "bot", "uvicorn"))
    )
    assert "desk session opened" in logged
    assert token not in logged and token.split(".")[0] not in logged


async def test_a_session_ends_after_its_idle_time(make_bot):
    bot, _users, organiser = await seeded(make_bot, web={**WEB, "idle_minutes": 30})
    async with client(bot) as http:
        await log_in(http, await link_path(organiser))
        for _ in range(3):  # used every 29 minutes: stays open
            bot.clock.advance(minutes=29)
            assert (await http.get("/grid")).status_code == 200
        bot.clock.advance(minutes=31)
        idle = await http.get("/grid")
        assert idle.status_code == 403 and "your session ended" in idle.text
        assert (await http.get("/grid")).status_code == 403  # the session is gone for good


async def test_an_organiser_who_erases_themselves_leaves_no_session(make_bot):
    bot, users, _organiser = await seeded(make_bot)
    anna = users[2]
    await bot.services.people.add_organiser(anna.user_id, now=bot.clock.now())
    await bot.services.people.load_organisers()
    async with client(bot) as http:
        await log_in(http, await link_path(anna))
        unused = await link_path(anna)
        await anna.command("deleteme")
        await anna.press("🗑 Yes, delete everything")
        async with bot.uow() as uow:
            links = await uow.session.execute(select(DeskLinkRow.id))
            sessions = await uow.session.execute(select(DeskSessionRow.id))
            assert links.all() == [] and sessions.all() == []
        assert (await http.get("/grid")).status_code == 403
        assert (await http.get(unused)).status_code == 403


async def test_two_browsers_racing_with_one_link_open_one_session(make_bot):
    bot, _users, organiser = await seeded(make_bot)
    token = (await link_path(organiser)).rsplit("/", 1)[1]
    async with client(bot) as first, client(bot) as second:
        answers = await asyncio.gather(
            first.post("/login", data={"token": token}),
            second.post("/login", data={"token": token}),
        )
    assert sorted(a.status_code for a in answers) == [303, 403]
    async with bot.uow() as uow:
        assert len((await uow.session.execute(select(DeskSessionRow.id))).all()) == 1

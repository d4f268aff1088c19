"""Each desk page on a seeded event: what organisers see, in English and Korean, escaped."""

from __future__ import annotations

import re
from contextlib import aclosing
from datetime import UTC, datetime

from core.outbox.model import OutgoingMessage
from tests.support.desk import ORGANISER, client, csrf_of, link_path, log_in, seeded
from tests.support.journeys import onboard


async def logged_in(make_bot):
    bot, users, organiser = await seeded(make_bot)
    http = client(bot)
    await log_in(http, await link_path(organiser))
    return bot, users, http


async def test_grid_sheets_and_a_persons_day(make_bot):
    _bot, _users, http = await logged_in(make_bot)
    async with aclosing(http):
        grid = await http.get("/grid")
        assert grid.status_code == 200
        row = grid.text.split('<tr data-table="1">')[1].split("</tr>")[0]
        cells = row.split('<td class="cell')
        header = grid.text.split("<thead>")[1].split("</thead>")[0]
        times = [h.split(">")[1].split("<")[0] for h in header.split("<th")[2:]]
        filled = [i for i, c in enumerate(cells[1:]) if "Ji-woo Kim" in c]
        assert len(filled) == 1 and times[filled[0]] == "10:20"
        assert "Anna de Vries" in cells[1 + filled[0]] and "booked" in cells[1 + filled[0]]
        assert "Korea Institute of Science and Technology" in cells[1 + filled[0]]

        round_key = re.search(r'href="/grid/([^/"]+)/table/', grid.text)[1]
        sheet = await http.get(f"/grid/{round_key}/table/1")
        assert sheet.status_code == 200 and "Table 1" in sheet.text
        assert "Ji-woo Kim" in sheet.text and "10:20" in sheet.text
        assert "/static/print.css" in sheet.text
        assert (await http.get(f"/grid/{round_key}/table/9999")).status_code == 404
        every = await http.get(f"/grid/{round_key}/tables")
        assert every.text.count('<section class="sheet">') == 15
        assert every.text.count("Ji-woo Kim") == 1

        ref = cells[1 + filled[0]].split('href="/people/')[1].split('"')[0]
        day = await http.get(f"/people/{ref}/day")
        assert "Meeting:" in day.text and "#1" in day.text
        person = await http.get(f"/people/{ref}")
        assert person.status_code == 200 and "Their day" in person.text
        assert (await http.get("/people/not-a-reference")).status_code == 404


async def test_attendees_search_filters_and_hidden_fields(make_bot):
    bot, _users, http = await logged_in(make_bot)
    hostile = bot.client(7, "Eve")
    await onboard(
        hostile,
        full_name="<script>alert(1)</script>",
        offers="<img src=x onerror=alert(1)>",
        bio="My secret biography",
    )
    await bot.services.people.profiles.toggle_hidden(7, "bio")
    async with aclosing(http):
        page = await http.get("/attendees")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
        assert "<script>alert" not in page.text
        assert "Ji-woo Kim" in page.text and "Anna de Vries" in page.text
        token = csrf_of(page.text)
        found = await http.post("/attendees", data={"csrf": token, "q": "Jiwoo Kim"})
        assert "Ji-woo Kim" in found.text and "Anna de Vries" not in found.text
        korea = await http.get("/attendees?delegation=KR")
        assert "Ji-woo Kim" in korea.text and "Anna de Vries" not in korea.text
        refused = await http.post("/attendees", data={"q": "Kim"})
        assert refused.status_code == 403
        eve = page.text.split("&lt;script&gt;")[0].rsplit('href="/people/', 1)[1].split('"')[0]
        profile = await http.get(f"/people/{eve}")
        assert "&lt;img src=x onerror=alert(1)&gt;" in profile.text
        assert "<img src=x" not in profile.text
        assert "My secret biography" not in profile.text  # hidden stays hidden


async def test_now_tables_survey_and_exports(make_bot):
    bot, _users, http = await logged_in(make_bot)
    async with aclosing(http):
        figures = await http.get("/now/figures")
        assert "Requests: 1 sent · 1 accepted" in figures.text
        chart = await http.get("/charts/meetings-per-slot.png")
        assert chart.headers["content-type"] == "image/png" and chart.content[:4] == b"\x89PNG"
        requests = await http.get("/requests")
        assert "Ji-woo Kim" in requests.text and "accepted" in requests.text
        for kind, title in (
            ("consultations", "Consultations"),
            ("waitlists", "Sessions and waitlists"),
            ("broadcasts", "Broadcasts"),
        ):
            page = await http.get(f"/tables/{kind}")
            assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text
        survey = await http.get("/survey")
        assert re.search(r"Finished: 0 of \d+ invited\.", survey.text), survey.text[:3000]
        assert "how useful were they for finding partners?" in survey.text
        assert 'src="/survey/charts/survey-matchmaking-useful.png"' in survey.text
        png = await http.get("/survey/charts/survey-matchmaking-useful.png")
        assert png.content[:4] == b"\x89PNG"
        exports = await http.get("/exports")
        for kind in (
            "attendees",
            "meetings",
            "consultations",
            "waitlists",
            "broadcasts",
            "survey",
            "outcomes",
        ):
            assert f"/exports/{kind}.csv" in exports.text
            csv = await http.get(f"/exports/{kind}.csv")
            assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
        people = (await http.get("/exports/attendees.csv")).content.decode("utf-8-sig")
        assert "Ji-woo Kim" in people
        header, rows = await bot.services.feedback.exports.table("attendees")
        from core.reference.spreadsheet import to_csv

        assert (await http.get("/exports/attendees.csv")).content == to_csv(header, rows)


async def test_no_show_changes_the_figures_and_tells_both(make_bot):
    bot, users, http = await logged_in(make_bot)
    async with aclosing(http):
        page = await http.get("/meetings/1")
        assert "Mark as no-show" not in page.text  # not started yet
        bot.clock.set(datetime(2025, 4, 10, 9, 0, tzinfo=UTC))  # after 10:20-10:40 CEST
        assert (await http.get("/meetings/1")).status_code == 403  # idle for a day: logged out
        await log_in(http, await link_path(bot.client(ORGANISER, "Org")))
        page = await http.get("/meetings/1")
        assert "Mark as no-show" in page.text and "Cancel the meeting" not in page.text
        assert "0 no-show" in (await http.get("/now/figures")).text
        done = await http.post("/meetings/1/no-show", data={"csrf": csrf_of(page.text)})
        assert done.status_code == 303
        assert "Recorded as a no-show" in (await http.get(done.headers["location"])).text
        assert "0 held · 1 no-show" in (await http.get("/now/figures")).text
        late = await http.post("/meetings/1/cancel", data={"csrf": csrf_of(page.text)})
        assert late.status_code == 409 and "started already" in late.text
    await bot.dispatch()
    assert "did not take place" in users[1].last().text
    assert "Anna de Vries" in users[1].last().text
    assert "Ji-woo Kim" in users[2].last().text


async def test_korean_pages(make_bot):
    _bot, _users, http = await logged_in(make_bot)
    async with aclosing(http):
        page = await http.get("/grid")
        switched = await http.post(
            "/language", data={"csrf": csrf_of(page.text), "lang": "ko", "back": "/grid"}
        )
        assert switched.status_code == 303 and switched.headers["location"] == "/grid"
        korean = await http.get("/grid")
        assert "미팅 배치표" in korean.text and "예약" in korean.text
        now = await http.get("/")
        assert "지금까지의 매칭 현황" in now.text  # the bot's own /stats text


async def test_broadcasts_show_their_progress(make_bot):
    bot, users, http = await logged_in(make_bot)
    broadcasts, now = bot.services.outreach.broadcasts, bot.clock.now()
    draft = await broadcasts.draft(
        ORGANISER, OutgoingMessage(text="Coffee and <b>cake</b> at 15:00"), now=now
    )
    await broadcasts.target(ORGANISER, draft.broadcast.id, "all")
    await broadcasts.send(ORGANISER, draft.broadcast.id, now=now)
    async with aclosing(http):
        going = await http.get("/tables/broadcasts")
        assert 'id="autoreload"' in going.text and "reloads every 15 seconds" in going.text
        assert "Coffee and &lt;b&gt;cake&lt;/b&gt; at 15:00" in going.text  # shown as text
        await bot.dispatch()
        done = await http.get("/tables/broadcasts")
        assert 'id="autoreload"' not in done.text
        row = done.text.split("Coffee and")[1].split("</tr>")[0]
        assert "<td>3</td><td>3</td><td>0</td><td>0</td><td>0</td>" in row  # all 3 delivered
    assert users[1].last().text == "Coffee and <b>cake</b> at 15:00"

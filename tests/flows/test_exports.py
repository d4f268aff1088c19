"""Organiser exports: CSV with a BOM, Korean intact, hidden fields left out, organisers only,
every table named by people rather than ids."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.support.journeys import onboard_korean, request_from_jiwoo, setup
from tests.support.spreadsheets import assert_csv_safe


def rows_of(data: bytes) -> list[list[str]]:
    return assert_csv_safe(data)


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
    assert meetings == [
        [
            "id",
            "start",
            "location",
            "table",
            "status",
            "a_name",
            "a_organisation",
            "b_name",
            "b_organisation",
            "slot",
            "a_telegram_id",
            "b_telegram_id",
        ],
        [
            "1",
            "2025-04-10T10:20+02:00",
            "Matchmaking area, level 2",
            "1",
            "booked",
            "Ji-woo Kim",
            "Korea Institute of Science and Technology",
            "Anna de Vries",
            "Delft University of Technology",
            "morning@20250410T0820",
            "1",
            "2",
        ],
    ]


async def test_outcomes_export_names_both_people_the_time_the_table_and_the_answer(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")
    bot.clock.set(datetime(2025, 4, 10, 8, 50, tzinfo=UTC))  # 10:50 in Brussels
    await bot.dispatch()
    await bot.dispatch()
    await users[1].press("Cooperation possible")
    await users[2].press("Informative, no cooperation planned")
    await users[2].press("💬 Add a comment (only organisers see it)")
    await users[2].send("Good talk, different timelines")
    async with bot.uow() as uow:
        anna = await uow.profiles.get(2)
        # Hidden from other attendees; organisers still see the organisation she registered with
        # and nothing of what she hid for matchmaking (core/people/visibility.py).
        anna.hidden_fields = ["organisation", "seeks"]
        await uow.profiles.save(anna)
        await uow.commit()

    organiser = bot.client(9000, "Org")
    await organiser.command("export")
    await organiser.press("Meeting outcomes")
    doc = organiser.last()
    assert doc.document.name == "outcomes.csv" and doc.text == "Meeting outcomes: 2 rows"
    table = rows_of(doc.document.data)
    assert table[0] == [
        "meeting_id",
        "start",
        "location",
        "table",
        "name",
        "organisation",
        "partner_name",
        "partner_organisation",
        "outcome",
        "comment",
        "telegram_id",
        "partner_telegram_id",
    ]
    when_where = ["1", "2025-04-10T10:20+02:00", "Matchmaking area, level 2", "1"]
    kist = "Korea Institute of Science and Technology"
    delft = "Delft University of Technology"
    informative, comment = "Informative, no cooperation planned", "Good talk, different timelines"
    assert sorted(table[1:]) == [
        [*when_where, "Anna de Vries", delft, "Ji-woo Kim", kist, informative, comment, "2", "1"],
        [
            *when_where,
            "Ji-woo Kim",
            kist,
            "Anna de Vries",
            delft,
            "Cooperation possible",
            "",
            "1",
            "2",
        ],
    ]

"""/mydata holds everything about the person and nothing about others; /deleteme leaves nothing
personal in any table and tells meeting partners; retention purge with a dry run."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import select

from storage.base import Base
from storage.privacy.repository import PERSON_COLUMNS
from tests.support.journeys import request_from_jiwoo, setup


async def everything(bot) -> list[tuple[str, dict]]:
    rows = []
    async with bot.uow() as uow:
        for table in Base.metadata.sorted_tables:
            for row in (await uow.session.execute(select(table))).mappings().all():
                rows.append((table.name, dict(row)))
    return rows


async def test_mydata_and_deleteme(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    await users[2].press("✅ Thu 10 Apr 10:20")
    jiwoo = users[1]

    await jiwoo.command("mydata")
    data = json.loads(jiwoo.last_document().data)
    tables = data["tables"]
    assert [r["full_name"] for r in tables["profiles"]] == ["Ji-woo Kim"]  # not Anna's
    assert tables["consents"][0]["accepted"] is True
    assert {r["telegram_id"] for r in tables["meeting_people"]} == {1}
    assert tables["meeting_requests"][0]["note"] == "Cryo-CMOS & QKD?"
    assert any(r["recipient_id"] == 1 for r in tables["outbox"])
    assert all(r["telegram_id"] == 1 for r in tables["people"])

    await jiwoo.command("privacy")
    assert "/deleteme" in jiwoo.last().text and "180 days" in jiwoo.last().text
    await jiwoo.command("deleteme")
    await users[4].press_data(jiwoo.last().reply_markup[0][0]["callback_data"])  # forged
    assert users[4].press_reply() == "This button is not for you — nothing was changed."
    await jiwoo.press("🗑 Yes, delete everything")
    assert "your data is deleted and 1 meeting was cancelled" in jiwoo.last().text
    await bot.dispatch()
    assert any("Ji-woo Kim cancelled your meeting" in m.text for m in bot.fake.sent(2))

    leftovers = [
        (table, row)
        for table, row in await everything(bot)
        if any(row.get(column) == 1 for column in PERSON_COLUMNS)
        or "Ji-woo" in json.dumps(row, default=str, ensure_ascii=False)
    ]
    assert leftovers == [], leftovers
    async with bot.uow() as uow:
        assert await uow.people.get(1) is None and await uow.profiles.get(1) is None
    await jiwoo.command("mydata")
    assert jiwoo.last().text == "Nothing is stored about you."


async def test_survey_answers_stay_anonymised_and_purge(make_bot):
    from tests.support.event_survey import OPENS, SURVEY

    bot = await make_bot()
    users = await setup(bot)
    async with bot.uow() as uow:
        await uow.survey.set_definition(SURVEY)
        await uow.commit()
    bot.clock.set(OPENS)
    await bot.services.feedback.survey.answer(2, "overall", "4", now=bot.clock.now())
    services = bot.services
    later = bot.clock.now() + timedelta(days=200)
    assert (
        await services.privacy.purge(older_than=timedelta(days=180), now=later, dry_run=True) == 3
    )
    async with bot.uow() as uow:
        assert len(await uow.people.everyone()) == 3  # a dry run changes nothing
    assert (
        await services.privacy.purge(older_than=timedelta(days=180), now=later, dry_run=False) == 3
    )
    async with bot.uow() as uow:
        assert await uow.people.everyone() == []
        assert await uow.survey.all_answers() == [(None, "overall", 4)]
    del users


async def test_visibility_settings_are_honoured(make_bot):
    from tests.support.journeys import cohort

    bot = await make_bot()
    users = await cohort(bot)
    anna, jiwoo = users[2], users[1]
    await anna.command("visibility")
    assert "✓ Visible to all attendees" in anna.last().buttons
    await jiwoo.press_data(anna.last().reply_markup[0][0]["callback_data"])  # forged
    assert jiwoo.press_reply() == "This button is not for you — nothing was changed."
    await anna.press("👁 Seeks")
    assert "🙈 Seeks" in anna.last().buttons
    await jiwoo.command("partners")
    assert "Anna de Vries" in jiwoo.last().text and "Seeks" not in jiwoo.last().text
    await anna.press("Hidden from suggestions (I can still request meetings)")
    assert "✓ Hidden from suggestions (I can still request meetings)" in anna.last().buttons
    await jiwoo.command("partners")
    seen = []
    while "👤" in jiwoo.last().text:
        seen.append(jiwoo.last().text)
        await jiwoo.press("➡️ Next")
    assert not any("Anna de Vries" in text for text in seen)
    async with bot.uow() as uow:
        profile = await uow.profiles.get(2)
    assert profile.visibility == "hidden" and profile.hidden_fields == ["seeks"]


async def test_a_new_notice_version_asks_for_consent_again(make_bot):
    from tests.support.journeys import onboard

    bot = await make_bot()
    user = bot.client(61)
    await onboard(user)
    async with bot.uow() as uow:
        person = await uow.people.get(61)
        person.consent_version = 0  # they agreed to an older notice
        await uow.people.save(person)
        await uow.commit()
    for command in ("profile", "partners", "meetings"):
        await user.command(command)
        assert user.last().buttons == ["✅ I accept", "No, thanks"], command
    await user.press("I accept")
    async with bot.uow() as uow:
        consents = await uow.consents.for_person(61)
    assert [c.notice_version for c in consents] == [1, 1]
    await user.command("profile")
    assert "Ji-woo Kim" in user.last().text


JI, AN, LU = 7_001_234_567, 7_009_876_543, 7_005_550_123  # ids that cannot appear by chance


async def test_mydata_names_others_and_holds_no_identifier_of_anyone_else(make_bot):
    from bot.event_file import load_event_file
    from core.event.loading import load_event
    from core.meetings.messages import calendar_for
    from core.partners.interests import InterestKind
    from tests.support.journeys import EXAMPLE, onboard
    from tests.support.personas import ANNA, JIWOO, MIRROR

    bot = await make_bot()
    event = load_event_file(EXAMPLE)
    await load_event(bot.uow, event, force=False, now=bot.clock.now(), ics=calendar_for(event.name))
    jiwoo, anna, lukas = bot.client(JI, "Ji-woo"), bot.client(AN, "Anna"), bot.client(LU, "Lukas")
    for user, answers in ((jiwoo, JIWOO), (anna, ANNA), (lukas, MIRROR)):
        await onboard(user, **answers)
    await jiwoo.command("partners")  # sees Anna's card first
    await jiwoo.press("🤝 Request meeting")
    await jiwoo.press("Thu 10 Apr 10:20")
    await jiwoo.press("📨 Send request")
    await anna.command("partners")  # Anna sees Ji-woo's card and saves it: mutual
    await anna.press("⭐ Save")
    now = bot.clock.now()
    await bot.services.partners.decide(LU, JI, InterestKind.SKIPPED, now=now)  # Lukas's own choice
    async with bot.uow() as uow:
        await uow.interests.record_impression(LU, JI, now)
        await uow.followups.save(JI, 30, [AN], "planned", now)
        await uow.commit()

    await jiwoo.command("mydata")
    raw = jiwoo.last_document().data.decode()
    for other in (AN, LU):
        assert str(other) not in raw
    data = json.loads(raw)
    assert data["telegram_id"] == JI
    tables = data["tables"]
    assert {
        (r["actor_id"], r["target"], r["kind"]) for r in tables["interests"] if "target" in r
    } == {(JI, "Anna de Vries", "requested")}
    about_me = [r for r in tables["interests"] if "actor" in r]
    assert sorted((r["actor"], r["kind"]) for r in about_me) == [
        ("another attendee", "saved"),  # Anna's save
        ("another attendee", "skipped"),  # Lukas's skip: never who
    ]
    assert {r["target"] for r in tables["impressions"] if "target" in r} >= {"Anna de Vries"}
    assert {r["viewer"] for r in tables["impressions"] if "viewer" in r} == {"another attendee"}
    request = tables["meeting_requests"][0]
    assert request["from_id"] == JI and request["to"] == "Anna de Vries"
    assert tables["followups"][0]["partners"] == ["Anna de Vries"]
    mutual = [r for r in tables["outbox"] if r["payload"].get("key") == "partners.mutual"]
    assert mutual and mutual[0]["payload"]["params"]["name"] == "Anna de Vries"
    assert all("dedupe_key" not in r for r in tables["outbox"])

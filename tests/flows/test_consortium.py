"""/consortium: from good meetings to an eligible Horizon Europe consortium (issue 15)."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from storage.base import Base
from storage.privacy.repository import PERSON_COLUMNS
from tests.support.consortia import (
    AN,
    CLUSTER,
    JI,
    LU,
    MJ,
    ORGANISER,
    RESTRICTED,
    SO,
    cid_of,
    create,
    edit_entity,
    forum,
    invite_and_join,
    live_card,
    trio,
)
from tests.support.journeys import onboard
from tests.support.personas import NV_SENSING


async def test_kr_nl_de_form_an_eligible_ria_then_fill_the_gap_of_a_restricted_topic(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORGANISER]})
    users = await forum(bot)
    jiwoo, anna, lukas, sofia = users[JI], users[AN], users[LU], users[SO]

    # A cluster topic, RIA: KR (Pillar II associated from 2025), NL and DE → eligible.
    shown = await create(jiwoo, "Quantum-safe links", CLUSTER)
    assert "The organisers declared this topic" in shown
    assert "Quantum sensing and metrology for industrial applications" in shown
    card = jiwoo.last()
    assert "Your consortium is set up" in card.text
    assert (
        "👑 <b>Ji-woo Kim</b> — Korea Institute of Science and Technology (South Korea" in card.text
    )
    assert "Not eligible yet" in card.text
    assert "needs 2 more independent entities" in card.text
    await invite_and_join(bot, jiwoo, anna, "Anna de Vries")
    # KR + NL: Germany or Italy would do; the idea (cryo-CMOS, QKD) ranks Lukas first.
    await jiwoo.press("🧩 Show the card")
    await jiwoo.press("🔍 Fill the gap")
    gap = jiwoo.last().text
    assert gap.index("Lukas Weber") < gap.index("Sofia Rossi")
    joined = await invite_and_join(bot, jiwoo, lukas, "Lukas Weber")
    assert "✅ <b>Eligible</b>" in joined.text
    assert "Countries counted: Germany, Netherlands and South Korea" in joined.text
    # Everyone already in sees it on the card they have, edited in place, and hears (once,
    # briefly) that it turned eligible.
    first = cid_of(joined)
    for member in (jiwoo, anna):
        card = await live_card(bot, member, first)
        assert card.edited and "<b>Lukas Weber</b> — Forschungszentrum Jülich" in card.text
        assert "✅ <b>Eligible</b>" in card.text
        assert member.last().text == (
            "✅ <b>Quantum-safe links</b> is now eligible: the minimum conditions are met."
        )
    # Eligible: Fill the gap now looks for what would make it stronger (a country it lacks).
    await lukas.press("🔍 Fill the gap")
    stronger = lukas.last().text
    assert "The consortium is eligible; these people would make it stronger" in stronger
    assert "Sofia Rossi</b> — INRiM (Italy, university)\n  ➕ adds Italy" in stronger
    assert "Min-jun Park" not in stronger  # Korea is there already, and so is a university

    # The same people for a topic restricted to Member States (and NO, IS): not eligible.
    shown = await create(jiwoo, "Quantum pilot line", RESTRICTED)
    assert "Only entities from: EU Member States, Iceland, Norway" in shown
    await invite_and_join(bot, jiwoo, anna, "Anna de Vries")
    card = await invite_and_join(bot, jiwoo, lukas, "Lukas Weber")
    assert "Not eligible yet" in card.text
    assert (
        "needs 1 more independent entity established in a country this topic is open to, "
        "other than Germany and Netherlands" in card.plain
    )
    assert "this topic is not open to entities from South Korea" in card.plain
    cid = cid_of(card)

    # Fill the gap: a Member State person whose profile fits; one tap invites.
    await jiwoo.command("consortium")
    await jiwoo.press("⏳ Quantum pilot line")
    await jiwoo.press("🔍 Fill the gap")
    gap = jiwoo.last()
    assert "Who would fill the gap" in gap.text
    assert "Sofia Rossi</b> — INRiM (Italy" in gap.text
    assert "Min-jun Park" not in gap.text  # Korea cannot fill this gap
    assert "Shared topics: quantum" in gap.text  # the engine's reasons
    await jiwoo.press("➕ Invite Sofia Rossi")
    assert "Invitation sent to Sofia Rossi" in jiwoo.last().text
    await bot.dispatch()
    await sofia.press("✅ Join")
    assert "✅ <b>Eligible</b>" in sofia.last().text
    await bot.dispatch()
    for member in (jiwoo, anna, lukas):
        card = await live_card(bot, member, cid)
        assert "<b>Sofia Rossi</b> — INRiM (Italy" in card.text
        assert "✅ <b>Eligible</b>" in card.text
        assert "<b>Quantum pilot line</b> is now eligible" in member.last().text
    await anna.press("🧩 Show the card")
    assert "✅ <b>Eligible</b>" in anna.last().text
    async with bot.uow() as uow:
        stored = await uow.consortia.get(cid)
        assert stored is not None
        assert {m.telegram_id for m in stored.active()} == {JI, AN, LU, SO}

    # The proposal team's export, parsed.
    await anna.press("📄 Export")
    table = anna.last_document()
    rows = list(csv.reader(io.StringIO(table.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "role",
        "name",
        "entity",
        "country",
        "entity_type",
        "pic",
        "affiliated",
        "affiliated_with",
    ]
    assert rows[1][:4] == [
        "coordinator",
        "Ji-woo Kim",
        "Korea Institute of Science and Technology",
        "KR",
    ]
    assert {r[3] for r in rows[1:]} == {"KR", "NL", "DE", "IT"}
    summary = next(
        m.document
        for m in reversed(anna.messages())
        if m.document and m.document.name.endswith(".md")
    )
    text = summary.data.decode()
    assert text.startswith("# Quantum pilot line")
    assert (
        "Eligible" in text
        and "| Sofia Rossi | member | INRiM | Italy | university | — | — |" in text
    )
    assert "this topic is not open to entities from South Korea" in text

    # Organisers: the CLI table and the /stats line.
    header, table_rows = await bot.services.consortia.table(now=bot.clock.now())
    assert header[:3] == ["consortium", "title", "topic"]
    assert len(table_rows) == 3 + 4
    numbers = await bot.services.consortia.figures(ORGANISER, now=bot.clock.now())
    assert (numbers.formed, numbers.eligible, numbers.eu_korea_share) == (2, 2, 100)
    assert numbers.by_topic == {CLUSTER: 1, RESTRICTED: 1}
    organiser = bot.client(ORGANISER, "Org")
    await organiser.command("stats")
    assert (
        "🧩 Consortia formed: 2 · eligible: 2 · EU–Korea: 100% · by topic: "
        f"{CLUSTER} (1), {RESTRICTED} (1)" in organiser.messages()[-4].text
    )


async def test_the_entity_is_prefilled_and_each_member_edits_only_their_own(make_bot):
    bot = await make_bot()
    users = await forum(bot)
    jiwoo, anna = users[JI], users[AN]
    await create(jiwoo, "Quantum-safe links", CLUSTER)
    await invite_and_join(bot, jiwoo, anna, "Anna de Vries")
    await anna.press("🏛 My legal entity")
    assert "Delft University of Technology (Netherlands" in anna.last().text
    await anna.press("✏️ PIC")
    await anna.send("12345")
    assert "exactly 9 digits" in anna.last().text
    await anna.send("999987654")
    assert "PIC 999987654" in anna.last().text
    await edit_entity(anna, "Country", "독일")
    assert "Delft University of Technology (Germany" in anna.last().text
    # Affiliated: with which member's entity, said on the card and in the exports.
    cid = cid_of(anna.last())
    await anna.press("🏛 My legal entity")
    await anna.press("⬜ Affiliated with another member's entity?")
    assert "affiliated entity of another member's entity" in anna.last().text
    assert anna.last().buttons == [
        "🔗 Korea Institute of Science and Technology (Ji-woo Kim)",
        "✓ Independent: not affiliated",
        "🧩 Show the card",
    ]
    await anna.press_data(f"co:ew:{cid}:{MJ}")  # not a member: refused, nothing changes
    assert "affiliated only with the entity of another member" in anna.last().text
    await anna.press("🔗 Korea Institute of Science and Technology (Ji-woo Kim)")
    card = anna.last()
    assert (
        "Delft University of Technology (Germany, university, PIC 999987654) "
        "· affiliated with Korea Institute of Science and Technology" in card.text
    )
    assert (
        "Delft University of Technology is an affiliated entity of Korea Institute of Science "
        "and Technology: it does not count towards the minimum." in card.plain
    )
    before = len(jiwoo.messages())
    await bot.dispatch()
    # Ji-woo's card changed in place; the verdict did not turn, so nothing new arrives.
    assert len(jiwoo.messages()) == before
    assert (
        "· affiliated with Korea Institute of Science and Technology"
        in (await live_card(bot, jiwoo, cid)).text
    )
    await anna.press("📄 Export")
    rows = list(csv.reader(io.StringIO(anna.last_document().data.decode("utf-8-sig"))))
    assert rows[2][6:] == ["yes", "Korea Institute of Science and Technology"]
    async with bot.uow() as uow:
        stored = (await uow.consortia.get(cid)).member(AN).entity
        assert (stored.affiliated, stored.affiliated_with) == (True, JI)
    header, table = await bot.services.consortia.table(now=bot.clock.now())
    assert header[-2:] == ["affiliated", "affiliated_with"]
    assert table[1][-2:] == ["yes", "Korea Institute of Science and Technology"]
    # Independent again.
    await anna.press("🏛 My legal entity")
    await anna.press("🔗 Affiliated with Korea Institute of Science and Technology")
    await anna.press("Independent: not affiliated")
    assert "affiliated" not in anna.last().plain.split("Members")[1].split("Not eligible")[0]


async def test_forged_presses_are_refused_and_change_nothing(make_bot):
    bot = await make_bot()
    users = await forum(bot)
    jiwoo, anna, minjun, lukas, sofia = users[JI], users[AN], users[MJ], users[LU], users[SO]
    await create(jiwoo, "Quantum-safe links", CLUSTER)
    await invite_and_join(bot, jiwoo, anna, "Anna de Vries")
    cid = cid_of(anna.last())
    await jiwoo.press("➕ Invite")
    await jiwoo.press("➕ Lukas Weber")
    await bot.dispatch()

    async def members():
        async with bot.uow() as uow:
            stored = await uow.consortia.get(cid)
            return {m.telegram_id: m.status.value for m in stored.members}, stored.coordinator_id

    before = await members()
    assert before == ({JI: "member", AN: "member", LU: "invited"}, JI)
    refused = "This button is not for you — nothing was changed."
    # Joining a consortium one was not invited to.
    await minjun.press_data(f"co:a:{cid}")
    assert minjun.press_reply() == refused
    # Accepting someone else's invitation (Lukas's) as a member, and as a stranger.
    await sofia.press_data(f"co:a:{cid}")
    assert sofia.press_reply() == refused
    await anna.press_data(f"co:a:{cid}")
    assert anna.press_reply() == refused
    # Removing members, handing over or closing as a non-coordinator.
    await anna.press_data(f"co:r:{cid}:{JI}")
    assert anna.press_reply() == refused
    await anna.press_data(f"co:h:{cid}:{AN}")
    assert anna.press_reply() == refused
    await anna.press_data(f"co:c:{cid}")
    assert anna.press_reply() == refused
    # Reading or inviting into someone else's consortium.
    await minjun.press_data(f"co:v:{cid}")
    assert minjun.press_reply() == refused
    await minjun.press_data(f"co:ip:{cid}:{SO}")
    assert minjun.press_reply() == refused
    await minjun.press_data(f"co:x:{cid}")
    assert minjun.press_reply() == refused
    # Malformed data never reaches a handler.
    await minjun.press_data("co:a:-1")
    assert "no longer works" in minjun.last_answer()["text"]
    assert await members() == before

    # Lukas may still answer his own invitation.
    await lukas.press("✅ Join")
    assert "You joined the consortium" in lukas.last().text


async def test_mydata_shows_consortia_and_deleteme_passes_coordination_on(make_bot):
    bot = await make_bot()
    users = await forum(bot)
    jiwoo, anna, lukas = users[JI], users[AN], users[LU]
    await create(jiwoo, "Quantum-safe links", CLUSTER)
    await invite_and_join(bot, jiwoo, anna, "Anna de Vries")
    await invite_and_join(bot, jiwoo, lukas, "Lukas Weber")
    cid = cid_of(lukas.last())

    await anna.command("mydata")
    raw = anna.last_document().data.decode()
    data = json.loads(raw)
    (mine,) = data["consortia"]
    assert mine["title"] == "Quantum-safe links" and mine["topic"] == CLUSTER
    assert mine["coordinator"] is False and mine["status"] == "member"
    assert mine["entity"]["name"] == "Delft University of Technology"
    assert sorted(mine["other_members"]) == ["Ji-woo Kim", "Lukas Weber"]
    (row,) = data["tables"]["consortium_members"]
    assert row["telegram_id"] == AN and row["from"] == "Ji-woo Kim"  # named, not identified

    await jiwoo.command("deleteme")
    await jiwoo.press("🗑 Yes, delete everything")
    await bot.dispatch()
    assert anna.last().text == (
        "👑 Ji-woo Kim left <b>Quantum-safe links</b>; you coordinate it now.\n"
        "⚠️ <b>Quantum-safe links</b> is no longer eligible: the card says what is missing."
    )
    assert "is no longer eligible" in lukas.last().text
    for member in (anna, lukas):
        card = await live_card(bot, member, cid)
        assert "👑 <b>Anna de Vries</b>" in card.text and "Ji-woo" not in card.text
    async with bot.uow() as uow:
        stored = await uow.consortia.get(cid)
        assert stored.coordinator_id == AN
        assert {m.telegram_id for m in stored.members} == {AN, LU}
    await anna.command("consortium")
    await anna.press("Quantum-safe links")
    assert "👑 <b>Anna de Vries</b>" in anna.last().text
    assert "Ji-woo" not in anna.last().text
    # Nothing about Ji-woo is left in any table (the notices were delivered, then emptied).
    leftovers = []
    async with bot.uow() as uow:
        for table in Base.metadata.sorted_tables:
            for found in (await uow.session.execute(select(table))).mappings().all():
                row = dict(found)
                named = "Ji-woo" in json.dumps(row, default=str, ensure_ascii=False)
                if named or any(row.get(column) == JI for column in PERSON_COLUMNS):
                    leftovers.append((table.name, row))
    assert leftovers == []


async def test_korean_texts_and_a_topic_id_format_check(make_bot):
    bot = await make_bot()
    users = await forum(bot)
    minjun = users[MJ]
    await minjun.command("language")
    await minjun.press("한국어")
    await minjun.command("consortium")
    assert "내 컨소시엄" in minjun.last().text
    await minjun.press("➕ 새 컨소시엄")
    await minjun.send("양자 링크")
    await minjun.send("quantum call")
    assert "공모 토픽 식별자가 아닙니다" in minjun.last().text
    await minjun.send("ERC-2025-STG")
    assert "주최 측이 <code>ERC-2025-STG</code> 토픽을 등록하지 않았습니다" in minjun.last().text
    await minjun.press("ERC 연구비")
    await minjun.send("초전도 큐비트 제어")
    card = minjun.last().text
    assert "아직 자격 미달" in card
    assert "필라 II 토픽에서만 준회원국 법인으로 인정됩니다" in card


async def test_fill_the_gap_proposes_expertise_the_topic_names_and_no_member_covers(make_bot):
    bot = await make_bot()
    users, cid = await trio(bot)
    lukas = users[LU]
    await onboard(bot.client(6, "Hannah"), **NV_SENSING)
    # The topic is on quantum sensing; the members cover cryo-CMOS, qubits and QKD only.
    await lukas.press("🔍 Fill the gap")
    gap = lukas.last().text
    brings = "➕ brings Quantum sensing: the topic and the idea name it, no member covers it"
    assert f"Sofia Rossi</b> — INRiM (Italy, university)\n  ➕ adds Italy\n  {brings}" in gap
    # Same country and type as Lukas's: only her expertise adds something.
    assert f"Hannah Becker</b> — Universität Stuttgart (Germany, university)\n  {brings}" in gap
    assert "Hannah Becker offers <i>NV-diamond magnetometers" in gap  # the engine's reason
    assert "Min-jun Park" not in gap
    await lukas.press("➕ Invite Hannah Becker")
    assert "Invitation sent to Hannah Becker" in lukas.last().text
    async with bot.uow() as uow:
        stored = await uow.consortia.get(cid)
        assert stored.member(6).status.value == "invited"

"""/consortium: from good meetings to an eligible Horizon Europe consortium (issue 15)."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import select

from bot.event_file import load_event_file
from core.event.loading import load_event
from core.meetings.messages import calendar_for
from storage.base import Base
from storage.privacy.repository import PERSON_COLUMNS
from tests.support.journeys import EXAMPLE, onboard
from tests.support.personas import ANNA, COLLEAGUE, JIWOO, MIRROR, SENSING

CLUSTER = "HORIZON-CL4-2025-03-DIGITAL-EMERGING-02"
RESTRICTED = "HORIZON-CL4-2025-05-DIGITAL-EMERGING-05"
JI, AN, MJ, LU, SO = 1, 2, 3, 4, 5
ORGANISER = 9000


async def forum(bot):
    """The example event (with its two topics) and five onboarded people."""
    event = load_event_file(EXAMPLE)
    await load_event(bot.uow, event, force=False, now=bot.clock.now(), ics=calendar_for(event.name))
    users = {}
    for uid, answers in ((JI, JIWOO), (AN, ANNA), (MJ, COLLEAGUE), (LU, MIRROR), (SO, SENSING)):
        users[uid] = bot.client(uid, answers["full_name"].split()[0])
        await onboard(users[uid], **answers)
    return users


async def create(user, title, topic, action="Research and Innovation Action (RIA)"):
    """/consortium → New → title, topic, type of action, description."""
    await user.command("consortium")
    await user.press("➕ New consortium")
    assert "working title" in user.last().text
    await user.send(title)
    assert "call topic" in user.last().text
    assert (
        f"<code>{RESTRICTED}</code> — Quantum computing: scalable pilot lines" in user.last().text
    )
    await user.send(topic)
    topic_text = user.last().text
    await user.press(action)
    await user.send("Cryo-CMOS control for a QKD testbed between Seoul and Delft.")
    return topic_text


async def invite_and_join(bot, inviter, invitee, name):
    """The inviter picks a person from the list; the invitee joins from the invitation."""
    await inviter.press("➕ Invite")
    await inviter.press(f"➕ {name}")
    assert f"Invitation sent to {name}" in inviter.last().text
    await bot.dispatch()
    assert "invites you to a Horizon Europe consortium" in invitee.last().text
    await invitee.press("✅ Join")
    await bot.dispatch()
    return invitee.last()


def cid_of(message) -> int:
    """The consortium id carried by a card's Invite button."""
    data = next(b["callback_data"] for b in message.inline_buttons if "Invite" in b["text"])
    return int(data.split(":")[2])


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
    # Everyone already in heard of it, with the verdict now.
    assert "Lukas Weber</b> joined" in jiwoo.last().text and "✅ eligible" in jiwoo.last().text
    assert "✅ eligible" in anna.last().text
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
        update = member.last().text
        assert "Sofia Rossi</b> joined <b>Quantum pilot line" in update
        assert "Now: ✅ eligible." in update
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
    assert rows[0] == ["role", "name", "entity", "country", "entity_type", "pic", "affiliated"]
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
    assert "Eligible" in text and "| Sofia Rossi | member | INRiM | Italy |" in text
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
    await anna.press("🏛 My legal entity")
    await anna.press("✏️ Country")
    await anna.send("독일")
    assert "Delft University of Technology (Germany" in anna.last().text
    await anna.press("🏛 My legal entity")
    await anna.press("⬜ Affiliated with another member's entity")
    assert "affiliated entity" in anna.last().text
    assert "does not count towards the minimum" in anna.last().plain
    await bot.dispatch()
    assert "Anna de Vries</b> updated their legal entity" in jiwoo.last().text


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
    for member in (anna, lukas):
        told = member.last().text
        assert "Ji-woo Kim left <b>Quantum-safe links</b>" in told
        assert "<b>Anna de Vries</b> coordinates it now" in told
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


async def test_decline_remove_hand_over_leave_and_close(make_bot):
    bot = await make_bot()
    users = await forum(bot)
    jiwoo, anna, lukas, sofia = users[JI], users[AN], users[LU], users[SO]
    await create(jiwoo, "Quantum-safe links", CLUSTER)
    await invite_and_join(bot, jiwoo, anna, "Anna de Vries")
    await invite_and_join(bot, jiwoo, lukas, "Lukas Weber")
    await jiwoo.press("➕ Invite")
    await jiwoo.press("➕ Sofia Rossi")
    await bot.dispatch()
    await sofia.press("✖ No, thanks")
    assert "You declined the invitation" in sofia.last().text
    await bot.dispatch()
    assert "Sofia Rossi declined the invitation" in jiwoo.last().text

    # The coordinator removes Lukas: he is told, the others see the verdict fall.
    await jiwoo.command("consortium")
    await jiwoo.press("Quantum-safe links")
    await jiwoo.press("⚙️ Members")
    await jiwoo.press("✖ Lukas Weber")
    assert "Removed." in jiwoo.last().text and "Lukas Weber" not in jiwoo.last().text
    await bot.dispatch()
    assert "took you out of the consortium <b>Quantum-safe links</b>" in lukas.last().text
    assert "Lukas Weber is no longer in" in anna.last().text
    assert "Now: ❌ not eligible yet" in anna.last().text

    # Coordination handed over to Anna; Ji-woo leaves; Anna closes.
    await jiwoo.press("⚙️ Members")
    await jiwoo.press("👑 Anna de Vries")
    assert "Coordination handed over" in jiwoo.last().text
    assert "⚙️ Members" not in jiwoo.last().buttons and "🚪 Leave" in jiwoo.last().buttons
    await bot.dispatch()
    assert "<b>Anna de Vries</b> coordinates <b>Quantum-safe links</b> now" in anna.last().text
    await jiwoo.press("🚪 Leave")
    assert "You left the consortium" in jiwoo.last().text
    await bot.dispatch()
    assert "Ji-woo Kim left <b>Quantum-safe links</b>" in anna.last().text
    await anna.press("🧩 Show the card")
    await anna.press("⚙️ Members")
    await anna.press("🔒 Close the consortium")
    assert "The consortium is closed" in anna.last().text
    assert "🔒 Closed" in anna.last().text
    assert anna.last().buttons == ["📄 Export", "📋 My consortia"]
    await jiwoo.command("consortium")
    assert "Quantum-safe links" not in jiwoo.last().text  # she left


async def test_invite_by_username_once_the_person_used_consortium(make_bot):
    bot = await make_bot()
    users = await forum(bot)
    jiwoo = users[JI]
    sofia = bot.client(SO, "Sofia", username="Sofia_Rossi")  # the same person, with a username
    await create(jiwoo, "Quantum-safe links", CLUSTER, "Coordination and Support Action (CSA)")
    warning = "⚠️ The organisers list this topic as: Research and Innovation Action (RIA)."
    assert warning in jiwoo.last().text
    await jiwoo.press("➕ Invite")
    await jiwoo.press("✏️ By @username")
    await jiwoo.send("@sofia_rossi")
    assert "I don't know @sofia_rossi yet" in jiwoo.last().text
    await jiwoo.send("not a handle!")
    assert "not a Telegram @username" in jiwoo.last().text

    await sofia.command("consortium")  # the bot now knows her username
    await jiwoo.send("@Sofia_Rossi")
    assert "Invitation sent to Sofia Rossi" in jiwoo.last().text
    await bot.dispatch()
    assert "invites you to a Horizon Europe consortium" in sofia.last().text
    async with bot.uow() as uow:
        assert await uow.consortia.by_handle("sofia_rossi") == SO

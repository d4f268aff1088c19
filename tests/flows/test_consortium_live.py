"""/consortium: the living card, edited in place for everybody, and invitations by the
@username of anyone who started the bot (issue 15)."""

from __future__ import annotations

import json

from tests.support.consortia import (
    AN,
    CLUSTER,
    JI,
    LU,
    SO,
    create,
    edit_entity,
    forum,
    live_card,
    trio,
)
from tests.support.journeys import onboard


async def test_decline_remove_hand_over_leave_and_close(make_bot):
    bot = await make_bot()
    users, cid = await trio(bot)
    jiwoo, anna, lukas, sofia = users[JI], users[AN], users[LU], users[SO]
    await jiwoo.press("➕ Invite")
    await jiwoo.press("➕ Sofia Rossi")
    await bot.dispatch()
    assert "Invited: Sofia Rossi" in (await live_card(bot, jiwoo, cid)).text
    # Sofia opens the card before answering: it too stays current while she thinks.
    await sofia.command("consortium")
    await sofia.press("✅ Quantum-safe links")
    await edit_entity(anna, "PIC", "999987654")
    await bot.dispatch()
    mine = await live_card(bot, sofia, cid)
    assert mine.edited and "PIC 999987654" in mine.text and "✅ Join" in mine.buttons
    before = len(jiwoo.messages())
    await sofia.press("✖ No, thanks", message_id=mine.message_id)
    assert "You declined the invitation" in sofia.last().text
    await bot.dispatch()
    # The card drops the open invitation in place; nothing new to read.
    assert "Invited:" not in (await live_card(bot, jiwoo, cid)).text
    assert len(jiwoo.messages()) == before

    # The coordinator removes Lukas: he is told, the others see the verdict fall.
    await jiwoo.command("consortium")
    await jiwoo.press("Quantum-safe links")
    await jiwoo.press("⚙️ Members")
    await jiwoo.press("✖ Lukas Weber")
    assert "Removed." in jiwoo.last().text and "Lukas Weber" not in jiwoo.last().text
    await bot.dispatch()
    assert "took you out of the consortium <b>Quantum-safe links</b>" in lukas.last().text
    async with bot.uow() as uow:
        assert await uow.consortia.card_message(cid, LU) is None  # his card is not kept up
    card = await live_card(bot, anna, cid)
    assert "Lukas Weber" not in card.text and "Not eligible yet" in card.text
    assert "<b>Quantum-safe links</b> is no longer eligible" in anna.last().text

    # Coordination handed over to Anna: she is told, and her card gains the coordinator's tools.
    await jiwoo.press("⚙️ Members")
    await jiwoo.press("👑 Anna de Vries")
    assert "Coordination handed over" in jiwoo.last().text
    assert "⚙️ Members" not in jiwoo.last().buttons and "🚪 Leave" in jiwoo.last().buttons
    await bot.dispatch()
    assert anna.last().text == (
        "👑 <b>Ji-woo Kim</b> handed the coordination of <b>Quantum-safe links</b> to you."
    )
    card = await live_card(bot, anna, cid)
    assert "👑 <b>Anna de Vries</b>" in card.text and "⚙️ Members" in card.buttons
    # Ji-woo leaves: Anna's card shows it in place; the verdict stays, so no new message.
    before = len(anna.messages())
    await jiwoo.press("🚪 Leave")
    assert "You left the consortium" in jiwoo.last().text
    await bot.dispatch()
    assert len(anna.messages()) == before
    assert "Ji-woo" not in (await live_card(bot, anna, cid)).text
    await anna.press("⚙️ Members", message_id=card.message_id)
    await anna.press("🔒 Close the consortium")
    assert "The consortium is closed" in anna.last().text
    assert "🔒 Closed" in anna.last().text
    assert anna.last().buttons == ["📄 Export", "📋 My consortia"]
    await jiwoo.command("consortium")
    assert "Quantum-safe links" not in jiwoo.last().text  # she left


async def test_the_card_is_edited_once_per_state_and_a_lost_card_is_sent_again(make_bot):
    bot = await make_bot()
    users, cid = await trio(bot)
    jiwoo, anna, lukas = users[JI], users[AN], users[LU]
    card = await live_card(bot, jiwoo, cid)
    edits, before = card.edit_count, len(jiwoo.messages())

    # Two changes before the outbox runs: one edit shows the latest state, the second row
    # finds nothing to change and sends nothing (Telegram would refuse "not modified").
    await edit_entity(anna, "PIC", "999987654")
    await edit_entity(anna, "Name", "TU Delft")
    await bot.dispatch()
    card = await live_card(bot, jiwoo, cid)
    assert card.edit_count == edits + 1 and len(jiwoo.messages()) == before
    assert "<b>Anna de Vries</b> — TU Delft (Netherlands, university, PIC 999987654)" in card.text
    assert "TU Delft" in (await live_card(bot, lukas, cid)).text
    await bot.dispatch()
    assert card.edit_count == edits + 1

    # Ji-woo deleted her card; the next change sends her a fresh one, once, and edits that.
    card.deleted = True
    bot.fake._deleted_ids.add((JI, card.message_id))
    await edit_entity(anna, "PIC", "-")
    await bot.dispatch()
    assert [r.description for r in bot.fake.rejections] == [
        "Bad Request: message to edit not found"
    ]
    bot.fake.rejections.clear()  # the refusal was the point: the bot sends a new card
    fresh = jiwoo.last()
    assert fresh.message_id != card.message_id and (await live_card(bot, jiwoo, cid)) is fresh
    assert "TU Delft (Netherlands, university)\n" in fresh.text  # the PIC is gone
    assert fresh.buttons[:3] == ["➕ Invite", "🔍 Fill the gap", "🏛 My legal entity"]
    await edit_entity(lukas, "Name", "FZ Jülich")
    await bot.dispatch()
    assert fresh.edit_count == 1 and jiwoo.last() is fresh
    assert "FZ Jülich" in fresh.text


async def test_invite_by_username_of_anyone_who_started_the_bot(make_bot):
    bot = await make_bot()
    users = await forum(bot)
    jiwoo = users[JI]
    sofia = bot.client(SO, "Sofia", username="Sofia_Rossi")  # the same person, with a username
    await create(jiwoo, "Quantum-safe links", CLUSTER, "Coordination and Support Action (CSA)")
    warning = "⚠️ The organisers list this topic as: Research and Innovation Action (RIA)."
    assert warning in jiwoo.last().text
    await jiwoo.press("➕ Invite")
    await jiwoo.press("✏️ By @username")
    assert "they must have started this bot" in jiwoo.last().text
    await jiwoo.send("@sofia_rossi")
    assert "I don't know @sofia_rossi yet" in jiwoo.last().text
    await jiwoo.send("not a handle!")
    assert "not a Telegram @username" in jiwoo.last().text

    await sofia.command("start")  # the bot now knows her username (she never used /consortium)
    await jiwoo.send("@Sofia_Rossi")
    assert "Invitation sent to Sofia Rossi" in jiwoo.last().text
    await bot.dispatch()
    assert "invites you to a Horizon Europe consortium" in sofia.last().text
    async with bot.uow() as uow:
        assert await uow.people.by_username("sofia_rossi") == SO
        assert (await uow.people.get(SO)).username == "sofia_rossi"

    # She changes it; /consortium (or /start) keeps it current, and the old one names nobody.
    renamed = bot.client(SO, "Sofia", username="sofia_it")
    await renamed.command("consortium")
    async with bot.uow() as uow:
        assert await uow.people.by_username("sofia_rossi") is None
        assert await uow.people.by_username("sofia_it") == SO
    # Someone else who takes her old name at /start takes it over.
    lukas = bot.client(LU, "Lukas", username="Sofia_Rossi")
    await lukas.command("start")
    async with bot.uow() as uow:
        assert await uow.people.by_username("sofia_rossi") == LU

    # Her copy of her data includes it; erasure removes it.
    await renamed.command("mydata")
    (person,) = json.loads(renamed.last_document().data.decode())["tables"]["people"]
    assert person["username"] == "sofia_it"
    await renamed.command("deleteme")
    await renamed.press("🗑 Yes, delete everything")
    async with bot.uow() as uow:
        assert await uow.people.by_username("sofia_it") is None


async def test_a_username_seen_at_consent_is_kept(make_bot):
    bot = await make_bot()
    ana = bot.client(77, "Ana", username="Ana_Q")
    await onboard(ana, full_name="Ana Quintero", organisation="IQOQI", country="Austria")
    async with bot.uow() as uow:
        assert (await uow.people.get(77)).username == "ana_q"
    # /start again with the same name keeps it (written only when it changes).
    async with bot.uow() as uow:
        before = (await uow.people.get(77)).username
    await ana.command("start")
    async with bot.uow() as uow:
        assert (await uow.people.get(77)).username == before


async def test_closing_is_told_once_and_every_card_turns_read_only(make_bot):
    bot = await make_bot()
    users, cid = await trio(bot)
    jiwoo, anna, lukas = users[JI], users[AN], users[LU]
    await jiwoo.press("⚙️ Members")
    await jiwoo.press("🔒 Close the consortium")
    await bot.dispatch()
    for member in (anna, lukas):
        assert member.last().text == (
            "🔒 Ji-woo Kim closed <b>Quantum-safe links</b>. It stays in your list, read-only."
        )
        card = await live_card(bot, member, cid)
        assert "🔒 Closed" in card.text and card.buttons == ["📄 Export", "📋 My consortia"]
    async with bot.uow() as uow:
        assert (await uow.consortia.get(cid)).closed

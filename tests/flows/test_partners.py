"""/partners and /saved: cards with reasons, Save / Skip / Next, filters, mutual interest."""

from __future__ import annotations

from tests.support.journeys import cohort


async def test_cards_come_with_reasons_and_the_best_partner_first(make_bot):
    bot = await make_bot()
    users = await cohort(bot)
    jiwoo = users[1]
    await jiwoo.command("partners")
    card = jiwoo.last()
    assert "Anna de Vries" in card.text
    assert "Delft University of Technology, Netherlands" in card.text
    assert "Why you should meet" in card.text
    assert "You seek <i>Cryogenic control electronics" in card.text
    assert "Anna offers" not in card.text  # the reason names the person in full
    assert "Anna de Vries offers <i>Cryo-CMOS control electronics" in card.text
    assert "Meets the other delegation (EU ↔ Korea)" in card.text
    assert card.buttons == ["🤝 Request meeting", "⭐ Save", "⏭ Skip", "➡️ Next", "🔍 Filters"]

    names = []
    for _ in range(6):
        text = jiwoo.last().text
        names.append(text.split("<b>", 1)[1].split("</b>", 1)[0] if "👤" in text else None)
        if "That's everyone" in text:
            break
        await jiwoo.press("➡️ Next")
    assert "Min-jun Park" not in names  # same organisation
    assert "Ji-woo Kim" not in names
    assert names[0] == "Anna de Vries"
    assert names.index("Anna de Vries") < names.index("Lukas Weber")  # complementarity wins


async def test_save_skip_and_the_skip_wears_off(make_bot):
    bot = await make_bot()
    users = await cohort(bot)
    jiwoo = users[1]
    await jiwoo.command("partners")
    await jiwoo.press("⭐ Save")
    assert jiwoo.last().text.startswith("⭐ Anna de Vries saved.")
    second = jiwoo.last().text.split("<b>", 1)[1].split("</b>", 1)[0]
    await jiwoo.press("⏭ Skip")
    assert f"I won't suggest {second} again for 3 days" in jiwoo.last().text

    await jiwoo.command("partners")  # a new round: neither saved nor skipped people return
    shown = []
    while "👤" in jiwoo.last().text:
        shown.append(jiwoo.last().text.split("<b>", 1)[1].split("</b>", 1)[0])
        await jiwoo.press("➡️ Next")
    assert "Anna de Vries" not in shown and second not in shown

    bot.clock.advance(hours=73)
    await jiwoo.command("partners")
    shown = []
    while "👤" in jiwoo.last().text:
        shown.append(jiwoo.last().text.split("<b>", 1)[1].split("</b>", 1)[0])
        await jiwoo.press("➡️ Next")
    assert second in shown

    await jiwoo.command("saved")
    assert "1 saved person" in jiwoo.last().text and "Anna de Vries" in jiwoo.last().text
    await jiwoo.press("👤 Anna de Vries")
    card = jiwoo.last()
    assert "Why you should meet" in card.text
    await jiwoo.press("✖ Remove from saved")
    # The card itself turns into the note (no new message), its buttons gone.
    assert jiwoo.message(card.message_id).plain == "Removed from your saved people."
    assert not jiwoo.message(card.message_id).inline_buttons
    await jiwoo.command("saved")
    assert "haven't saved anyone" in jiwoo.last().text


async def test_mutual_interest_tells_both_exactly_once(make_bot):
    bot = await make_bot()
    users = await cohort(bot)
    jiwoo, anna = users[1], users[2]
    await jiwoo.command("partners")
    await jiwoo.press("🤝 Request meeting")
    assert "you'd like to meet Anna de Vries" in jiwoo.last().text
    await bot.dispatch()
    assert not any("both interested" in m.text for m in bot.fake.sent(2))

    await anna.command("partners")
    assert "Ji-woo Kim" in anna.last().text
    await anna.press("⭐ Save")
    assert "Ji-woo Kim is interested in meeting you too" in anna.last().text
    await bot.dispatch()
    for uid, other in ((1, "Anna de Vries"), (2, "Ji-woo Kim")):
        notes = [m for m in bot.fake.sent(uid) if "both interested in meeting" in m.text]
        assert len(notes) == 1 and other in notes[0].text
        assert notes[0].buttons == ["👤 View profile"]

    await anna.command("saved")  # saving again, requesting too: no second notification
    await anna.press("👤 Ji-woo Kim")
    await anna.press("🤝 Request meeting")
    await bot.dispatch()
    for uid in (1, 2):
        assert len([m for m in bot.fake.sent(uid) if "both interested" in m.text]) == 1

    await users[1].press("👤 View profile")
    assert "Anna de Vries" in users[1].last().text


async def test_filters_by_delegation_and_topic(make_bot):
    bot = await make_bot()
    users = await cohort(bot)
    sofia = users[5]
    await sofia.command("partners")
    await sofia.press("🔍 Filters")
    await sofia.press("🇰🇷 Korea")
    shown = []
    while "👤" in sofia.last().text:
        shown.append(sofia.last().text)
        await sofia.press("➡️ Next")
    assert shown and all("South Korea" in text for text in shown)
    await sofia.press("🔍 Filters")
    assert "✓ 🇰🇷 Korea" in sofia.last().buttons
    await sofia.press("All countries")
    await sofia.press("🔍 Filters")
    await sofia.press("Sensing")
    assert "That's everyone" in sofia.last().text  # nobody else works on sensing


async def test_hidden_people_and_hidden_fields_never_leak(make_bot):
    bot = await make_bot()
    users = await cohort(bot)
    async with bot.uow() as uow:
        anna = await uow.profiles.get(2)
        anna.hidden_fields = ["seeks"]
        await uow.profiles.save(anna)
        lukas = await uow.profiles.get(4)
        lukas.visibility = "hidden"
        await uow.profiles.save(lukas)
        await uow.commit()
    bot.services.partners.invalidate()
    jiwoo = users[1]
    await jiwoo.command("partners")
    seen = []
    while "👤" in jiwoo.last().text:
        seen.append(jiwoo.last().text)
        await jiwoo.press("➡️ Next")
    assert not any("Lukas Weber" in text for text in seen)
    anna_card = next(text for text in seen if "Anna de Vries" in text)
    assert "quantum key distribution field testbed" not in anna_card.lower()
    assert "Seeks" not in anna_card


async def test_forged_and_stale_partner_buttons(make_bot):
    bot = await make_bot()
    users = await cohort(bot)
    jiwoo = users[1]
    await jiwoo.command("partners")
    await jiwoo.press_data("pt:s:2:5")  # a card made for someone else
    assert jiwoo.press_reply() == "This button is not for you — nothing was changed."
    await jiwoo.press_data("pt:s:999999:1")  # nobody
    assert jiwoo.press_reply() == "This person is no longer available."
    await jiwoo.press_data("pt:s:1:1")  # oneself
    assert jiwoo.press_reply() == "This person is no longer available."
    await jiwoo.press_data("pt:fd:XX:1")
    await jiwoo.press_data("pt:zz:2:1")
    async with bot.uow() as uow:
        assert await uow.interests.by_actor(1) == []


async def test_partners_needs_a_complete_profile(make_bot):
    bot = await make_bot()
    user = bot.client(77)
    await user.command("partners")
    assert user.last().buttons == ["✅ I accept", "No, thanks"]
    await user.press("I accept")
    await user.command("partners")
    assert "complete yours first" in user.last().text
    assert user.last().buttons == ["▶️ Continue setup"]

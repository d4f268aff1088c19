"""What a careless or malicious user can send, and what they get back."""

from __future__ import annotations

import html

from tests.support.journeys import onboard


async def test_5000_character_bio_is_refused_and_asked_again(make_bot):
    bot = await make_bot()
    user = bot.client(2001)
    await onboard(user, bio=None)
    await user.press("✏️ Bio")
    await user.send("x" * 5000)
    reply = user.last().text
    assert "5,000 characters; the limit here is 500" in reply
    assert "short <b>bio</b>" in reply  # the question again
    async with bot.uow() as uow:
        profile = await uow.profiles.get(2001)
        person = await uow.people.get(2001)
    assert profile is not None and profile.bio is None
    assert person is not None and person.awaiting_field == "bio"
    await user.send("Short and sweet.")
    async with bot.uow() as uow:
        profile = await uow.profiles.get(2001)
    assert profile is not None and profile.bio == "Short and sweet."


async def test_html_in_a_name_is_stored_as_typed_and_shown_escaped(make_bot):
    bot = await make_bot()
    user = bot.client(2002)
    name = "<b>Kim & Lee</b>"
    await onboard(user, full_name=name, organisation='R&D <Lab> "Q"')
    async with bot.uow() as uow:
        profile = await uow.profiles.get(2002)
    assert profile is not None and profile.full_name == name
    assert profile.organisation == 'R&D <Lab> "Q"'
    await user.command("profile")
    card = user.last().text
    assert html.escape(name, quote=False) in card
    assert "<b>Kim" not in card
    # The fake Bot API rejects invalid HTML, so reaching here means Telegram would accept it.


async def test_empty_emoji_and_whitespace_answers(make_bot):
    bot = await make_bot()
    user = bot.client(2003)
    await user.command("start")
    await user.press("I accept")
    await user.send("   ")
    assert "answer is empty" in user.last().text
    await user.send("🧑‍🔬 Dr. Quantum ⚛️")
    await user.send("Uni 🏛")
    await user.send("🙂🙂")
    assert "couldn't recognise that country" in user.last().text
    assert "South Korea" in user.last().buttons
    await user.press("South Korea")
    assert "sector" in user.last().text
    async with bot.uow() as uow:
        profile = await uow.profiles.get(2003)
    assert profile is not None and profile.full_name == "🧑‍🔬 Dr. Quantum ⚛️"


async def test_unknown_command_points_to_help(make_bot):
    bot = await make_bot()
    user = bot.client(2004)
    await user.command("frobnicate")
    assert user.last().text == "I don't know the command /frobnicate. /help lists what I can do."


async def test_forged_callback_cannot_edit_another_users_profile(make_bot):
    bot = await make_bot()
    victim, attacker = bot.client(2005), bot.client(2006)
    await onboard(victim)
    await onboard(attacker)
    for forged in ("pf:v:sector:industry:2005", "pf:e:bio:2005", "pf:s:bio:2005", "pf:c:2005"):
        await attacker.press_data(forged)
        assert attacker.press_reply() == "This button is not for you — nothing was changed."
    async with bot.uow() as uow:
        profile = await uow.profiles.get(2005)
        person = await uow.people.get(2005)
    assert profile is not None and profile.sector == "academia" and profile.bio
    assert person is not None and person.awaiting_field is None


async def test_garbage_callback_data_is_refused_politely(make_bot):
    bot = await make_bot()
    user = bot.client(2007)
    await onboard(user)
    for garbage in (
        "pf:v:sector:industry",
        "pf:v:nosuchfield:x:2007",
        "pf:zz:2007",
        "pf:",
        "pf:v:full_name:hacked:2007",
        "cs:y:999",
        "lang:xx",
        "totally-unknown",
    ):
        await user.press_data(garbage)
    async with bot.uow() as uow:
        profile = await uow.profiles.get(2007)
    assert profile is not None and profile.full_name == "Ji-woo Kim"
    assert profile.sector == "academia"


async def test_profile_before_consent_asks_for_consent(make_bot):
    bot = await make_bot()
    user = bot.client(2008)
    await user.command("profile")
    assert "please read and accept the privacy notice" in user.last().text  # with the notice
    assert "Privacy notice" in user.last().text
    assert user.last().buttons == ["✅ I accept", "No, thanks"]
    await user.send("Hello")
    assert user.last().buttons == ["✅ I accept", "No, thanks"]
    async with bot.uow() as uow:
        assert await uow.people.get(2008) is None


async def test_double_tap_on_accept_records_one_person(make_bot):
    bot = await make_bot()
    user = bot.client(2009)
    await user.command("start")
    notice = user.last()
    data = notice.reply_markup[0][0]["callback_data"]
    # Both taps arrive before the first reply edits the keyboard away.
    await user.press_data(data, message_id=notice.message_id)
    await user.press_data(data, message_id=notice.message_id)
    async with bot.uow() as uow:
        consents = await uow.consents.for_person(2009)
        person = await uow.people.get(2009)
    assert person is not None and person.awaiting_field == "full_name"
    assert len(consents) == 2  # both taps are evidence; one person, one profile
    # The second tap would re-render the same view: the bot sends no edit Telegram would refuse.
    assert bot.fake.rejections == []
    await user.send("Only Once")
    async with bot.uow() as uow:
        profile = await uow.profiles.get(2009)
    assert profile is not None and profile.full_name == "Only Once"


async def test_stickers_and_photos_get_a_text_hint(make_bot):
    bot = await make_bot()
    user = bot.client(2010)
    await user.command("start")
    await user.press("I accept")
    await user.send_document("cv.pdf", b"%PDF-1.4", mime_type="application/pdf")
    assert user.last().text == "Please answer with text."

"""/profile → Import from ORCID: a mistyped iD costs no request, each part is confirmed or left
out, only the confirmed parts are stored, the card links the iD as not verified, and an ORCID
that cannot answer is one sentence while the profile goes on."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.orcid import HttpOrcidRecords
from handlers.i18n import Translator
from tests.support.journeys import onboard

RECORD = (
    Path(__file__).resolve().parents[1] / "data" / "imports" / "orcid-record.json"
).read_bytes()
EN = Translator("en")


def orcid_answers(bot, *answers: httpx.Response | Exception) -> list[httpx.Request]:
    """ORCID answers these, in order; the list collects the requests made."""
    seen: list[httpx.Request] = []
    queue = list(answers)

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = queue.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    bot.services.people.orcid.records = HttpOrcidRecords(httpx.MockTransport(handle))
    return seen


async def profile_of(bot, uid):
    async with bot.uow() as uow:
        return await uow.profiles.get(uid)


async def offered_a_record(bot, uid: int, name: str):
    """An onboarded person who typed a valid iD: ORCID's record is on offer, part by part."""
    orcid_answers(bot, httpx.Response(200, content=RECORD))
    user = bot.client(uid, name)
    await onboard(user)
    await user.command("profile")
    await user.press(EN("orcid.button"))
    await user.send("0000-0002-1825-0097")
    return user


async def test_confirm_some_parts_and_refuse_others(make_bot):
    bot = await make_bot()
    seen = orcid_answers(bot, httpx.Response(200, content=RECORD))
    user = bot.client(1, "Jiwoo")
    await onboard(user, full_name="JW Kim", organisation="Old Lab", expertise="cryo-CMOS")
    before = await profile_of(bot, 1)
    await user.command("profile")
    await user.press(EN("orcid.button"))
    assert user.last().text == EN("orcid.ask")
    await user.send("0000-0002-1825-0098")
    assert user.last().text == EN("orcid.bad_check")
    assert seen == []  # no request for a wrong check digit
    await user.send("https://orcid.org/0000-0002-1825-0097")
    assert len(seen) == 1
    assert "From your ORCID record (1 of 4)" in user.last().plain
    assert "Name: Ji-woo Kim" in user.last().plain
    await user.press("✅ Use")
    assert "Current employment: Korea Institute of Science and Technology (South Korea)" in (
        user.last().plain
    )
    await user.press("✅ Use")
    assert "Expertise (from your keywords)" in user.last().plain
    await user.press("Skip")
    assert "Field trial of a metropolitan QKD network in Seoul" in user.last().plain
    await user.press("✅ Use")
    card = user.last()
    assert EN("orcid.saved", parts="name, employment, publications") in card.text
    assert '<a href="https://orcid.org/0000-0002-1825-0097">0000-0002-1825-0097</a>' in card.text
    assert "given by the participant, not verified" in card.text
    stored = await profile_of(bot, 1)
    assert stored.orcid == "0000-0002-1825-0097"
    assert (stored.full_name, stored.organisation, stored.country) == (
        "Ji-woo Kim",
        "Korea Institute of Science and Technology",
        "KR",
    )
    assert stored.publications[0].title.startswith("Field trial")
    assert stored.expertise == before.expertise  # refused: left as it was
    # an old step's button changes nothing
    await user.press_data("or:y:expertise")
    assert user.last().text == EN("buttons.expired")
    assert (await profile_of(bot, 1)).expertise == before.expertise


async def test_use_and_edit_opens_the_question(make_bot):
    bot = await make_bot()
    user = await offered_a_record(bot, 2, "Jiwoo")
    await user.press(EN("orcid.edit"))
    for _ in range(3):
        await user.press(EN("orcid.skip"))
    assert EN("orcid.saved", parts="name") in user.texts()[-2]
    assert EN("ask.full_name") in user.last().text  # the name question, to change it
    await user.send("Jiwoo KIM")
    assert (await profile_of(bot, 2)).full_name == "Jiwoo KIM"


async def test_orcid_unreachable_missing_or_garbled_is_one_sentence(make_bot):
    bot = await make_bot()
    user = bot.client(3, "Anna")
    await onboard(user, full_name="Anna de Vries")
    before = await profile_of(bot, 3)
    for answers, key in (
        ((httpx.Response(404),), "orcid.not_found"),
        ((httpx.ReadTimeout("slow"), httpx.ReadTimeout("slow")), "orcid.unreachable"),
        ((httpx.Response(200, content=b"{not json"),), "orcid.malformed"),
    ):
        orcid_answers(bot, *answers)
        await user.command("profile")
        await user.press(EN("orcid.button"))
        await user.send("0000-0002-1825-0097")
        assert user.last().text == EN(key)
        assert await profile_of(bot, 3) == before
    await user.send("Some text after")  # the prompt is closed: the profile goes on
    assert user.last().text != EN("orcid.bad_format")


async def test_the_id_can_be_taken_off_the_card_by_its_owner_only(make_bot):
    bot = await make_bot()
    user = await offered_a_record(bot, 4, "Jiwoo")
    for _ in range(4):
        await user.press(EN("orcid.skip"))
    assert EN("orcid.saved_nothing") in user.last().text
    assert (await profile_of(bot, 4)).orcid == "0000-0002-1825-0097"
    other = bot.client(5, "Mallory")
    await onboard(other)
    await other.press_data("or:x:4")  # forged: someone else's card
    assert (await profile_of(bot, 4)).orcid == "0000-0002-1825-0097"
    await user.command("profile")
    await user.press(EN("orcid.button"))
    assert EN("orcid.current", orcid="0000-0002-1825-0097") in user.last().text
    await user.press(EN("orcid.forget"))
    assert EN("orcid.forgotten") in user.last().text
    assert "orcid.org" not in user.last().text
    assert (await profile_of(bot, 4)).orcid is None


async def test_several_parts_to_edit_are_asked_one_and_named_for_the_card(make_bot):
    bot = await make_bot()
    user = await offered_a_record(bot, 5, "Mina")
    await user.press(EN("orcid.edit"))  # the name
    await user.press(EN("orcid.edit"))  # the employment
    for _ in range(2):
        await user.press(EN("orcid.skip"))
    intro = user.texts()[-2]
    assert EN("orcid.saved", parts="name, employment") in intro
    assert EN("orcid.edit_later", first="name", others="employment") in intro
    assert EN("ask.full_name") in user.last().text

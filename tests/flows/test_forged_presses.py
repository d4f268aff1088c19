"""Forged and stale presses on the people, privacy and programme buttons: the route refuses what
does not fit, and core refuses someone else's button or a non-organiser, with nothing stored."""

from __future__ import annotations

import pytest

from core.reference.errors import NotAllowed
from tests.support.journeys import onboard

NOT_YOURS = "This button is not for you — nothing was changed."
EXPIRED = "This button no longer works. Please use /profile again."
ORGANISERS_ONLY = "This command is for the event's organisers."
CSV = "name,email,country\nAnna de Vries,anna@tudelft.nl,Netherlands\n"


async def test_malformed_presses_are_refused_by_the_route(make_bot):
    bot = await make_bot()
    user = bot.client(3101)
    await onboard(user)
    for data in (
        "pf:e:full_name",  # the owner is missing
        "pf:v:country:DE:me",  # the owner is not an id
        "pf:c:3101:extra",
        "vi:o:hidden",
        "dm:y:someone",
        "lang:english",
        "ag:s:" + "x" * 40,  # longer than any session key
        "ag:d:today:first",
        "cs:y:latest",
        "im:" + "1" * 30,
    ):
        await user.press_data(data)
        assert user.last_answer()["text"] == EXPIRED, data
    async with bot.uow() as uow:
        profile = await uow.profiles.get(3101)
        person = await uow.people.get(3101)
    assert profile is not None and profile.full_name == "Ji-woo Kim"
    assert profile.visibility == "all" and person is not None and person.language == "en"


async def test_someone_elses_profile_and_privacy_buttons_change_nothing(make_bot):
    bot = await make_bot()
    owner, other = bot.client(3201), bot.client(3202)
    await onboard(owner)
    await onboard(other, full_name="Lukas Brandt")
    for data in (
        "pf:v:country:DE:3201",
        "pf:s:bio:3201",
        "pf:e:full_name:3201",
        "pf:c:3201",
        "vi:o:hidden:3201",
        "vi:f:bio:3201",
        "dm:y:3201",
        "dm:n:3201",
    ):
        await other.press_data(data)
        assert other.press_reply() == NOT_YOURS, data
    async with bot.uow() as uow:
        mine = await uow.profiles.get(3201)
        theirs = await uow.profiles.get(3202)
        other_person = await uow.people.get(3202)
    assert mine is not None and theirs is not None and other_person is not None
    assert mine.country == theirs.country == "KR" and mine.bio and theirs.bio
    assert mine.visibility == theirs.visibility == "all"
    assert mine.hidden_fields == theirs.hidden_fields == []
    assert other_person.awaiting_field is None  # no question was opened by the forged edit


async def test_core_refuses_a_non_owner_or_non_organiser_whatever_the_handler_did(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    owner, other = bot.client(3301), bot.client(3302)
    await onboard(owner)
    await onboard(other, full_name="Lukas Brandt")
    services, now = bot.services, bot.clock.now()
    with pytest.raises(NotAllowed):
        await services.people.profiles.answer(3302, "DE", "country", owner=3301)
    with pytest.raises(NotAllowed):
        await services.people.profiles.set_visibility(3302, "hidden", owner=3301)
    with pytest.raises(NotAllowed):
        await services.privacy.erase_mine(3302, 3301, now=now)
    with pytest.raises(NotAllowed):
        await services.people.find(3302, "Kim")
    with pytest.raises(NotAllowed):
        await services.people.registrations.by_organiser(3302, CSV, dry_run=False, now=now)
    with pytest.raises(NotAllowed):
        await services.programme.waitlist(3302, "any-session")
    async with bot.uow() as uow:
        assert await uow.people.get(3301) is not None
        profile = await uow.profiles.get(3302)
        assert await uow.registrations.all() == []
    assert profile is not None and profile.country == "KR" and profile.visibility == "all"
    found = await services.people.find(9000, "Kim Ji-woo")
    assert [f.telegram_id for f in found] == [3301]


async def test_organiser_commands_refuse_attendees(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    user = bot.client(3401)
    await onboard(user)
    await user.command("find", "Kim")
    assert user.last().text == ORGANISERS_ONLY
    await user.command("waitlist", "visit")
    assert user.last().text == ORGANISERS_ONLY
    await user.press_data("im:12")
    assert user.last_answer()["text"] == ORGANISERS_ONLY

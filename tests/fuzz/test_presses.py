"""Random, replayed and mangled callback data on every route of handlers/routes.py, pressed by
an attendee, an organiser and a stranger: each press is answered once (a refusal in the
presser's language), and nobody else's rows change."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from handlers.i18n import LANGUAGES, Translator
from handlers.routes import ERASE_CONFIRM, IMPORT, ROUTES, SCHEDULE_APPLY, SEPARATOR, Route, Text
from tests.support.fuzz_world import (
    BYSTANDER,
    FIGURES,
    ORGANISER,
    PARTNER,
    PEOPLE_IDS,
    ROLES,
    SURVEY_TEXT_KEY,
    World,
)
from tests.support.hostile import Pools, forgery, fuzz, seen_on

ALL_ROUTES: tuple[Route, ...] = tuple(ROUTES)
#: Refusals a press may get as its answer (a pop-up), in any language the presser may use.
POP_UPS = {
    Translator(lang)(key) for lang in LANGUAGES for key in ("buttons.expired", "organiser.only")
}
#: An organiser's presses that change other people's rows by design.
ORGANISER_MAY_CHANGE = {
    SCHEDULE_APPLY.action: ("meetings", "meeting_people", "meeting_requests", "busy"),
    IMPORT.action: ("registrations", "invites"),
}
WARM_UP = {
    "attendee": (
        "partners", "saved", "meetings", "availability", "consult", "agenda", "profile",
        "feedback", "visibility", "deleteme", "language", "timezone", "privacy",
    ),
    "organiser": ("broadcast", "export", "schedule morning", "meetings", "agenda"),
}  # fmt: skip
_strangers = itertools.count(700)


async def warm_up(world: World) -> None:
    """Open every screen, so the chats hold real buttons to replay (other people's too)."""
    if world.warm:
        return
    world.warm = True
    for role, commands in WARM_UP.items():
        user = world.actor(role)
        for typed in commands:
            name, _, args = typed.partition(" ")
            await world.step(user.user_id, f"/{typed}", user.command(name, args))
    organiser = world.actor("organiser")
    await world.step(ORGANISER, "a broadcast", organiser.send("Coffee at 15:00"))
    for uid in (PARTNER, BYSTANDER):
        await world.step(uid, "/meetings", world.users[uid].command("meetings"))
    await world.step(
        world.actor("attendee").user_id,
        "change the text answer",
        world.actor("attendee").press_data(f"sv:e:{SURVEY_TEXT_KEY}"),
    )


def pools(world: World) -> Pools:
    """What a forger tries in this world (the same for every copy of it)."""
    ids = world.ids
    numbers = (
        *PEOPLE_IDS,
        ids.my_meeting,
        ids.others_meeting,
        ids.request_to_me,
        ids.others_request,
        3,
        7,
        14,
        30,
    )
    keys = (*ids.slot_keys, *ids.session_keys, "morning", "afternoon", "overall", "again")
    keys += (SURVEY_TEXT_KEY, "yes", "no", "proposal-development", "admin-financial")
    return Pools(numbers, keys)


def sent_buttons(world: World) -> list[str]:
    """Callback data of every button the bot has sent so far, to anyone."""
    return [
        str(button["callback_data"])
        for message in world.bot.fake.all_sent()
        for button in message.inline_buttons
        if "callback_data" in button
    ]


@pytest.mark.parametrize("role", list(ROLES))
@fuzz(default=40)
@given(data=st.data())
async def test_every_route_refuses_or_serves_without_touching_others(world, role, data):
    await warm_up(world)
    route = data.draw(st.sampled_from(ALL_ROUTES), label="route")
    if role == "stranger":  # a new one each time: nobody who has started the bot yet
        user = world.bot.client(next(_strangers), "낯선", language_code="ko")
    else:
        user = world.actor(role)
    plan = data.draw(forgery(route, pools(world)), label="forgery")
    press = plan.data(seen_on(route, sent_buttons(world)))
    if route is ERASE_CONFIRM and ERASE_CONFIRM.parse(press) == (user.user_id,):
        return  # erasing oneself changes shared rows by design: the privacy tests cover it
    allowed = ORGANISER_MAY_CHANGE.get(route.action, ()) if role == "organiser" else ()
    answers = len(world.bot.fake.callback_answers)
    FIGURES["presses"] += 1
    await world.step(user.user_id, f"{role} pressed {press!r}", user.press_data(press), allowed)
    answered = world.bot.fake.callback_answers[answers:]
    mine = [a for a in answered if a["callback_query_id"] == user._query_ids[-1]]
    assert len(mine) == 1, f"{role} pressed {press!r}: answered {len(mine)} times"
    pop_up = mine[0].get("text")
    FIGURES["presses refused at once" if pop_up else "presses reaching a handler"] += 1
    if pop_up:
        assert pop_up in POP_UPS, f"{role} pressed {press!r}: unexpected pop-up {pop_up!r}"
        if role == "stranger":
            assert pop_up == Translator("ko")("buttons.expired") or pop_up == Translator("ko")(
                "organiser.only"
            ), f"the stranger's pop-up is not in Korean: {pop_up!r}"


#: Numbers just past what a column holds: PostgreSQL's INTEGER, then 64 bits.
PAST_THE_COLUMNS = (2**31, 2**63)


@pytest.mark.parametrize("world", ["sqlite", "postgresql"], indirect=True)
async def test_ids_past_what_the_database_holds_are_refused_on_every_route(world):
    """Every number argument of every route, for the attendee and the organiser, set just past
    what the database column can take: refused like any forgery, never a failed query."""
    for role in ("attendee", "organiser"):
        user = world.actor(role)
        for route in ALL_ROUTES:
            if not any(not isinstance(kind, Text) for kind in route.args):
                continue
            for number in PAST_THE_COLUMNS:
                values = [str(number) if not isinstance(k, Text) else "x" for k in route.args]
                press = SEPARATOR.join((route.head, *values))
                FIGURES["presses"] += 1
                await world.step(user.user_id, f"{role} pressed {press!r}", user.press_data(press))

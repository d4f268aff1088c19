"""The shared handler opening: forged presses, organiser re-checks, consent and domain errors
are answered the same polite way for every feature, and every press stops its spinner."""

from __future__ import annotations

from core.reference.errors import DomainError, NotAllowed, NotConsented
from handlers.i18n import Translator
from handlers.routes import RouteTable
from handlers.turns import Turn, button, command

EN = Translator("en")
KO = Translator("ko")
TABLE = RouteTable()
PING = TABLE.add("test.ping", "zz", "p", int)


class Refused(DomainError):
    """A feature error with a reason, like BookingError."""

    code = "refused"


async def _install(bot, seen: list[tuple[int, tuple]]) -> None:
    async def ping(turn: Turn) -> None:
        seen.append((turn.user_id, turn.args))
        if turn.int_arg() == 1:
            raise NotAllowed()
        if turn.int_arg() == 2:
            raise NotConsented()
        if turn.int_arg() == 3:
            raise Refused(reason="taken", limit=3)
        await turn.reply(turn.t("help.unknown_command", command=f"/ping{turn.int_arg()}"))

    async def offer(turn: Turn) -> None:
        await turn.reply("ping", [[("Ping", PING.pack(7))]])

    async def secret(turn: Turn) -> None:
        await turn.reply("secret figures")

    # First in group 0, ahead of the "unknown command" fallback, as a feature's handlers are.
    bot.app.handlers[0][:0] = [
        command("offer", offer),
        command("secret", secret, organiser=True),
        button(PING, ping, errors={Refused: "meetings.error."}),
    ]


async def test_a_press_reaches_the_handler_with_parsed_arguments(make_bot) -> None:
    bot = await make_bot()
    seen: list[tuple[int, tuple]] = []
    await _install(bot, seen)
    user = bot.client(9101)
    await user.command("offer")
    await user.press("Ping")
    assert seen == [(9101, (7,))]
    assert user.last().text == EN("help.unknown_command", command="/ping7")
    assert user.last_answer() is not None  # the spinner stopped


async def test_forged_data_is_refused_before_the_handler(make_bot) -> None:
    bot = await make_bot()
    seen: list[tuple[int, tuple]] = []
    await _install(bot, seen)
    user = bot.client(9102)
    await user.command("offer")
    for forged in ("zz:p:x", "zz:p:1:2", "zz:p:" + "9" * 25, "zz:p:٣"):
        await user.press_data(forged)
        answer = user.last_answer()
        assert answer is not None
        assert answer["text"] == EN("buttons.expired")
        assert answer["show_alert"] is True
    assert seen == []


async def test_domain_errors_become_polite_answers_in_the_users_language(make_bot) -> None:
    bot = await make_bot()
    seen: list[tuple[int, tuple]] = []
    await _install(bot, seen)
    user = bot.client(9103, language_code="ko")
    await user.command("offer")
    await user.press_data(PING.pack(1))
    assert user.last_answer()["text"] == KO("buttons.not_yours")
    await user.press_data(PING.pack(3))
    assert user.last_answer()["text"] == KO("meetings.error.taken", limit=3)[:200]
    user.clear()
    await user.press_data(PING.pack(2))
    [text] = user.plain_texts()
    assert text.startswith(KO("consent.required") + "\n\n")
    assert "개인정보 처리 안내" in text and user.last().buttons == [
        KO("privacy.accept"),
        KO("privacy.decline"),
    ]
    assert len(seen) == 3


async def test_organiser_handlers_are_rechecked_on_the_server(make_bot) -> None:
    bot = await make_bot(organisers={"telegram_ids": [9200]})
    await _install(bot, [])
    stranger = bot.client(9104)
    await stranger.command("secret")
    assert stranger.last().text == EN("organiser.only")
    organiser = bot.client(9200)
    await organiser.command("secret")
    assert organiser.last().text == "secret figures"


async def test_a_press_no_route_claims_is_answered_not_left_spinning(make_bot) -> None:
    bot = await make_bot()
    user = bot.client(9105)
    await user.command("start")
    for data in ("sv:zz", "bc:q:1", "ex", "zz:unknown:1", "mr:zz:1"):
        await user.press_data(data)
        answer = user.last_answer()
        assert answer is not None, data
        assert answer["text"] == EN("buttons.expired")

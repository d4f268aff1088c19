"""The shared handler opening: every press is answered at once, before any database work; forged
presses, organiser re-checks, consent and domain errors are answered the same polite way for
every feature; a press answered too late is never the user's problem."""

from __future__ import annotations

import logging

from sqlalchemy import event
from telegram.error import RetryAfter

from bot.app import ENGINE_KEY
from core.reference.errors import DomainError, NotAllowed, NotConsented
from fake_bot_api.limits import QUERY_TOO_OLD
from handlers.i18n import Translator
from handlers.routes import LANGUAGE, RouteTable
from handlers.turns import Turn, button, command
from tests.support.journeys import request_from_jiwoo, setup

EN = Translator("en")
KO = Translator("ko")
TABLE = RouteTable()
PING = TABLE.add("test.ping", "zz", "p", int)
SECRET = TABLE.add("test.secret", "zz", "s", int)


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
        if turn.int_arg() == 4:
            raise RetryAfter(5)
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
        button(SECRET, secret, organiser=True),
    ]


def _silent(answer: dict | None) -> bool:
    """A press answered without a pop-up (the spinner stopped, nothing more)."""
    return answer is not None and not answer.get("text") and not answer.get("show_alert")


async def test_a_press_reaches_the_handler_with_parsed_arguments(make_bot) -> None:
    bot = await make_bot()
    seen: list[tuple[int, tuple]] = []
    await _install(bot, seen)
    user = bot.client(9101)
    await user.command("offer")
    await user.press("Ping")
    assert seen == [(9101, (7,))]
    assert user.last().text == EN("help.unknown_command", command="/ping7")
    assert _silent(user.last_answer())  # the spinner stopped, once
    assert len(bot.fake.calls_to("answerCallbackQuery")) == 1


async def test_the_press_is_answered_before_any_database_work(make_bot) -> None:
    bot = await make_bot()
    await _install(bot, [])
    user = bot.client(9106)
    await user.command("offer")
    answers_at_sql: list[int] = []

    def before_sql(*_args: object) -> None:
        answers_at_sql.append(len(bot.fake.calls_to("answerCallbackQuery")))

    engine = bot.app.bot_data[ENGINE_KEY].sync_engine
    event.listen(engine, "before_cursor_execute", before_sql)
    try:
        await user.press("Ping")
    finally:
        event.remove(engine, "before_cursor_execute", before_sql)
    assert answers_at_sql, "the press read the person's language from the database"
    assert set(answers_at_sql) == {1}  # every statement ran after the one answer
    methods = [
        c.method for c in bot.fake.calls if c.method in ("answerCallbackQuery", "sendMessage")
    ]
    assert methods[-2:] == ["answerCallbackQuery", "sendMessage"]


async def test_the_press_is_answered_even_when_the_database_fails(make_bot, monkeypatch) -> None:
    bot = await make_bot()
    seen: list[tuple[int, tuple]] = []
    await _install(bot, seen)
    user = bot.client(9107)
    await user.command("offer")

    async def down(_telegram_id: int) -> None:
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(bot.services.people, "reader", down)
    user.clear()
    await user.press("Ping")
    assert _silent(user.last_answer())
    assert seen == []
    assert user.plain_texts() == [EN("error.generic")]  # the error handler, not a second answer
    methods = [
        c.method for c in bot.fake.calls if c.method in ("answerCallbackQuery", "sendMessage")
    ]
    assert methods[-2:] == ["answerCallbackQuery", "sendMessage"]
    assert len(bot.fake.calls_to("answerCallbackQuery")) == 1
    assert [str(e) for e in bot.errors] == ["database unreachable"]
    bot.errors.clear()


async def test_query_too_old_is_logged_and_the_handler_still_answers(make_bot, caplog) -> None:
    bot = await make_bot()
    seen: list[tuple[int, tuple]] = []
    await _install(bot, seen)
    user = bot.client(9108, "Mina")
    await user.command("offer")
    user.clear()
    bot.fake.fail_next("answerCallbackQuery", status=400, description=QUERY_TOO_OLD)
    with caplog.at_level(logging.DEBUG, logger="handlers.turns"):
        await user.press("Ping")
    assert seen == [(9108, (7,))]
    assert user.texts() == [EN("help.unknown_command", command="/ping7")]
    assert bot.errors == []
    [record] = [r for r in caplog.records if r.name == "handlers.turns"]
    assert record.levelno == logging.INFO and "query is too old" in record.getMessage()
    assert "9108" not in record.getMessage() and "Mina" not in record.getMessage()
    assert "zz:p" not in record.getMessage()


async def test_a_booking_answered_too_late_still_gets_its_confirmation(make_bot) -> None:
    bot = await make_bot()
    users = await setup(bot)
    await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    anna = users[2]
    bot.fake.fail_next("answerCallbackQuery", status=400, description=QUERY_TOO_OLD)
    await anna.press("✅ Thu 10 Apr 10:20")
    assert "Meeting with <b>Ji-woo Kim</b> booked: Thu 10 Apr 10:20" in anna.texts()[-2]
    assert "BEGIN:VCALENDAR" in anna.last_document().data.decode()
    assert EN("error.generic") not in anna.plain_texts()
    assert bot.errors == []
    await bot.dispatch()
    assert "Meeting with <b>Anna de Vries</b> confirmed" in users[1].last().text
    async with bot.uow() as uow:
        assert len(await uow.meetings.meetings_of(2)) == 1


async def test_a_double_tap_on_accept_books_once_and_answers_the_second_politely(
    make_bot,
) -> None:
    bot = await make_bot()
    users = await setup(bot)
    incoming = await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    accept = incoming.reply_markup[0][0]["callback_data"]
    anna = users[2]
    await anna.press_data(accept)
    assert "Meeting with <b>Ji-woo Kim</b> booked: Thu 10 Apr 10:20" in anna.texts()[-2]
    await anna.press_data(accept)  # the second tap, sent before the first edit arrived
    assert anna.press_reply() == EN("meetings.error.closed")
    await bot.dispatch()
    confirmations = [m for m in bot.fake.sent(1) if "Anna de Vries</b> confirmed" in m.text]
    assert len(confirmations) == 1
    async with bot.uow() as uow:
        assert len(await uow.meetings.meetings_of(2)) == 1
        assert len(await uow.meetings.meetings_of(1)) == 1


async def test_forged_data_is_refused_with_a_pop_up_before_the_handler(make_bot) -> None:
    bot = await make_bot()
    seen: list[tuple[int, tuple]] = []
    await _install(bot, seen)
    user = bot.client(9102)
    await user.command("offer")
    user.clear()
    for forged in ("zz:p:x", "zz:p:1:2", "zz:p:" + "9" * 25, "zz:p:٣"):
        await user.press_data(forged)
        answer = user.last_answer()
        assert answer is not None
        assert answer["text"] == EN("buttons.expired")
        assert answer["show_alert"] is True
    assert seen == []
    assert user.texts() == []  # the pop-up is the whole answer


async def test_a_refusal_pop_up_answered_too_late_is_said_in_the_chat(make_bot) -> None:
    bot = await make_bot()
    await _install(bot, [])
    user = bot.client(9109)
    await user.command("offer")
    user.clear()
    bot.fake.fail_next("answerCallbackQuery", status=400, description=QUERY_TOO_OLD)
    await user.press_data("zz:p:x")
    assert user.plain_texts() == [EN("buttons.expired")]
    assert bot.errors == []


async def test_domain_errors_become_polite_messages_in_the_users_language(make_bot) -> None:
    bot = await make_bot()
    seen: list[tuple[int, tuple]] = []
    await _install(bot, seen)
    user = bot.client(9103, language_code="ko")
    await user.command("offer")
    await user.press_data(PING.pack(1))
    assert user.press_reply() == KO("buttons.not_yours")
    await user.press_data(PING.pack(3))
    assert user.press_reply() == KO("meetings.error.taken", limit=3)
    user.clear()
    await user.press_data(PING.pack(2))
    assert _silent(user.last_answer())
    [text] = user.plain_texts()
    assert text.startswith(KO("consent.required") + "\n\n")
    assert "개인정보 처리 안내" in text and user.last().buttons == [
        KO("privacy.accept"),
        KO("privacy.decline"),
    ]
    assert len(seen) == 3


async def test_refusal_pop_ups_speak_the_language_last_used_for_the_person(make_bot) -> None:
    bot = await make_bot()
    user = bot.client(9110, language_code="en")  # Telegram says English ...
    await user.command("start")
    await user.press(EN("privacy.accept"))
    await user.press_data(LANGUAGE.pack("ko"))  # ... the person chose Korean
    await user.press_data("cs:y:latest")  # forged: refused before any database work
    assert user.last_answer()["text"] == KO("buttons.expired")
    await bot.restart()  # a new run knows nothing yet: Telegram's language until it looked
    await user.press_data("cs:y:latest")
    assert user.last_answer()["text"] == EN("buttons.expired")
    await user.command("help")
    await user.press_data("cs:y:latest")
    assert user.last_answer()["text"] == KO("buttons.expired")


async def test_organiser_handlers_are_rechecked_on_the_server(make_bot) -> None:
    bot = await make_bot(organisers={"telegram_ids": [9200]})
    await _install(bot, [])
    stranger = bot.client(9104)
    await stranger.command("secret")
    assert stranger.last().text == EN("organiser.only")
    stranger.clear()
    await stranger.press_data(SECRET.pack(1))
    assert stranger.last_answer()["text"] == EN("organiser.only")  # a pop-up, no database work
    assert stranger.texts() == []
    organiser = bot.client(9200)
    await organiser.command("secret")
    assert organiser.last().text == "secret figures"
    await organiser.press_data(SECRET.pack(1))
    assert _silent(organiser.last_answer()) and organiser.last().text == "secret figures"


async def test_a_press_no_route_claims_is_answered_not_left_spinning(make_bot) -> None:
    bot = await make_bot()
    user = bot.client(9105)
    await user.command("start")
    for data in ("sv:zz", "bc:q:1", "ex", "zz:unknown:1", "mr:zz:1"):
        await user.press_data(data)
        answer = user.last_answer()
        assert answer is not None, data
        assert answer["text"] == EN("buttons.expired")


async def test_flood_control_is_logged_once_and_not_answered_with_another_message(
    make_bot, caplog
) -> None:
    bot = await make_bot()
    await _install(bot, [])
    user = bot.client(9111)
    await user.command("offer")
    user.clear()
    with caplog.at_level(logging.DEBUG, logger="handlers.help"):
        await user.press_data(PING.pack(4))
    assert user.texts() == []
    records = [r for r in caplog.records if r.name == "handlers.help"]
    assert [(r.levelno, r.exc_info) for r in records] == [(logging.WARNING, None)]
    assert "flood control" in records[0].getMessage()
    assert [type(e) for e in bot.errors] == [RetryAfter]
    bot.errors.clear()

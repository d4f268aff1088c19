"""Telegram's command menu: attendees by default, organisers in their own chats once they opened
the bot (Telegram refuses a chat it does not know), en and ko."""

from __future__ import annotations

import logging

from handlers.help import ORGANISER_COMMANDS, USER_COMMANDS
from tests.support.journeys import onboard

ORGANISER, SECOND_ORGANISER, ATTENDEE, LATE_ORGANISER = 4242, 4343, 5151, 6161


def chat_menu_calls(bot, chat_id=None):
    """setMyCommands calls for one chat's scope (every chat's when chat_id is None)."""
    return [
        call.params
        for call in bot.fake.calls_to("setMyCommands")
        if (call.params.get("scope") or {}).get("type") == "chat"
        and chat_id in (None, call.params["scope"]["chat_id"])
    ]


def menu(bot, chat_id=None, language=""):
    """The menu Telegram shows: {command: description} for a chat (or the default scope)."""
    scope = None if chat_id is None else {"type": "chat", "chat_id": chat_id}
    return {c["command"]: c["description"] for c in bot.fake.commands_for(scope, language)}


def assert_organiser_menu(bot, chat_id):
    """The organiser's chat menu: every command, organiser ones included, in both languages."""
    english, korean = menu(bot, chat_id), menu(bot, chat_id, "ko")
    assert list(english) == list(korean) == list(USER_COMMANDS + ORGANISER_COMMANDS)
    assert english["broadcast"] == "Organisers: send an announcement"
    assert english["profile"] == "Your profile"
    assert korean["broadcast"] == "주최자: 공지 보내기"
    assert korean["profile"] == "내 프로필"


def no_menu_trouble(caplog):
    """Nothing about command menus was logged, let alone "chat not found" as an error."""
    return [
        r
        for r in caplog.records
        if r.levelno >= logging.WARNING
        and ("chat not found" in r.getMessage().lower() or "menu" in r.getMessage())
    ]


async def test_default_menus_and_none_for_organisers_who_never_opened_the_bot(make_bot, caplog):
    caplog.set_level(logging.INFO)
    bot = await make_bot(organisers={"telegram_ids": [ORGANISER, SECOND_ORGANISER]})
    assert menu(bot)["profile"] == "Your profile"
    assert menu(bot, language="ko")["profile"] == "내 프로필"
    assert "broadcast" not in menu(bot) and "broadcast" not in menu(bot, language="ko")
    assert len(bot.fake.calls_to("setMyCommands")) == 2
    assert chat_menu_calls(bot) == []
    assert not bot.fake.rejections
    assert no_menu_trouble(caplog) == []


async def test_organiser_gets_the_menu_at_start_and_again_after_restart(make_bot, caplog):
    caplog.set_level(logging.INFO)
    bot = await make_bot(organisers={"telegram_ids": [ORGANISER, SECOND_ORGANISER]})
    organiser = bot.client(ORGANISER, "Mina")
    await organiser.command("start")
    assert "Privacy notice" in organiser.last().text  # the reply is unchanged
    assert len(chat_menu_calls(bot, ORGANISER)) == 2
    assert_organiser_menu(bot, ORGANISER)
    await organiser.command("start")  # once per run is enough: Telegram keeps the menu
    assert len(chat_menu_calls(bot, ORGANISER)) == 2
    await organiser.press("I accept")

    await bot.restart()
    assert len(chat_menu_calls(bot, ORGANISER)) == 4
    assert_organiser_menu(bot, ORGANISER)
    assert chat_menu_calls(bot, SECOND_ORGANISER) == []
    assert not bot.fake.rejections
    assert no_menu_trouble(caplog) == []


async def test_organiser_who_only_looked_keeps_the_menu_and_gets_it_again_at_start(make_bot):
    """No consent, no person row: nothing at restart (Telegram kept the menu), again at /start."""
    bot = await make_bot(organisers={"telegram_ids": [ORGANISER]})
    organiser = bot.client(ORGANISER, "Mina")
    await organiser.command("start")
    await organiser.press("No, thanks")
    await bot.restart()
    assert len(chat_menu_calls(bot, ORGANISER)) == 2
    assert_organiser_menu(bot, ORGANISER)
    await organiser.command("start")
    assert len(chat_menu_calls(bot, ORGANISER)) == 4


async def test_organiser_added_at_run_time_gets_the_menu_when_they_open_the_bot(make_bot, clock):
    bot = await make_bot()
    assert await bot.services.people.add_organiser(LATE_ORGANISER, now=clock.now())
    await bot.services.people.load_organisers()  # the reload job, every minute
    assert chat_menu_calls(bot) == []
    late = bot.client(LATE_ORGANISER, "Hoon", language_code="ko")
    await late.command("start")
    assert_organiser_menu(bot, LATE_ORGANISER)
    await late.press("동의합니다")
    await bot.restart()
    assert len(chat_menu_calls(bot, LATE_ORGANISER)) == 4
    assert not bot.fake.rejections


async def test_an_attendee_never_gets_the_organiser_menu(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORGANISER]})
    attendee = bot.client(ATTENDEE, "Ji-woo")
    await onboard(attendee)
    await attendee.command("start")
    await attendee.command("help")
    await bot.restart()
    assert chat_menu_calls(bot) == []
    assert menu(bot, ATTENDEE) == {}
    assert "broadcast" not in menu(bot)


async def test_a_refusal_is_one_warning_without_traceback(make_bot, clock, caplog):
    """A person row Telegram does not know (another bot token, a race): warn once, carry on."""
    caplog.set_level(logging.INFO)
    bot = await make_bot(organisers={"telegram_ids": [ORGANISER]})
    await bot.services.people.onboarding.accept_consent(ORGANISER, language="en", now=clock.now())
    await bot.restart()
    refused = [r.description for r in bot.fake.rejections]
    assert refused == ["Bad Request: chat not found"]  # tried once, not once per language
    warnings = [r for r in caplog.records if r.name == "handlers.help"]
    assert [r.levelno for r in warnings] == [logging.WARNING]
    assert str(ORGANISER) in warnings[0].getMessage() and warnings[0].exc_info is None
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    bot.fake.rejections.clear()  # the refusal was the point of this test

    organiser = bot.client(ORGANISER, "Mina")
    await organiser.command("start")  # now Telegram knows the chat: the next /start sets it
    assert_organiser_menu(bot, ORGANISER)


async def test_help_also_gives_an_organiser_the_menu(make_bot, clock):
    """An attendee made organiser at run time, who never /starts again, gets it from /help."""
    bot = await make_bot()
    member = bot.client(LATE_ORGANISER, "Hoon")
    await onboard(member)
    await bot.services.people.add_organiser(LATE_ORGANISER, now=clock.now())
    await bot.services.people.load_organisers()
    assert chat_menu_calls(bot) == []
    await member.command("help")
    assert_organiser_menu(bot, LATE_ORGANISER)

"""`forumbot organisers remove` reaches a running bot within a minute: organiser commands are
refused and the removed organiser's chat shows the attendee menu again, even across a restart."""

from __future__ import annotations

import asyncio

from telegram.ext import Job

from bot.__main__ import main
from bot.app import dispatcher_of
from bot.jobs import JobData, reload_organisers
from handlers.help import ORGANISER_COMMANDS, USER_COMMANDS
from tests.support.journeys import onboard

ORGANISER, OTHER, NEVER_OPENED = 4242, 4343, 6161
REFUSED = "This command is for the event's organisers."


def chat_menu(bot, chat_id: int, language: str = "") -> list[str]:
    """The commands set for one chat's own scope (empty: Telegram shows the default menu)."""
    scope = {"type": "chat", "chat_id": chat_id}
    return [c["command"] for c in bot.fake.commands_for(scope, language)]


async def organisers_job(bot) -> None:
    """The repeating `organisers` job, run once as the job queue runs it every minute."""
    data = JobData(bot.services, bot.settings, dispatcher_of(bot.app))
    await Job(reload_organisers, data=data, name="organisers").run(bot.app)


async def cli(bot, tmp_path, *args: str) -> int:
    """`forumbot ARGS` on the bot's database, as an operator runs it beside the running bot."""
    config = tmp_path / "cli.toml"
    config.write_text(f'[database]\nurl = "{bot.settings.database.url}"\n', encoding="utf-8")
    return await asyncio.to_thread(main, ["--config", str(config), "--log-level", "WARNING", *args])


async def test_a_removed_organiser_loses_commands_and_menu_within_a_minute(
    make_bot, tmp_path, capsys
):
    bot = await make_bot()
    assert await cli(bot, tmp_path, "organisers", "add", str(ORGANISER)) == 0
    assert await cli(bot, tmp_path, "organisers", "add", str(OTHER)) == 0
    await organisers_job(bot)
    organiser, other = bot.client(ORGANISER, "Mina"), bot.client(OTHER, "Hoon")
    await onboard(organiser)
    await onboard(other)
    assert chat_menu(bot, ORGANISER) == list(USER_COMMANDS + ORGANISER_COMMANDS)
    await organiser.command("stats")
    assert organiser.last().text != REFUSED

    capsys.readouterr()
    assert await cli(bot, tmp_path, "organisers", "remove", str(ORGANISER)) == 0
    assert f"{ORGANISER} is no longer an organiser" in capsys.readouterr().out
    await organiser.command("stats")  # until the job's next run (at most a minute)
    assert organiser.last().text != REFUSED

    await organisers_job(bot)
    for command in ("stats", "broadcast", "find", "export"):
        await organiser.command(command)
        assert organiser.last().text == REFUSED, command
    await organiser.command("help")
    assert "/broadcast" not in organiser.last().text
    # Their chat's own menu is gone in both languages: Telegram shows the attendees' menu.
    assert chat_menu(bot, ORGANISER) == chat_menu(bot, ORGANISER, "ko") == []
    deleted = [c.params for c in bot.fake.calls_to("deleteMyCommands")]
    assert [(p["scope"]["chat_id"], p.get("language_code")) for p in deleted] == [
        (ORGANISER, None),
        (ORGANISER, "ko"),
    ]
    assert chat_menu(bot, OTHER) == list(USER_COMMANDS + ORGANISER_COMMANDS)  # untouched
    await other.command("stats")
    assert other.last().text != REFUSED

    await organisers_job(bot)  # done once: nothing is asked of Telegram again
    await organiser.command("start")
    assert len(bot.fake.calls_to("deleteMyCommands")) == 2
    assert chat_menu(bot, ORGANISER) == []

    capsys.readouterr()
    assert await cli(bot, tmp_path, "organisers", "list") == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == [str(OTHER)]


async def test_removed_while_the_bot_was_down_the_menu_still_goes(make_bot, tmp_path):
    bot = await make_bot()
    assert await bot.services.people.add_organiser(ORGANISER, now=bot.clock.now())
    assert await bot.services.people.add_organiser(NEVER_OPENED, now=bot.clock.now())
    await bot.services.people.load_organisers()
    organiser = bot.client(ORGANISER, "Mina", language_code="ko")
    await organiser.command("start")
    await organiser.press("동의합니다")
    assert chat_menu(bot, ORGANISER, "ko") == list(USER_COMMANDS + ORGANISER_COMMANDS)

    await bot.stop()
    assert await cli(bot, tmp_path, "organisers", "remove", str(ORGANISER)) == 0
    assert await cli(bot, tmp_path, "organisers", "remove", str(NEVER_OPENED)) == 0
    await bot.start()
    await organiser.command("stats")
    assert organiser.last().text == "행사 주최 측만 쓸 수 있는 명령입니다."
    assert chat_menu(bot, ORGANISER, "ko") != []  # Telegram kept it over the restart ...

    await organisers_job(bot)  # ... until the first run of the job
    assert chat_menu(bot, ORGANISER) == chat_menu(bot, ORGANISER, "ko") == []
    # Telegram never knew the other one's chat: it said so once, and that is the end of it.
    refused = [(c.method, c.params["scope"]["chat_id"]) for c in bot.fake.rejections]
    assert refused == [("deleteMyCommands", NEVER_OPENED)]
    bot.fake.rejections.clear()
    async with bot.uow() as uow:
        assert await uow.organisers.revoked() == set()  # nothing left to do

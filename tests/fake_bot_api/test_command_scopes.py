"""Self-tests: command menus for one chat exist only once that chat has opened the bot."""

from __future__ import annotations

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeChat,
    BotCommandScopeChatAdministrators,
    BotCommandScopeChatMember,
)
from telegram.error import BadRequest

from fake_bot_api import FakeBotApi, FakeBotApiServer
from tests.fake_bot_api.tiny_bot import USER, AnyApp
from tests.support.client import UserClient

pytestmark = pytest.mark.asyncio

STRANGER = 2002
GROUP = -100777

MENU = [BotCommand("start", "Begin")]


def chat_scopes(chat_id: int) -> list[BotCommandScope]:
    """The three scopes that name one chat."""
    return [
        BotCommandScopeChat(chat_id),
        BotCommandScopeChatAdministrators(chat_id),
        BotCommandScopeChatMember(chat_id, USER),
    ]


async def test_chat_scopes_refused_for_a_chat_that_never_opened_the_bot(
    app: AnyApp, fake: FakeBotApi
) -> None:
    """set/delete/getMyCommands for an unknown chat answer 400 "chat not found", store nothing."""
    for scope in chat_scopes(STRANGER):
        with pytest.raises(BadRequest, match=r"^Chat not found$"):
            await app.bot.set_my_commands(MENU, scope=scope)
        with pytest.raises(BadRequest, match=r"^Chat not found$"):
            await app.bot.set_my_commands(MENU, scope=scope, language_code="ko")
        with pytest.raises(BadRequest, match=r"^Chat not found$"):
            await app.bot.get_my_commands(scope=scope)
        with pytest.raises(BadRequest, match=r"^Chat not found$"):
            await app.bot.delete_my_commands(scope=scope)
    assert len(fake.rejections) == 12
    assert {(r.method, r.status, r.description) for r in fake.rejections} == {
        (method, 400, "Bad Request: chat not found")
        for method in ("setMyCommands", "getMyCommands", "deleteMyCommands")
    }
    assert fake.commands == {}
    # Scopes that name no chat are not affected.
    await app.bot.set_my_commands(MENU)
    assert [c.command for c in await app.bot.get_my_commands()] == ["start"]


async def test_a_chat_is_known_once_its_user_wrote_to_the_bot(
    app: AnyApp, fake: FakeBotApi, user: UserClient
) -> None:
    """Creating the client is not enough; its first update opens the chat, like Telegram."""
    scope = BotCommandScopeChat(USER)
    with pytest.raises(BadRequest, match=r"^Chat not found$"):
        await app.bot.set_my_commands(MENU, scope=scope)
    await user.command("start")
    for scope in chat_scopes(USER):
        await app.bot.set_my_commands(MENU, scope=scope, language_code="ko")
        assert [
            c.command for c in await app.bot.get_my_commands(scope=scope, language_code="ko")
        ] == ["start"]
        await app.bot.delete_my_commands(scope=scope, language_code="ko")
        assert await app.bot.get_my_commands(scope=scope, language_code="ko") == ()
    assert fake.commands_for({"type": "chat", "chat_id": USER}, "ko") == []
    assert len(fake.rejections) == 1


async def test_pushed_updates_and_explicit_opening_make_a_chat_known(fake: FakeBotApi) -> None:
    """Updates queued for getUpdates (a message, a press, a group message) open their chats."""
    stranger = UserClient(None, fake, STRANGER, "Min")  # type: ignore[arg-type]
    sent = fake.handle("sendMessage", {"chat_id": STRANGER, "text": "hi"})[1]["result"]
    message = fake.message(STRANGER, sent["message_id"])
    fake.push_update(stranger.callback_update("x", message))
    fake.push_update(
        {"message": {"message_id": 1, "date": 0, "chat": {"id": GROUP, "type": "supergroup"}}}
    )
    fake.open_chat(3003)

    def set_menu(chat_id: int) -> tuple[int, str]:
        status, body = fake.handle(
            "setMyCommands",
            {
                "commands": [{"command": "start", "description": "Begin"}],
                "scope": {"type": "chat", "chat_id": chat_id},
            },
        )
        return status, body.get("description", "")

    assert set_menu(STRANGER) == (200, "")
    assert set_menu(GROUP) == (200, "")
    assert set_menu(3003) == (200, "")
    assert set_menu(4004) == (400, "Bad Request: chat not found")


async def test_refused_over_http_too(fake: FakeBotApi) -> None:
    """The HTTP server decodes the scope the same way and answers the same 400."""
    with FakeBotApiServer(fake) as server:
        async with Bot("123:ABC", base_url=server.base_url) as bot:
            with pytest.raises(BadRequest, match=r"^Chat not found$"):
                await bot.set_my_commands(MENU, scope=BotCommandScopeChat(STRANGER))
            fake.open_chat(STRANGER)
            assert await bot.set_my_commands(MENU, scope=BotCommandScopeChat(STRANGER))
    assert [r.description for r in fake.rejections] == ["Bad Request: chat not found"]

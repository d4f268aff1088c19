"""Self-tests of the fake's chat model: if these fail, flow tests can't be trusted."""

from __future__ import annotations

import pytest
from telegram import (
    BotCommand,
)
from telegram.error import BadRequest

from fake_bot_api import BOT_ID, FakeBotApi, SentMessage
from tests.fake_bot_api.tiny_bot import (
    PNG_1X1,
    USER,
    AnyApp,
    keyboard,
)
from tests.support.client import UserClient

pytestmark = pytest.mark.asyncio


async def test_get_me_is_parsed(app: AnyApp, fake: FakeBotApi) -> None:
    """PTB initializes against the fake, so getMe's JSON must be a valid User."""
    assert app.bot.id == BOT_ID
    assert app.bot.username == "forumbot_test_bot"
    assert fake.calls_to("getMe")


async def test_send_text_and_read_reply(user: UserClient, fake: FakeBotApi) -> None:
    """The basic loop: user text in, bot reply recorded in the chat model."""
    await user.send("hi there")
    assert user.texts() == ["echo: hi there"]
    reply = user.last()
    assert reply.chat_id == USER and reply.raw["chat"]["first_name"] == "Kim"
    assert fake.rejections == [] and fake.problems == []


async def test_command_entity_and_html_reply(user: UserClient) -> None:
    """Commands need a bot_command entity for CommandHandler; HTML replies keep both forms."""
    update = user.text_update("/start abc")
    assert update["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    await user.command("start")
    last = user.last()
    assert last.text == "Hello, <b>Kim</b>!" and last.plain == "Hello, Kim!"
    assert last.entities == [{"type": "bold", "offset": 7, "length": 3}]
    assert last.buttons == ["👍 Like", "Skip", "Docs"]


async def test_press_button_edits_message(user: UserClient) -> None:
    """Pressing by (partial) label edits the message in place and answers the query."""
    await user.command("start")
    greeting = user.last()
    await user.press("Like")
    assert greeting.edited and greeting.text == "Liked ✅"
    assert greeting.history == ["Hello, <b>Kim</b>!"]
    assert user.last_answer() is not None
    await user.press("Skip")
    assert greeting.reply_markup == [] and user.message(greeting.message_id).buttons == []


async def test_press_unknown_label_lists_labels(user: UserClient) -> None:
    """A missing label fails loudly with what could have been pressed."""
    await user.command("start")
    with pytest.raises(AssertionError, match="Skip"):
        await user.press("Delete everything")
    with pytest.raises(AssertionError, match="callback_data"):
        await user.press("Docs")


async def test_forged_callback_data(user: UserClient, fake: FakeBotApi) -> None:
    """Arbitrary callback data reaches the handler attached to the last keyboard message."""
    await user.command("start")
    await user.press_data("admin:delete_all")
    answer = user.last_answer()
    assert answer is not None and answer["text"] == "Unknown action"
    assert answer["show_alert"] is True


async def test_double_answer_is_rejected(user: UserClient, app: AnyApp) -> None:
    """Telegram refuses a second answer to the same query; the fake does too."""
    await user.command("start")
    await user.press("Skip")
    query_id = user.last_answer()
    assert query_id is not None
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await app.bot.answer_callback_query(query_id["callback_query_id"])


async def test_edit_errors(app: AnyApp, fake: FakeBotApi, user: UserClient) -> None:
    """Editing a missing or unchanged message fails the way Telegram's does."""
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await app.bot.edit_message_text("x", chat_id=USER, message_id=999)
    sent = await app.bot.send_message(USER, "same", reply_markup=keyboard())
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await app.bot.edit_message_text(
            "same", chat_id=USER, message_id=sent.message_id, reply_markup=keyboard()
        )
    await app.bot.edit_message_text("same", chat_id=USER, message_id=sent.message_id)
    assert user.message(sent.message_id).buttons == []  # no reply_markup: keyboard dropped
    await user.send("mine")
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await app.bot.edit_message_text("x", chat_id=USER, message_id=sent.message_id + 1)
    assert await app.bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await app.bot.delete_message(USER, sent.message_id)
    with pytest.raises(BadRequest):
        await app.bot.answer_callback_query("q", text="t" * 201)


async def test_bot_document_bytes_are_readable(user: UserClient) -> None:
    """Files the bot uploads are stored byte-exact with name and mime type."""
    await user.command("export")
    document = user.last_document()
    assert document.name == "export.csv"
    assert document.data == b"name,score\nKim,3\n"
    assert user.last().text == "Your export" and user.last().raw["document"]["file_size"] == 17


async def test_user_document_download(user: UserClient, app: AnyApp) -> None:
    """A user's upload can be fetched with getFile + download through PTB's request path."""
    await user.send_document("people.csv", b"a,b\n1,2\n", caption="import me")
    assert user.last().text == "got 8 bytes"
    assert app.bot_data["uploaded"] == b"a,b\n1,2\n"


async def test_photo_and_commands(app: AnyApp, fake: FakeBotApi) -> None:
    """Photos must be images; bot settings round-trip."""
    message = await app.bot.send_photo(USER, PNG_1X1, caption="pic")
    assert message.photo[-1].width == 1
    sent: SentMessage = fake.sent(USER)[-1]
    assert sent.photo is not None and sent.photo.data == PNG_1X1
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await app.bot.send_photo(USER, b"not an image")
    await app.bot.set_my_commands([BotCommand("start", "Begin")])
    assert [c.command for c in await app.bot.get_my_commands()] == ["start"]
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await app.bot.set_my_commands([BotCommand("Start-Now", "Begin")])
    await app.bot.set_my_description("A bot")
    await app.bot.set_my_short_description("Short")
    await app.bot.delete_my_commands()
    assert fake.commands_for() == [] and fake.descriptions[""] == "A bot"

"""Self-tests of the fake Bot API harness: if these fail, flow tests can't be trusted."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from telegram import (
    BotCommand,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, RetryAfter
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.support.client import UserClient
from tests.support.fake_bot_api import BOT_ID, FakeBotApi, SentMessage
from tests.support.fake_server import FakeBotApiServer

pytestmark = pytest.mark.asyncio

AnyApp = Application[Any, Any, Any, Any, Any, Any]
USER = 1001
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def keyboard() -> InlineKeyboardMarkup:
    """The keyboard the tiny test bot attaches, so press() has something to find."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("👍 Like", callback_data="like"),
                InlineKeyboardButton("Skip", callback_data="skip"),
            ],
            [InlineKeyboardButton("Docs", url="https://example.org/docs")],
        ]
    )


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greets with HTML and a keyboard, like the real bot's entry point."""
    assert update.effective_message is not None and update.effective_user is not None
    await update.effective_message.reply_text(
        f"Hello, <b>{update.effective_user.first_name}</b>!",
        parse_mode=ParseMode.HTML,
        reply_markup=keyboard(),
    )


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Echoes plain text so the round trip is observable."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(f"echo: {update.effective_message.text}")


async def on_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Sends a generated file, like an export command."""
    assert update.effective_message is not None
    await update.effective_message.reply_document(
        b"name,score\nKim,3\n", filename="export.csv", caption="Your export"
    )


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Downloads an uploaded document through getFile, like an import command."""
    message = update.effective_message
    assert message is not None and message.document is not None
    tg_file = await message.document.get_file()
    data = bytes(await tg_file.download_as_bytearray())
    context.bot_data["uploaded"] = data
    await message.reply_text(f"got {len(data)} bytes")


async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Edits on known data and alerts on anything else (forged data must be survivable)."""
    query = update.callback_query
    assert query is not None
    if query.data == "like":
        await query.answer()
        await query.edit_message_text("Liked ✅", reply_markup=keyboard())
    elif query.data == "skip":
        await query.answer("Skipped")
        await query.edit_message_reply_markup(reply_markup=None)
    else:
        await query.answer("Unknown action", show_alert=True)


def build_app(fake: FakeBotApi) -> AnyApp:
    """An Application wired to the in-memory fake, with the tiny handlers above."""
    app = ApplicationBuilder().token("123:ABC").request(fake).get_updates_request(fake).build()
    app.add_handler(CommandHandler("start", on_start))
    app.add_handler(CommandHandler("export", on_export))
    app.add_handler(MessageHandler(filters.Document.ALL, on_document))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    app.add_handler(CallbackQueryHandler(on_callback))
    return app


@pytest_asyncio.fixture
async def fake() -> FakeBotApi:
    """A fresh fake per test so records don't leak between tests."""
    return FakeBotApi()


@pytest_asyncio.fixture
async def app(fake: FakeBotApi) -> AsyncIterator[AnyApp]:
    """An initialized (not polling) application on the fake."""
    application = build_app(fake)
    await application.initialize()
    yield application
    await application.shutdown()


@pytest_asyncio.fixture
async def user(app: AnyApp, fake: FakeBotApi) -> UserClient:
    """A user named Kim in a private chat."""
    return UserClient(app, fake, USER, "Kim", username="kim")


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


async def test_html_validation(app: AnyApp, fake: FakeBotApi) -> None:
    """Invalid HTML raises BadRequest inside the bot call, with Telegram's wording."""
    bot = app.bot
    html = ParseMode.HTML
    await bot.send_message(USER, "<b>x</b> &amp; &#60;ok&#x3e;", parse_mode=html)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER, "<b>Kim & Lee</b>", parse_mode=html)
    with pytest.raises(BadRequest, match=r"(?i)Can't find end tag corresponding to start tag"):
        await bot.send_message(USER, "<b>unclosed", parse_mode=html)
    with pytest.raises(BadRequest, match=r'(?i)Unsupported start tag "div"'):
        await bot.send_message(USER, "<div>x</div>", parse_mode=html)
    with pytest.raises(BadRequest, match=r'(?i)Unsupported start tag ""'):
        await bot.send_message(USER, "1 < 2", parse_mode=html)
    with pytest.raises(BadRequest, match=r"(?i)Unmatched end tag"):
        await bot.send_message(USER, "<b><i>x</b></i>", parse_mode=html)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(USER, "<b> </b>", parse_mode=html)
    assert len(fake.rejections) == 6
    assert [m.plain for m in fake.sent(USER)] == ["x & <ok>"]
    # Plain text is never parsed, and the lenient mode mirrors tdlib's tolerance of bare "&".
    await bot.send_message(USER, "<b>Kim & Lee</b>")
    lenient = FakeBotApi(strict_html=False)
    status, _ = lenient.handle(
        "sendMessage", {"chat_id": 1, "text": "<b>Kim & Lee</b>", "parse_mode": "HTML"}, {}
    )
    assert status == 200


async def test_text_length_counts_utf16_after_parsing(app: AnyApp, fake: FakeBotApi) -> None:
    """4096 UTF-16 units of visible text pass, one more fails; tags and entities don't count."""
    bot = app.bot
    await bot.send_message(USER, "a" * 4096)
    entities = "&amp;&lt;&gt;&quot;"
    await bot.send_message(USER, "<b>" + "a" * 4092 + "</b>" + entities, parse_mode="HTML")
    await bot.send_message(USER, "😀" * 2048)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "a" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(USER, "😀" * 2048 + "a")
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_document(USER, b"x", filename="x.txt", caption="c" * 1025)
    await bot.send_document(USER, b"x", filename="x.txt", caption="c" * 1024)
    assert len(fake.rejections) == 3


async def test_callback_data_limits(app: AnyApp, fake: FakeBotApi) -> None:
    """callback_data is limited to 64 UTF-8 bytes (and may not be empty), like Telegram."""

    def markup(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data=data)]])

    await app.bot.send_message(USER, "ok", reply_markup=markup("a" * 64))
    for data in ("a" * 65, "é" * 33, ""):
        with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
            await app.bot.send_message(USER, "x", reply_markup=markup(data))
    too_many = InlineKeyboardMarkup(
        [[InlineKeyboardButton(str(i), callback_data=str(i)) for i in range(8)]] * 13
    )
    with pytest.raises(BadRequest, match=r"(?i)reply markup is too long"):
        await app.bot.send_message(USER, "x", reply_markup=too_many)
    assert len(fake.rejections) == 4


async def test_unknown_method_is_recorded(app: AnyApp, fake: FakeBotApi) -> None:
    """Calls the fake doesn't model answer 404 and are listed in problems."""
    with pytest.raises(EndPointNotFound):
        await app.bot.do_api_request("frobnicateChat", api_kwargs={"chat_id": 1})
    assert len(fake.problems) == 1 and "frobnicateChat" in fake.problems[0]


async def test_blocked_user(app: AnyApp, fake: FakeBotApi) -> None:
    """A user who blocked the bot gives Forbidden until unblocked."""
    fake.block(USER)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await app.bot.send_message(USER, "hello?")
    fake.unblock(USER)
    await app.bot.send_message(USER, "hello!")
    assert [m.text for m in fake.sent(USER)] == ["hello!"]
    assert fake.faults[0].status == 403


async def test_fail_next(app: AnyApp, fake: FakeBotApi) -> None:
    """Injected failures hit the matching calls only, the given number of times."""
    fake.fail_next("sendMessage", retry_after=3)
    with pytest.raises(RetryAfter, match=r"(?i)Retry in 3 seconds"):
        await app.bot.send_message(USER, "a")
    fake.fail_next(chat_id=USER, description="Bad Request: chat not found", times=2)
    await app.bot.send_message(USER + 1, "other chat is fine")
    for _ in range(2):
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await app.bot.send_message(USER, "b")
    await app.bot.send_message(USER, "c")
    assert [m.text for m in fake.sent(USER)] == ["c"]


async def test_rate_limit(fake: FakeBotApi) -> None:
    """With a rate limit, bursts beyond it get 429 retry_after 1 and are counted."""
    limited = FakeBotApi(rate_limit_per_second=2)
    application = build_app(limited)
    await application.initialize()
    try:
        await application.bot.send_message(USER, "1")
        await application.bot.send_message(USER, "2")
        with pytest.raises(RetryAfter):
            await application.bot.send_message(USER, "3")
        await application.bot.send_chat_action(USER, "typing")
    finally:
        await application.shutdown()
    assert limited.too_many_requests == 1


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


async def test_thread_safety() -> None:
    """Message ids stay unique when threads and the event loop send at once."""
    fake = FakeBotApi()

    def worker() -> None:
        for i in range(100):
            assert fake.handle("sendMessage", {"chat_id": 5, "text": f"t{i}"}, {})[0] == 200

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for i in range(100):
        fake.handle("sendMessage", {"chat_id": 5, "text": f"loop{i}"}, {})
        await asyncio.sleep(0)
    for thread in threads:
        thread.join()
    ids = [m.message_id for m in fake.sent(5)]
    assert sorted(ids) == list(range(1, 501)) and ids == sorted(ids)


async def test_http_server_polling_and_files() -> None:
    """PTB's real HTTPXRequest, long polling and multipart uploads work against the server."""
    fake = FakeBotApi()
    with FakeBotApiServer(fake) as server:
        application = (
            ApplicationBuilder()
            .token("123:ABC")
            .base_url(server.base_url)
            .base_file_url(server.base_file_url)
            .build()
        )
        application.add_handler(CommandHandler("start", on_start))
        application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
        client = UserClient(application, fake, USER, "Kim")
        await application.initialize()
        try:
            await application.updater.start_polling(poll_interval=0, timeout=1)  # type: ignore[union-attr]
            await application.start()
            fake.push_update(client.text_update("/start"))
            fake.push_update(client.text_update("Kim & <friends>"))
            for _ in range(200):
                if len(fake.sent(USER)) >= 2:
                    break
                await asyncio.sleep(0.05)
            assert client.plain_texts() == ["Hello, Kim!", "echo: Kim & <friends>"]
            assert client.last().raw["chat"]["id"] == USER

            uploaded = await application.bot.send_document(
                USER,
                b"\x00binary\xff",
                filename="d\u00e9j\u00e0 vu.bin",
                caption="<i>x</i>",
                parse_mode="HTML",
            )
            stored = client.last_document()
            assert stored.data == b"\x00binary\xff" and stored.name == "d\u00e9j\u00e0 vu.bin"
            assert uploaded.document is not None
            downloaded = await (await uploaded.document.get_file()).download_as_bytearray()
            assert bytes(downloaded) == b"\x00binary\xff"
            keyboard_message = await application.bot.send_message(
                USER, "k", reply_markup=keyboard()
            )
            assert keyboard_message.reply_markup == keyboard()
        finally:
            if application.updater is not None and application.updater.running:
                await application.updater.stop()
            if application.running:
                await application.stop()
            await application.shutdown()
    assert fake.pending_updates() == []  # the updater confirmed them on shutdown
    assert fake.rejections == [] and fake.problems == []


async def test_long_poll_wakeup_and_conflict() -> None:
    """A waiting getUpdates returns as soon as an update is pushed; a second poller wins (409)."""
    fake = FakeBotApi()
    results: list[tuple[int, dict[str, Any]]] = []

    def poll(offset: int = 0) -> None:
        results.append(fake.handle("getUpdates", {"offset": offset, "timeout": 2}, {}))

    waiter = threading.Thread(target=poll)
    started = time.monotonic()
    waiter.start()
    await asyncio.sleep(0.05)
    fake.push_update(
        {"message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
    )
    waiter.join()
    assert time.monotonic() - started < 1
    assert results[0][0] == 200 and results[0][1]["result"][0]["update_id"] == 1

    waiter = threading.Thread(target=poll, args=(2,))
    waiter.start()
    await asyncio.sleep(0.05)
    status, body = fake.handle("getUpdates", {"offset": 2, "timeout": 0}, {})
    waiter.join()
    assert (status, body["result"]) == (200, [])
    assert results[1][0] == 409 and fake.pending_updates() == []

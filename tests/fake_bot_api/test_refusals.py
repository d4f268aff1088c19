"""Self-tests: the fake refuses what Telegram refuses, and fails on demand."""

from __future__ import annotations

import pytest
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, EndPointNotFound, Forbidden, RetryAfter

from fake_bot_api import FakeBotApi
from tests.fake_bot_api.tiny_bot import (
    USER,
    AnyApp,
    build_app,
)

pytestmark = pytest.mark.asyncio


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

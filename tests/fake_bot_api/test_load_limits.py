"""Self-tests: under load the fake refuses what Telegram refuses, on a clock the test drives."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ApplicationBuilder

from fake_bot_api import FakeBotApi, FakeBotApiServer, SentFile
from fake_bot_api.limits import (
    CHAT_LIMITED_METHODS,
    GLOBAL_LIMITED_METHODS,
    QUERY_TOO_OLD,
)
from tests.fake_bot_api.tiny_bot import USER, build_app
from tests.support.client import UserClient

OTHER = USER + 1


class VirtualClock:
    """A monotonic clock that only moves when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let `seconds` pass."""
        self.now += seconds


def too_many(retry_after: int) -> tuple[int, dict[str, Any]]:
    """Telegram's answer over a limit, exactly."""
    return 429, {
        "ok": False,
        "error_code": 429,
        "description": f"Too Many Requests: retry after {retry_after}",
        "parameters": {"retry_after": retry_after},
    }


def send(fake: FakeBotApi, chat_id: int, text: str) -> tuple[int, dict[str, Any]]:
    """sendMessage straight into the fake."""
    return fake.handle("sendMessage", {"chat_id": chat_id, "text": text}, {})


def counters(fake: FakeBotApi) -> tuple[int, int, int, int]:
    """(total 429s, global 429s, per-chat 429s, late callback answers)."""
    return (
        fake.too_many_requests,
        fake.too_many_global,
        fake.too_many_per_chat,
        fake.late_callback_answers,
    )


def test_method_sets() -> None:
    """New messages count globally; new messages and edits count per chat."""
    sends = {"sendMessage", "sendDocument", "sendPhoto"}
    edits = {"editMessageText", "editMessageCaption", "editMessageReplyMarkup"}
    assert (set(GLOBAL_LIMITED_METHODS), set(CHAT_LIMITED_METHODS)) == (sends, sends | edits)


def test_per_chat_burst_then_refusal_and_refill() -> None:
    """A chat takes a burst, then 429s until a token refills; it never stores more than a burst."""
    clock = VirtualClock()
    fake = FakeBotApi(per_chat_burst=3, per_chat_per_second=0.25, monotonic=clock)
    assert [send(fake, USER, str(i))[0] for i in range(3)] == [200, 200, 200]
    assert send(fake, USER, "3") == too_many(4)
    clock.advance(1.5)
    assert send(fake, USER, "4") == too_many(3)  # 2.5 s to the next token, rounded up
    clock.advance(2.4)
    assert send(fake, USER, "5") == too_many(1)  # 0.1 s left still answers 1
    clock.advance(0.1)
    assert send(fake, USER, "6")[0] == 200
    assert send(fake, USER, "7") == too_many(4)
    clock.advance(3600)
    assert [send(fake, USER, str(i))[0] for i in range(8, 12)] == [200, 200, 200, 429]
    assert [m.text for m in fake.sent(USER)] == ["0", "1", "2", "6", "8", "9", "10"]
    assert counters(fake) == (5, 0, 5, 0)


def test_refused_calls_spend_nothing() -> None:
    """Retrying while refused neither delays the next token nor fills the global window."""
    clock = VirtualClock()
    fake = FakeBotApi(rate_limit_per_second=2, per_chat_burst=1, monotonic=clock)
    assert send(fake, USER, "a")[0] == 200
    for _ in range(5):
        clock.advance(0.1)
        assert send(fake, USER, "again") == too_many(1)
    assert send(fake, OTHER, "b")[0] == 200  # the refused calls took no global slot
    assert send(fake, OTHER + 1, "c") == too_many(1)  # the global window is full now
    clock.advance(0.5)  # one second after "a": the chat has a token again, the window room
    assert send(fake, USER, "d")[0] == 200
    assert [m.text for m in fake.sent(USER)] == ["a", "d"]
    assert [m.text for m in fake.all_sent()] == ["a", "b", "d"]
    assert len(fake.calls_to("sendMessage")) == 9  # every call is recorded, refused or not
    assert [r.status for r in fake.faults] == [429] * 6
    assert fake.rejections == []
    assert counters(fake) == (6, 1, 5, 0)


def test_other_chats_are_unaffected() -> None:
    """Each chat has its own bucket: one chat at its limit doesn't slow another."""
    clock = VirtualClock()
    fake = FakeBotApi(per_chat_burst=1, monotonic=clock)
    assert send(fake, USER, "a")[0] == 200
    assert send(fake, USER, "b") == too_many(1)
    assert send(fake, OTHER, "c")[0] == 200
    assert send(fake, OTHER, "d") == too_many(1)
    assert fake.handle("sendChatAction", {"chat_id": USER, "action": "typing"})[0] == 200
    assert [m.text for m in fake.all_sent()] == ["a", "c"]
    assert counters(fake) == (2, 0, 2, 0)


def test_edits_count_per_chat_not_globally() -> None:
    """The three edit methods spend the chat's tokens but leave the global window alone."""
    clock = VirtualClock()
    fake = FakeBotApi(rate_limit_per_second=2, per_chat_burst=5, monotonic=clock)
    text_id = send(fake, USER, "v0")[1]["result"]["message_id"]
    status, body = fake.handle(
        "sendDocument",
        {"chat_id": USER, "caption": "c0"},
        {"document": SentFile(name="a.txt", data=b"a", mime="text/plain")},
    )
    assert status == 200
    document_id = body["result"]["message_id"]
    button = {"inline_keyboard": [[{"text": "b", "callback_data": "b"}]]}
    edits = [
        ("editMessageText", {"message_id": text_id, "text": "v1"}),
        ("editMessageReplyMarkup", {"message_id": text_id, "reply_markup": button}),
        ("editMessageCaption", {"message_id": document_id, "caption": "c1"}),
    ]
    for method, params in edits:
        assert fake.handle(method, {"chat_id": USER, **params})[0] == 200
    refused = fake.handle("editMessageText", {"chat_id": USER, "message_id": text_id, "text": "x"})
    assert refused == too_many(1)
    assert fake.message(USER, text_id) is not None
    assert fake.message(USER, text_id).text == "v1"  # type: ignore[union-attr]
    assert counters(fake) == (1, 0, 1, 0)
    clock.advance(0.5)  # the two sends filled the window; three edits did not add to it
    assert send(fake, OTHER, "global") == too_many(1)
    clock.advance(0.5)
    assert send(fake, OTHER, "global")[0] == 200
    assert counters(fake) == (2, 1, 1, 0)


def test_global_limit_reads_the_injected_clock() -> None:
    """The global window moves with the injected clock; below 1/s retry_after is the real wait."""
    clock = VirtualClock()
    fake = FakeBotApi(rate_limit_per_second=30, monotonic=clock)
    assert {send(fake, USER + i, "x")[0] for i in range(30)} == {200}
    assert send(fake, USER, "31st") == too_many(1)
    clock.advance(0.999)
    assert send(fake, USER, "31st") == too_many(1)
    clock.advance(0.001)
    assert send(fake, USER, "31st")[0] == 200
    assert fake.handle("sendChatAction", {"chat_id": USER, "action": "typing"})[0] == 200
    assert counters(fake) == (2, 2, 0, 0)

    slow = FakeBotApi(rate_limit_per_second=0.5, monotonic=clock)
    assert send(slow, USER, "a")[0] == 200
    clock.advance(0.5)
    assert send(slow, OTHER, "b") == too_many(2)
    clock.advance(1.4)
    assert send(slow, OTHER, "b") == too_many(1)
    clock.advance(0.1)
    assert send(slow, OTHER, "b")[0] == 200
    assert counters(slow) == (2, 2, 0, 0)


def answer(fake: FakeBotApi, query_id: str) -> tuple[int, dict[str, Any]]:
    """answerCallbackQuery straight into the fake."""
    return fake.handle("answerCallbackQuery", {"callback_query_id": query_id}, {})


def test_late_and_second_callback_answers() -> None:
    """An answer up to 15 s after the query passes; later, or a second one, is "too old"."""
    clock = VirtualClock()
    fake = FakeBotApi(monotonic=clock)
    too_old = (400, {"ok": False, "error_code": 400, "description": QUERY_TOO_OLD})
    fake.register_callback_query("in-time")
    fake.register_callback_query("late")
    clock.advance(15)
    fake.register_callback_query("in-time")  # registering again keeps the first issue time
    assert answer(fake, "in-time") == (200, {"ok": True, "result": True})
    assert answer(fake, "in-time") == too_old
    clock.advance(0.001)
    assert answer(fake, "late") == too_old
    assert answer(fake, "late") == too_old
    assert answer(fake, "never-issued") == (200, {"ok": True, "result": True})
    assert [a["callback_query_id"] for a in fake.callback_answers] == ["in-time", "never-issued"]
    assert [r.description for r in fake.rejections] == [QUERY_TOO_OLD] * 3
    assert counters(fake) == (0, 0, 0, 2)

    patient = FakeBotApi(callback_answer_seconds=None, monotonic=clock)
    patient.register_callback_query("q")
    clock.advance(86400)
    assert answer(patient, "q")[0] == 200
    assert patient.late_callback_answers == 0


def test_pushed_update_issues_its_query() -> None:
    """A callback query queued for getUpdates is issued when pushed, like one the client feeds."""
    clock = VirtualClock()
    fake = FakeBotApi(callback_answer_seconds=2, monotonic=clock)
    query = {"id": "pushed", "from": {"id": USER, "is_bot": False, "first_name": "Kim"}}
    fake.push_update({"callback_query": {**query, "chat_instance": "ci", "data": "x"}})
    clock.advance(2.5)
    assert answer(fake, "pushed")[1]["description"] == QUERY_TOO_OLD
    assert fake.late_callback_answers == 1


async def test_bot_answering_late_gets_bad_request() -> None:
    """The bot's own answer to a query fed after the timeout fails inside the handler."""
    clock = VirtualClock()
    fake = FakeBotApi(monotonic=clock)
    app = build_app(fake)
    await app.initialize()
    try:
        user = UserClient(app, fake, USER, "Kim")
        await user.command("start")
        update = user.callback_update("skip", user.last())
        clock.advance(16)
        await user.feed(update)  # PTB logs the handler's BadRequest; the fake records it
        with pytest.raises(BadRequest, match=r"^Query is too old"):
            await app.bot.answer_callback_query(update["callback_query"]["id"])
    finally:
        await app.shutdown()
    assert [r.method for r in fake.rejections] == ["answerCallbackQuery"] * 2
    assert fake.late_callback_answers == 2
    assert fake.callback_answers == []
    assert user.last().buttons == ["👍 Like", "Skip", "Docs"]  # the handler stopped at answer()


async def second_message_refused(app, chat: int) -> None:
    """One message goes through; the next to the same chat is PTB's RetryAfter of 5 s."""
    await app.initialize()
    try:
        await app.bot.send_message(chat, "first")
        with pytest.raises(RetryAfter, match=r"^Flood control exceeded\. Retry in 5 seconds$"):
            await app.bot.send_message(chat, "refused")
    finally:
        await app.shutdown()


async def test_limits_over_ptb_and_http() -> None:
    """PTB sees RetryAfter in process and over HTTP; the wire answer is Telegram's 429."""
    clock = VirtualClock()
    fake = FakeBotApi(per_chat_burst=1, per_chat_per_second=0.2, monotonic=clock)
    await second_message_refused(build_app(fake), USER)
    with FakeBotApiServer(fake) as server:
        http_app = ApplicationBuilder().token("123:ABC").base_url(server.base_url).build()
        await second_message_refused(http_app, OTHER)
        request = urllib.request.Request(
            f"{server.base_url}123:ABC/sendMessage",
            data=json.dumps({"chat_id": OTHER, "text": "raw"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        clock.advance(1)
        with pytest.raises(urllib.error.HTTPError) as refused:
            await asyncio.to_thread(urllib.request.urlopen, request, timeout=10)
        assert (refused.value.code, json.loads(refused.value.read())) == too_many(4)
    assert [m.text for m in fake.all_sent()] == ["first", "first"]
    assert counters(fake) == (3, 0, 3, 0)

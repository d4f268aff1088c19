"""Self-tests of the fake's transports: threads, HTTP server, long polling."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from telegram.ext import (
    ApplicationBuilder,
    CommandHandler,
    MessageHandler,
    filters,
)

from fake_bot_api import FakeBotApi, FakeBotApiServer, limits
from tests.fake_bot_api.tiny_bot import (
    USER,
    keyboard,
    on_start,
    on_text,
)
from tests.support.client import UserClient

pytestmark = pytest.mark.asyncio


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


async def test_long_poll_wakeup_and_conflict(monkeypatch: pytest.MonkeyPatch) -> None:
    """A waiting getUpdates returns when an update is pushed, not at its timeout; a second poller
    wins (409). How quickly it wakes is printed by `python -m benchmarks.polling`."""
    monkeypatch.setattr(limits, "LONG_POLL_CAP_SECONDS", 3600.0)
    fake = FakeBotApi()
    results: list[tuple[int, dict[str, Any]]] = []

    def poll(offset: int = 0, timeout: float = 2) -> None:
        results.append(fake.handle("getUpdates", {"offset": offset, "timeout": timeout}, {}))

    waiter = threading.Thread(target=poll, kwargs={"timeout": 3600}, daemon=True)
    waiter.start()
    await asyncio.sleep(0.05)
    fake.push_update(
        {"message": {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "private"}}}
    )
    waiter.join(timeout=60)  # only a guard against hanging: unwoken, the poll would wait an hour
    woke = not waiter.is_alive()
    fake.interrupt_waiters()
    assert woke, "the long poll did not return when the update arrived"
    assert results[0][0] == 200 and results[0][1]["result"][0]["update_id"] == 1

    waiter = threading.Thread(target=poll, args=(2,))
    waiter.start()
    await asyncio.sleep(0.05)
    status, body = fake.handle("getUpdates", {"offset": 2, "timeout": 0}, {})
    waiter.join()
    assert (status, body["result"]) == (200, [])
    assert results[1][0] == 409 and fake.pending_updates() == []

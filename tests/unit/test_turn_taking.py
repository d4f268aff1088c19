"""Updates run person by person: a crowd's replies waiting for their turn to be sent hold up
neither a press nor the crowd itself (commands beyond the cap wait their turn)."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import CallbackQuery, Update

from bot.turn_taking import MAX_MESSAGES, PersonByPerson
from tests.support.virtual_time import VirtualTimer


def update(user_id: int, update_id: int, *, press: bool = False) -> Update:
    """A /start from one person, or their press of a button."""
    user = {"id": user_id, "is_bot": False, "first_name": "Guest"}
    chat = {"id": user_id, "type": "private", "first_name": "Guest"}
    message = {"message_id": 1, "date": 0, "chat": chat, "from": user, "text": "/start"}
    if press:
        query = {"id": f"q{update_id}", "from": user, "chat_instance": "c", "data": "ok"}
        return Update.de_json({"update_id": update_id, "callback_query": query}, None)
    return Update.de_json({"update_id": update_id, "message": message}, None)


async def no_answer(_query: CallbackQuery, _slow_down: bool) -> Any:
    return None


async def test_a_press_is_handled_while_a_crowd_of_replies_waits_to_be_sent():
    processor = PersonByPerson(answer=no_answer, timer=VirtualTimer())
    sent = asyncio.Event()
    started: list[int] = []

    async def reply_waiting_to_be_sent(user_id: int) -> None:
        started.append(user_id)
        await sent.wait()  # as a /start reply waits for the send scheduler during a rush

    crowd = [
        asyncio.create_task(
            processor.process_update(update(uid, uid), reply_waiting_to_be_sent(uid))
        )
        for uid in range(1000, 2000)
    ]
    for _ in range(5):
        await asyncio.sleep(0)
    pressed = asyncio.Event()

    async def press() -> None:
        pressed.set()

    assert len(started) == MAX_MESSAGES  # the others wait for a turn, costing nothing meanwhile
    # Telegram gives a press 15 s for its answer: it must not queue behind the crowd.
    await asyncio.wait_for(processor.process_update(update(5, 5, press=True), press()), 1.0)
    assert pressed.is_set()
    sent.set()
    await asyncio.gather(*crowd)
    assert sorted(started) == list(range(1000, 2000))


async def test_a_press_still_waits_for_the_same_persons_earlier_message():
    processor = PersonByPerson(answer=no_answer, timer=VirtualTimer())
    order: list[str] = []
    handled = asyncio.Event()

    async def message() -> None:
        order.append("message")
        await handled.wait()

    async def press() -> None:
        order.append("press")

    first = asyncio.create_task(processor.process_update(update(7, 1), message()))
    await asyncio.sleep(0)
    second = asyncio.create_task(processor.process_update(update(7, 2, press=True), press()))
    for _ in range(5):
        await asyncio.sleep(0)
    assert order == ["message"]
    handled.set()
    await asyncio.gather(first, second)
    assert order == ["message", "press"]

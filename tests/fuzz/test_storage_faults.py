"""The database failing at the worst moment (locked, or the connection dropped at commit) during
a booking, a broadcast and a survey answer: nothing is half-written, the person is told so
politely in their language, their retry works, and nothing is sent twice."""

from __future__ import annotations

from collections import Counter

import pytest

from handlers.i18n import Translator
from handlers.routes import BROADCAST_AUDIENCE, BROADCAST_SEND, REQUEST_ACCEPT, SURVEY_CHANGE
from tests.support.faults import COMMIT_FAULTS, CommitFault
from tests.support.fuzz_world import (
    ATTENDEE,
    BYSTANDER,
    CAST,
    FIGURES,
    ORGANISER,
    SURVEY_TEXT_KEY,
    World,
)
from tests.support.invariants import snapshot

BOTH = pytest.mark.parametrize("world", ["sqlite", "postgresql"], indirect=True)
SORRY = {lang: Translator(lang)("error.generic") for lang in ("en", "ko")}


async def rows(world: World) -> dict[str, list[dict]]:
    return await snapshot(world.bot.settings.database.url, world.bot.uow)


def sent_twice(world: World, since: dict[int, int]) -> list[str]:
    """Messages that reached one chat twice since `since` (chat → how many it had then)."""
    twice = []
    for uid in world.users:
        new = world.bot.fake.sent(uid)[since.get(uid, 0) :]
        seen = Counter((m.text, m.document.name if m.document else None) for m in new)
        twice += [f"{uid}: {text[:60]!r}" for (text, _), n in seen.items() if n > 1]
    return twice


def on_message(user, data: str) -> int:
    """The id of the message in the chat that carries a button with this data."""
    for message in reversed(user.messages()):
        if any(b.get("callback_data") == data for b in message.inline_buttons):
            return message.message_id
    raise AssertionError(f"no button {data!r} in the chat of {user.user_id}")


def counts(world: World) -> dict[int, int]:
    return {uid: len(world.bot.fake.sent(uid)) for uid in world.users}


def apologised(world: World, uid: int, language: str, since: int) -> None:
    """The person got the polite error text in their language, and the error was the fault."""
    new = [m.text for m in world.bot.fake.sent(uid)[since:]]
    assert SORRY[language] in new, f"no apology in {language}, only {new}"
    assert world.bot.errors and all(CommitFault.is_fault(e) for e in world.bot.errors)
    world.bot.errors.clear()
    world.log.records.clear()


async def fail_then_retry(world, monkeypatch, kind, uid, language, action, nth=1) -> None:
    """Run `action` with the nth commit failing: the database is as before, the person got the
    apology; then run it again without the fault."""
    before, since = await rows(world), len(world.bot.fake.sent(uid))
    fault = CommitFault(monkeypatch, kind, nth)
    await action()
    assert fault.fired, "the operation made no commit to fail"
    FIGURES["fault cases"] += 1
    apologised(world, uid, language, since)
    if nth == 1:
        assert await rows(world) == before, "the failed transaction left something behind"
    monkeypatch.undo()
    await world.settle()
    await action()


@BOTH
@pytest.mark.parametrize("kind", COMMIT_FAULTS)
async def test_booking(world, kind, monkeypatch):
    attendee = world.users[ATTENDEE]
    await world.step(ATTENDEE, "/meetings", attendee.command("meetings"))
    press = REQUEST_ACCEPT.pack(world.ids.request_to_me, world.ids.slot_keys[2])
    message = on_message(attendee, press)
    since = counts(world)

    await fail_then_retry(
        world,
        monkeypatch,
        kind,
        ATTENDEE,
        "en",
        lambda: attendee.press_data(press, message_id=message),
    )
    await world.step(ATTENDEE, "retried", world.bot.dispatch())
    assert "booked" in attendee.message(message).plain
    meetings = world.rows("meetings", request_id=world.ids.request_to_me)
    assert len(meetings) == 1 and meetings[0]["status"] == "booked"
    assert any("Ji-woo Kim" in m.text for m in world.bot.fake.sent(BYSTANDER)[since[BYSTANDER] :])
    assert sent_twice(world, since) == []


@BOTH
@pytest.mark.parametrize("kind", COMMIT_FAULTS)
async def test_survey_answer_in_korean(world, kind, monkeypatch):
    attendee = world.users[ATTENDEE]
    await world.step(ATTENDEE, "/language", attendee.press_data("lang:ko"))
    await world.step(ATTENDEE, "change", attendee.press_data(SURVEY_CHANGE.pack(SURVEY_TEXT_KEY)))
    since = counts(world)

    await fail_then_retry(
        world, monkeypatch, kind, ATTENDEE, "ko", lambda: attendee.send("Better coffee")
    )
    await world.step(ATTENDEE, "retried", world.bot.dispatch())
    [answer] = world.rows("survey_answers", telegram_id=ATTENDEE, question_key=SURVEY_TEXT_KEY)
    assert answer["value"] == {"v": "Better coffee"}
    assert "Better coffee" in attendee.last().text
    assert sent_twice(world, since) == []


@BOTH
@pytest.mark.parametrize(("kind", "nth"), [("locked", 1), ("dropped", 1), ("locked", 2)])
async def test_broadcast(world, kind, nth, monkeypatch):
    """nth=1: the send itself fails; nth=2: the broadcast is queued, then storing its progress
    message fails: it still goes out once, and pressing Send again adds nothing."""
    organiser = world.users[ORGANISER]
    await world.step(ORGANISER, "/broadcast", organiser.command("broadcast"))
    await world.step(ORGANISER, "compose", organiser.send("Coffee at 15:00"))
    [draft] = world.rows("broadcasts", status="draft")
    await world.step(
        ORGANISER, "all", organiser.press_data(BROADCAST_AUDIENCE.pack(draft["id"], "all"))
    )
    since = counts(world)
    send = BROADCAST_SEND.pack(draft["id"])

    await fail_then_retry(
        world, monkeypatch, kind, ORGANISER, "en", lambda: organiser.press_data(send), nth
    )
    world.bot.fake.rejections.clear()  # a second press may edit nothing new
    await world.step(ORGANISER, "retried", world.bot.dispatch())
    for uid in CAST:
        got = [m for m in world.bot.fake.sent(uid)[since[uid] :] if m.text == "Coffee at 15:00"]
        assert len(got) == 1, f"{uid} got the broadcast {len(got)} times"
    assert len(world.rows("broadcasts")) == 1
    twice = sent_twice(world, since)
    if nth == 2:  # the retry shows a second progress message: the first one's id was lost
        twice.remove(f"{ORGANISER}: '📣 Sending… 0 / 5'")
    assert twice == []


@pytest.mark.parametrize("kind", COMMIT_FAULTS)
async def test_the_outbox_claim_failing_sends_nothing_until_the_next_pass(world, kind, monkeypatch):
    attendee = world.users[ATTENDEE]
    slot = world.ids.slot_keys[2]
    await world.step(
        ATTENDEE,
        "accept",
        attendee.press_data(REQUEST_ACCEPT.pack(world.ids.request_to_me, slot)),
        check=False,
    )
    since = counts(world)
    fault = CommitFault(monkeypatch, kind, 1)
    with pytest.raises(Exception, match=r"locked|closed") as raised:
        await world.bot.dispatch()
    assert fault.fired and CommitFault.is_fault(raised.value)
    FIGURES["fault cases"] += 1
    assert counts(world) == since, "something was sent although its claim failed"
    monkeypatch.undo()
    world.log.records.clear()
    await world.step(ATTENDEE, "next pass", world.bot.dispatch())
    assert counts(world)[BYSTANDER] > since[BYSTANDER]
    assert sent_twice(world, since) == []

"""The Bot API answering 429, 400, 403 or not at all (a timeout) on each kind of send: a reply,
an edit, a document and an outbox message. Flood control is waited out, a refused edit becomes
a new message, a failed reply becomes the apology in the person's language, a timed-out outbox
message goes out once on the next pass, and nothing is ever sent twice."""

from __future__ import annotations

from collections import Counter

import pytest
from telegram.error import BadRequest, Forbidden, TimedOut

from fake_bot_api import SentMessage
from handlers.i18n import Translator
from handlers.routes import LANGUAGE, REQUEST_ACCEPT
from tests.support.faults import time_out_once
from tests.support.fuzz_world import ATTENDEE, BYSTANDER, FIGURES, World

KO = Translator("ko")
SORRY = KO("error.generic")
FAULTS = ("429", "400", "403", "timeout")
#: The Bot API method each kind of send uses, and whose chat it goes to.
SENDS = {
    "reply": ("sendMessage", ATTENDEE),
    "edit": ("editMessageText", ATTENDEE),
    "document": ("sendDocument", ATTENDEE),
    "outbox": ("sendDocument", BYSTANDER),  # the confirmation carries the .ics
}


async def prepare(world: World, kind: str) -> None:
    """The attendee speaks Korean; the screen the send comes from is open."""
    attendee = world.users[ATTENDEE]
    await world.bot.services.people.onboarding.set_language(ATTENDEE, "ko")
    if kind == "edit":
        await world.step(ATTENDEE, "/language", attendee.command("language"))
    if kind in ("document", "outbox"):
        await world.step(ATTENDEE, "/meetings", attendee.command("meetings"))


async def trigger(world: World, kind: str) -> None:
    """The action whose send fails: /meetings, a language choice that edits its message, or
    accepting a request (the .ics document to the attendee, the outbox message to the other)."""
    attendee = world.users[ATTENDEE]
    if kind == "reply":
        await attendee.command("meetings")
    elif kind == "edit":
        await attendee.press_data(LANGUAGE.pack("ko"))
    else:
        await attendee.press_data(
            REQUEST_ACCEPT.pack(world.ids.request_to_me, world.ids.slot_keys[2])
        )


def arm(world: World, monkeypatch: pytest.MonkeyPatch, fault: str, method: str, chat: int) -> None:
    fake = world.bot.fake
    if fault == "429":
        fake.fail_next(method, chat_id=chat, retry_after=2)
    elif fault == "400":
        fake.fail_next(method, chat_id=chat, status=400, description="Bad Request: injected")
    elif fault == "403":
        fake.block(chat)
    else:
        time_out_once(monkeypatch, fake, method, chat)


def new(world: World, uid: int, since: dict[int, int]) -> list[SentMessage]:
    return [m for m in world.bot.fake.sent(uid)[since[uid] :] if not m.deleted]


def errors_were(world: World, kind: type[Exception]) -> None:
    """The handler's error was the injected one (then forgotten with its log lines)."""
    assert world.bot.errors and all(isinstance(e, kind) for e in world.bot.errors)
    world.bot.errors.clear()
    world.log.records.clear()


async def outbox_row(world: World) -> dict:
    """The booking's confirmation to the bystander (the new meeting's first version)."""
    await world.settle()
    [meeting] = world.rows("meetings", request_id=world.ids.request_to_me)
    [row] = world.rows("outbox", dedupe_key=f"meeting:{meeting['id']}:s0:{BYSTANDER}")
    return row


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("kind", list(SENDS))
async def test_a_failed_send(world, monkeypatch, kind, fault):
    await prepare(world, kind)
    method, chat = SENDS[kind]
    since = {uid: len(world.bot.fake.sent(uid)) for uid in world.users}
    arm(world, monkeypatch, fault, method, chat)
    await trigger(world, kind)
    await world.bot.dispatch()
    FIGURES["fault cases"] += 1
    attendee, other = new(world, ATTENDEE, since), new(world, BYSTANDER, since)
    texts = [m.text for m in attendee]
    if fault == "403":
        world.bot.fake.unblock(chat)
    if kind == "outbox":
        await check_outbox(world, fault, other, since)
    elif fault == "429":  # waited out and sent once: nobody notices
        assert not world.bot.errors
        if kind == "edit":
            assert attendee == [] and KO("language.set") in world.users[ATTENDEE].last().text
        else:
            assert len(attendee) == 1 and SORRY not in texts
    elif fault == "403":  # blocked: nothing more to say, and no error worth a traceback
        assert attendee == []
        assert not world.log.records, [r.getMessage() for r in world.log.records]
        errors_were(world, Forbidden)
    elif kind == "edit" and fault == "400":  # the message is gone: the text comes anew
        assert texts == [KO("language.set")] and not world.bot.errors
    else:  # 400 or no answer: the apology, in Korean
        assert texts[-1] == SORRY and texts.count(SORRY) == 1
        errors_were(world, BadRequest if fault == "400" else TimedOut)
    if kind == "document":  # the booking stands whatever happened to its .ics
        await world.settle()
        assert len(world.rows("meetings", request_id=world.ids.request_to_me)) == 1
    world.bot.clock.advance(minutes=5)
    await world.step(ATTENDEE, "later", world.bot.dispatch())
    assert not twice(world, since), f"sent twice: {twice(world, since)}"


async def check_outbox(world: World, fault: str, other: list[SentMessage], since) -> None:
    """429: sent once in the same pass; 400: failed for good; 403: the person is unreachable;
    no answer: sent once on the next pass."""
    row = await outbox_row(world)
    if fault == "429":
        assert len(other) == 1 and row["status"] == "sent"
    elif fault == "400":
        assert other == [] and row["status"] == "failed" and "Injected" in row["last_error"]
    elif fault == "403":
        assert other == [] and row["status"] == "unreachable"
        assert world.rows("people", telegram_id=BYSTANDER)[0]["unreachable_at"] is not None
    else:
        assert other == [] and row["status"] == "pending"
        world.bot.clock.advance(minutes=5)
        await world.bot.dispatch()
        assert len(new(world, BYSTANDER, since)) == 1
        assert (await outbox_row(world))["status"] == "sent"


def twice(world: World, since: dict[int, int]) -> list[str]:
    found = []
    for uid in (ATTENDEE, BYSTANDER):
        seen = Counter(
            (m.text, m.document.name if m.document else None) for m in new(world, uid, since)
        )
        found += [f"{uid}: {text[:50]!r}" for (text, _), n in seen.items() if n > 1]
    return found

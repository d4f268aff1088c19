"""The event-day minute, on Telegram's limits: a person hammering the bot does not hurt others,
and a running broadcast steps aside for people who are just starting."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy import insert

from benchmarks.broadcast_audience import FIRST_ID, people, person_values, profile_values
from bot.app import dispatcher_of, scheduler_of
from bot.send_limits import GLOBAL_LIMITED_METHODS, Priority
from core.outbox.model import OutgoingMessage
from handlers.i18n import Translator
from storage.people.rows import PersonRow, ProfileRow
from tests.support.journeys import DEFAULT_ANSWERS, onboard

EN = Translator("en")
PRIVACY_ACCEPT = EN("privacy.accept")
ORGANISER = 4242


def sends_to(bot, chat_id: int) -> int:
    return sum(
        1
        for c in bot.fake.calls
        if c.method in GLOBAL_LIMITED_METHODS and c.params.get("chat_id") == chat_id
    )


async def test_one_person_flooding_does_not_hurt_the_others(make_bot, caplog):
    caplog.set_level(logging.WARNING)
    bot = await make_bot()
    flooder = bot.client(7001, "Flood", live=True)
    others = [bot.client(7002 + n, f"Calm{n}", live=True) for n in range(2)]
    await flooder.command("start")
    notice = flooder.last()
    accept = next(b["callback_data"] for b in notice.inline_buttons if "accept" in b["text"])

    async def flood() -> None:
        """60 presses and texts in 3 s: Accept again and again, a command, some typing."""
        tasks = []
        for n in range(60):
            if n % 3 == 0:
                update = flooder.text_update(f"answer {n}")
            elif n % 7 == 0:
                update = flooder.text_update("/start")
            else:
                update = flooder.callback_update(accept, notice)
            flooder.fake.note_update(update)
            tasks.append(asyncio.create_task(flooder.feed(update)))
            await asyncio.sleep(0)
            bot.timer.advance(0.05)
        await asyncio.gather(*tasks)

    await asyncio.gather(flood(), *(onboard(user) for user in others))

    # The others finished their profiles as if nobody else were there.
    for user in others:
        assert "🎉 Your profile is complete!" in user.plain_texts()[-1]
        async with bot.uow() as uow:
            profile = await uow.profiles.get(user.user_id)
        assert profile is not None and profile.offers == DEFAULT_ANSWERS["offers"]
    # The flooder is in one consistent state: consented once, the questions started once.
    async with bot.uow() as uow:
        person = await uow.people.get(7001)
    assert person is not None and person.consent_version is not None
    # Every press was answered (no spinner left), and "slow down" was said at most once.
    pressed = list(flooder._query_ids)
    answered = {a["callback_query_id"] for a in bot.fake.callback_answers}
    assert set(pressed) <= answered
    slow = [a for a in bot.fake.callback_answers if a.get("text") == EN("buttons.slow_down")]
    assert len(slow) <= 1
    assert bot.app.update_processor.dropped > 20  # coalesced, not queued behind the others
    # Replies to the flooder kept the per-chat pace; nothing over a limit, no traceback.
    assert bot.fake.too_many_requests == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert sends_to(bot, 7001) < 60


def calls_on_entry(bot, monkeypatch) -> dict[int, int]:
    """For each chat, how many Bot API calls had been made when its first message asked the
    send scheduler for a turn."""
    scheduler = scheduler_of(bot.app)
    original = scheduler.process_request
    entered: dict[int, int] = {}

    async def process_request(callback, args, kwargs, endpoint, data, rate_limit_args):
        if endpoint == "sendMessage":
            entered.setdefault(data["chat_id"], len(bot.fake.calls))
        return await original(callback, args, kwargs, endpoint, data, rate_limit_args)

    monkeypatch.setattr(scheduler, "process_request", process_request)
    return entered


async def seed_audience(bot, n: int, now: datetime) -> None:
    async with bot.uow() as uow:
        pairs = list(people(n, now))
        await uow.session.execute(insert(PersonRow), [person_values(p) for p, _ in pairs])
        await uow.session.execute(insert(ProfileRow), [profile_values(p) for _, p in pairs])
        await uow.commit()


def signal_after(fake, monkeypatch, calls: int) -> asyncio.Event:
    """An event set once the bot made this many calls (a wait that costs no virtual time)."""
    reached = asyncio.Event()
    seen = {"calls": 0}
    original = fake.do_request

    async def do_request(*args, **kwargs):
        seen["calls"] += 1
        if seen["calls"] == calls:
            reached.set()
        return await original(*args, **kwargs)

    monkeypatch.setattr(fake, "do_request", do_request)
    return reached


async def test_people_starting_during_a_broadcast_are_answered_before_it_goes_on(
    make_bot, monkeypatch
):
    bot = await make_bot(organisers={"telegram_ids": [ORGANISER]})
    await seed_audience(bot, 150, bot.clock.now())
    broadcasts = bot.services.outreach.broadcasts
    message = OutgoingMessage(text="Coffee is served in Hall B.")
    draft = await broadcasts.draft(ORGANISER, message, now=bot.clock.now())
    broadcast_id = draft.broadcast.id
    await broadcasts.target(ORGANISER, broadcast_id, "all")
    await broadcasts.send(ORGANISER, broadcast_id, now=bot.clock.now())

    under_way = signal_after(bot.fake, monkeypatch, 10)
    sending = asyncio.create_task(dispatcher_of(bot.app).run_once())
    await under_way.wait()
    newcomers = [bot.client(8000 + n, f"New{n}", live=True) for n in range(30)]
    entered = calls_on_entry(bot, monkeypatch)
    await asyncio.gather(*(user.command("start") for user in newcomers))
    await sending

    # Every notice went out as soon as it was ready: from the moment it asked for its turn, at most
    # the broadcast sends already admitted (one per outbox sender) went before it.
    in_flight = dispatcher_of(bot.app).in_flight
    calls = bot.fake.calls
    for user in newcomers:
        assert PRIVACY_ACCEPT in str(user.last().buttons)
        (notice_at,) = [
            i
            for i, c in enumerate(calls)
            if c.method == "sendMessage" and c.params["chat_id"] == user.user_id
        ]
        asked_at = entered[user.user_id]
        overtaken = [
            c
            for c in calls[asked_at:notice_at]
            if c.method == "sendMessage" and c.params["chat_id"] >= FIRST_ID
        ]
        assert len(overtaken) <= in_flight, (user.user_id, len(overtaken))
    # The broadcast still reached everyone, once each.
    for pid in range(FIRST_ID, FIRST_ID + 150):
        assert sends_to(bot, pid) == 1, pid
    stats = scheduler_of(bot.app).stats.admitted_by_priority
    assert stats[Priority.INTERACTIVE] >= 30 and stats[Priority.BROADCAST] == 150

"""The durable outbox: retry after flood control, blocked users, restarts, duplicates."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

import bot.dispatcher as dispatcher_module
from bot.app import dispatcher_of, scheduler_of
from core.outbox.delivery import claim_batch, enqueue
from core.outbox.model import DeliveryPolicy, OutgoingMessage, Status
from fake_bot_api import FakeBotApi
from storage.outbox.rows import OutboxRowModel
from tests.support.journeys import onboard
from tests.support.virtual_time import VirtualTimer


async def put(bot, recipient: int, key: str, text: str | None = None, **kwargs) -> bool:
    now = bot.clock.now()
    async with bot.uow() as uow:
        added = await enqueue(
            uow,
            recipient_id=recipient,
            message=OutgoingMessage(text=text or f"Hello <b>{key}</b>"),
            due_at=kwargs.pop("due_at", now),
            dedupe_key=key,
            now=now,
            **kwargs,
        )
        await uow.commit()
    return added


async def row(bot, key: str):
    async with bot.uow() as uow:
        return await uow.outbox.get_by_key(key)


def texts_to(bot, chat_id: int) -> list[str]:
    return [m.text for m in bot.fake.sent(chat_id)]


async def test_due_messages_are_sent_once_and_future_ones_wait(make_bot):
    bot = await make_bot()
    await put(bot, 501, "a")
    await put(bot, 502, "b")
    await put(bot, 503, "later", due_at=bot.clock.now() + timedelta(minutes=10))
    assert await put(bot, 501, "a") is False  # same dedupe key: not added twice

    assert await bot.dispatch() == 2
    assert await bot.dispatch() == 0
    assert texts_to(bot, 501) == ["Hello <b>a</b>"]
    assert texts_to(bot, 503) == []
    sent = await row(bot, "a")
    assert sent.status == Status.SENT and sent.sent_at == bot.clock.now() and sent.attempts == 1

    bot.clock.advance(minutes=10)
    assert await bot.dispatch() == 1
    assert texts_to(bot, 503) == ["Hello <b>later</b>"]


async def test_catalogue_messages_render_in_the_recipients_language(make_bot):
    bot = await make_bot()
    ko = bot.client(504, language_code="ko")
    await onboard(bot.client(505, "Ann"))  # an English speaker for contrast
    await ko.command("start")
    await ko.press("동의합니다")
    now = bot.clock.now()
    async with bot.uow() as uow:
        for rid in (504, 505):
            await enqueue(
                uow,
                recipient_id=rid,
                now=now,
                due_at=now,
                dedupe_key=f"k{rid}",
                message=OutgoingMessage(key="help.unknown_command", params={"command": "<x>"}),
            )
        await uow.commit()
    await bot.dispatch()
    assert "&lt;x&gt;" in bot.fake.sent(504)[-1].text and "/help" in bot.fake.sent(504)[-1].text
    assert bot.fake.sent(505)[-1].text.startswith("I don't know the command &lt;x&gt;")
    assert bot.fake.sent(504)[-1].text != bot.fake.sent(505)[-1].text


async def test_retry_after_is_waited_out_and_retried_without_losing_or_doubling(make_bot):
    bot = await make_bot()
    for i in range(3):
        await put(bot, 510 + i, f"r{i}")
    bot.fake.fail_next("sendMessage", retry_after=7)
    before = bot.timer.now()

    await bot.dispatch()
    # The send scheduler waited the 7 s Telegram asked for (every send paused), then retried.
    assert bot.timer.now() - before >= 7
    for i in range(3):
        assert len(bot.fake.sent(510 + i)) == 1
        assert (await row(bot, f"r{i}")).status == Status.SENT
    assert scheduler_of(bot.app).stats.flood_waits == 1


async def test_flood_control_past_the_retries_pauses_the_outbox_without_losing_or_doubling(
    make_bot,
):
    bot = await make_bot()
    for i in range(3):
        await put(bot, 510 + i, f"r{i}")
    retries = bot.settings.outbox.flood_retries
    # Every attempt of every row is refused: the scheduler gives up and the outbox pauses.
    bot.fake.fail_next("sendMessage", retry_after=7, times=3 * (retries + 1))

    await bot.dispatch()
    first = await row(bot, "r0")
    assert first.status == Status.PENDING and first.attempts == 0
    assert first.due_at == bot.clock.now() + timedelta(seconds=7)
    assert "RetryAfter" in (first.last_error or "")
    assert all(not bot.fake.sent(510 + i) for i in range(3))  # everything paused

    bot.clock.advance(seconds=3)
    assert await bot.dispatch() == 0  # still inside the pause

    bot.clock.advance(seconds=4)
    await bot.dispatch()
    for i in range(3):
        assert len(bot.fake.sent(510 + i)) == 1
        assert (await row(bot, f"r{i}")).status == Status.SENT


async def test_forbidden_marks_user_unreachable_and_stops_sending(make_bot):
    bot = await make_bot()
    user = bot.client(520)
    await onboard(user)
    before = len(bot.fake.sent(520))
    bot.fake.block(520)
    await put(bot, 520, "x1")
    await put(bot, 520, "x2", due_at=bot.clock.now() + timedelta(hours=1))
    await bot.dispatch()

    async with bot.uow() as uow:
        person = await uow.people.get(520)
    assert person is not None and person.unreachable_at == bot.clock.now()
    assert (await row(bot, "x1")).status == Status.UNREACHABLE
    assert (await row(bot, "x2")).status == Status.UNREACHABLE

    await put(bot, 520, "x3")
    bot.fake.unblock(520)
    calls_before = len(bot.fake.calls)
    await bot.dispatch()
    assert (await row(bot, "x3")).status == Status.UNREACHABLE
    assert len(bot.fake.calls) == calls_before  # not even tried
    assert len(bot.fake.sent(520)) == before

    await user.command("start")  # they came back: reachable again
    async with bot.uow() as uow:
        person = await uow.people.get(520)
    assert person is not None and person.unreachable_at is None


async def test_other_errors_back_off_then_give_up_with_the_error_recorded(make_bot):
    bot = await make_bot()  # max_attempts = 3 in the test settings
    await put(bot, 530, "e")
    bot.fake.fail_next("sendMessage", status=502, description="Bad Gateway", times=10)
    for _ in range(3):
        await bot.dispatch()
        bot.clock.advance(minutes=30)
    failed = await row(bot, "e")
    assert failed.status == Status.FAILED and failed.attempts == 3
    assert "Bad Gateway" in (failed.last_error or "")
    assert bot.fake.sent(530) == []


async def test_rejected_content_fails_at_once(make_bot):
    bot = await make_bot()
    await put(bot, 531, "bad", text="<b>unclosed")
    await bot.dispatch()
    failed = await row(bot, "bad")
    assert failed.status == Status.FAILED and failed.attempts == 1
    assert "can't parse entities" in (failed.last_error or "").lower()
    bot.fake.rejections.clear()  # we provoked this one on purpose


async def test_restart_in_the_middle_loses_nothing_and_duplicates_nothing(make_bot):
    bot = await make_bot()
    recipients = list(range(600, 640))
    for rid in recipients:
        await put(bot, rid, f"m{rid}")

    # A dispatcher claims a batch and dies before sending it (a crash, not a clean stop).
    leased = await claim_batch(bot.uow, now=bot.clock.now(), limit=10, policy=DeliveryPolicy())
    assert len(leased) == 10
    # Another batch is really sent, then the process restarts.
    dispatcher_batch = 15
    await dispatcher_of(bot.app)._send_batch(
        await claim_batch(
            bot.uow, now=bot.clock.now(), limit=dispatcher_batch, policy=DeliveryPolicy()
        )
    )
    await bot.restart()

    await bot.dispatch()  # the crashed lease is still held: those 10 wait
    bot.clock.advance(seconds=61)  # the lease expires
    await bot.dispatch()

    for rid in recipients:
        assert texts_to(bot, rid) == [f"Hello <b>m{rid}</b>"], rid
    async with bot.uow() as uow:
        counts = dict(
            (
                await uow.session.execute(
                    select(OutboxRowModel.status, func.count()).group_by(OutboxRowModel.status)
                )
            ).all()
        )
    assert counts == {"sent": 40}


async def test_two_dispatchers_share_the_work_without_duplicates(make_bot):
    # Two processes on one token share Telegram's budget: each is given half of it.
    half = {"max_per_second": 14}
    first = await make_bot(outbox=half)
    second = await make_bot(fake=first.fake, timer=first.timer, outbox=half)
    for rid in range(700, 760):
        await put(first, rid, f"d{rid}")
    await asyncio.gather(first.dispatch(), second.dispatch())
    for rid in range(700, 760):
        assert len(first.fake.sent(rid)) == 1, rid


def slow_and_counted(fake, monkeypatch, seconds=0.01, signal=None) -> dict[str, int]:
    """Make every Bot API call take a while (like a real round trip) and count the overlap;
    `signal` = (n, event) sets the event at the n-th call."""
    seen = {"now": 0, "most": 0, "calls": 0}
    original = fake.do_request

    async def do_request(*args, **kwargs):
        seen["now"] += 1
        seen["calls"] += 1
        seen["most"] = max(seen["most"], seen["now"])
        if signal is not None and seen["calls"] == signal[0]:
            signal[1].set()
        try:
            await asyncio.sleep(seconds)
            return await original(*args, **kwargs)
        finally:
            seen["now"] -= 1

    monkeypatch.setattr(fake, "do_request", do_request)
    return seen


async def test_several_sends_in_flight_and_each_person_still_gets_messages_in_order(
    make_bot, monkeypatch
):
    # Paid broadcasts (1,000 a second): round trips must overlap to keep that rate.
    timer = VirtualTimer()
    fake = FakeBotApi(per_chat_burst=3, monotonic=timer.monotonic)
    bot = await make_bot(fake=fake, timer=timer, outbox={"max_per_second": 1000})
    for step in range(5):
        for rid in range(800, 830):
            await put(bot, rid, f"o{rid}-{step}", text=f"step {step}")
    seen = slow_and_counted(bot.fake, monkeypatch)

    assert await bot.dispatch() == 150
    assert seen["most"] > 1  # round trips overlap instead of queueing one behind another
    for rid in range(800, 830):
        assert texts_to(bot, rid) == [f"step {step}" for step in range(5)], rid


async def test_flood_control_mid_batch_pauses_every_send_then_everyone_gets_one(make_bot):
    bot = await make_bot()
    recipients = range(850, 1050)
    for rid in recipients:
        await put(bot, rid, f"f{rid}")
    bot.fake.fail_next("sendMessage", chat_id=900, retry_after=5)

    await bot.dispatch()
    refused = [c for c in bot.fake.faults if c.method == "sendMessage"]
    assert len(refused) == 1
    # Sends that came after the refusal waited the 5 s Telegram asked for (give or take the
    # few already on their way), and nobody got a message twice or none.
    after = [c.at for c in bot.fake.calls_to("sendMessage") if c.at > refused[0].at]
    late = [at for at in after if at - refused[0].at >= 5]
    assert len(after) - len(late) <= bot.settings.outbox.max_per_second * 0.15 + 1
    for rid in recipients:
        assert texts_to(bot, rid) == [f"Hello <b>f{rid}</b>"], rid
    async with bot.uow() as uow:
        rows = [await uow.outbox.get_by_key(f"f{rid}") for rid in recipients]
    assert all(r is not None and r.status == Status.SENT for r in rows)


async def test_a_row_that_breaks_while_rendering_fails_alone(make_bot, monkeypatch):
    bot = await make_bot()
    for rid in range(1100, 1110):
        await put(bot, rid, f"b{rid}")
    original = dispatcher_module.render

    def render(message, *args):
        if "b1104" in (message.text or ""):
            raise ValueError("unexpected template")
        return original(message, *args)

    monkeypatch.setattr(dispatcher_module, "render", render)
    assert await bot.dispatch() == 10
    assert all(texts_to(bot, rid) for rid in range(1100, 1110) if rid != 1104)
    assert texts_to(bot, 1104) == []
    broken = await row(bot, "b1104")
    assert broken.status == Status.PENDING and broken.attempts == 1
    assert broken.last_error == "ValueError: unexpected template"


async def test_stopping_mid_pass_gives_unsent_rows_back_so_a_restart_sends_each_once(
    make_bot, monkeypatch
):
    bot = await make_bot()
    recipients = range(1200, 1500)
    for rid in recipients:
        await put(bot, rid, f"s{rid}")
    forty = asyncio.Event()
    slow_and_counted(bot.fake, monkeypatch, seconds=0.02, signal=(40, forty))
    passing = asyncio.create_task(bot.dispatch())
    await forty.wait()

    await bot.restart()  # the bot stops while the pass is half way
    first = await passing
    assert 40 <= first < len(recipients)
    async with bot.uow() as uow:
        statuses = [(await uow.outbox.get_by_key(f"s{rid}")) for rid in recipients]
    sent_now = {r.recipient_id for r in statuses if r.status == Status.SENT}
    assert sent_now == {rid for rid in recipients if bot.fake.sent(rid)}  # every send recorded
    left = [r for r in statuses if r.status != Status.SENT]
    assert left and all(r.status == Status.PENDING and r.claimed_until is None for r in left)
    assert all(r.attempts == 0 for r in left)  # given back, not counted as tries

    assert await bot.dispatch() == len(recipients) - first  # no lease to wait for
    for rid in recipients:
        assert texts_to(bot, rid) == [f"Hello <b>s{rid}</b>"], rid


async def test_queued_buttons_render_from_actions_and_from_rows_queued_before_them(make_bot):
    """Rows queued before core spoke in actions carry their callback data and still work."""
    from core.outbox.model import Action
    from tests.support.short_survey import open_short_survey

    bot = await make_bot()
    user = bot.client(540, "Old")
    await onboard(user)
    await open_short_survey(bot)
    now = bot.clock.now()
    invite = {"key": "survey.invite", "params": {"count": 1, "closes": {"dt": now.isoformat()}}}
    old_style = [[{"key": "survey.button.start", "data": "sv:s"}]]
    new_style = [[Action("feedback.survey.start").button("survey.button.start")]]
    async with bot.uow() as uow:
        for key, buttons in (("old", old_style), ("new", new_style)):
            await enqueue(
                uow,
                recipient_id=540,
                message=OutgoingMessage(**invite, buttons=buttons),
                due_at=now,
                dedupe_key=key,
                now=now,
            )
        await uow.commit()
    await bot.dispatch()
    old, new = bot.fake.sent(540)[-2:]
    assert old.buttons == new.buttons == ["📝 Start"]
    assert [b["callback_data"] for b in old.inline_buttons + new.inline_buttons] == ["sv:s"] * 2
    await user.press("📝 Start", message_id=old.message_id)
    assert "Question 1 of 1" in user.message(old.message_id).text  # the old button still works

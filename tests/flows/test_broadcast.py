"""Broadcasts: compose → audience → preview → send, progress and report, restarts, blocked users,
flood control, and organisers only."""

from __future__ import annotations

from bot.app import dispatcher_of
from core.outbox.delivery import claim_batch
from core.people.person import Person
from core.people.profile import Profile
from handlers.outreach.broadcast import refresh_progress

ORG = 9000


async def people(bot, ids, country="KR"):
    now = bot.clock.now()
    async with bot.uow() as uow:
        for pid in ids:
            await uow.people.add(Person(pid, "en", 1, now))
            await uow.profiles.save(
                Profile(pid, full_name=f"P{pid}", organisation="O", country=country)
            )
        await uow.commit()


async def compose_and_send(bot, organiser, text, audience_label):
    await organiser.command("broadcast")
    assert "Send me the announcement" in organiser.last().text
    await organiser.send(text)
    assert organiser.last().text == "Who should receive it?"
    await organiser.press(audience_label)
    await organiser.press("📣 Send to")


async def test_compose_preview_send_progress_and_report(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORG]})
    await people(bot, range(100, 110), "KR")
    await people(bot, range(200, 205), "NL")
    organiser = bot.client(ORG, "Org")
    stranger = bot.client(100)
    await stranger.command("broadcast")
    assert stranger.last().text == "This command is for the event's organisers."
    await stranger.press_data("bc:s:1")
    assert stranger.last_answer()["text"] == "This command is for the event's organisers."

    await organiser.command("broadcast")
    await organiser.send("Coffee & <b>cake</b> in the foyer at 15:00!")
    await organiser.press("🇰🇷 Korean delegation")
    preview = organiser.messages()[-2]
    assert preview.text == "Coffee &amp; &lt;b&gt;cake&lt;/b&gt; in the foyer at 15:00!"
    assert "exactly what 10 people in <b>🇰🇷 Korean delegation</b>" in organiser.last().text
    assert organiser.last().buttons == ["📣 Send to 10", "Discard"]
    bot.fake.block(105)
    await organiser.press("📣 Send to 10")
    progress = organiser.last()
    assert progress.text == "📣 Sending… 0 / 10"
    await organiser.press_data(
        next(
            b["callback_data"]
            for r in organiser.messages()[-2].reply_markup
            for b in r
            if b["text"].startswith("📣")
        )
    )  # a double tap adds nothing
    await bot.dispatch()
    await refresh_progress(bot.app.bot, bot.services, "en")
    report = organiser.message(progress.message_id).text
    assert report == ("📣 Broadcast finished: 9 / 10 delivered, 1 blocked the bot, 0 failed.")
    for pid in range(100, 110):
        got = [m for m in bot.fake.sent(pid) if "Coffee" in m.text]
        assert len(got) == (0 if pid == 105 else 1)
    assert all(not bot.fake.sent(pid) for pid in range(200, 205))

    await compose_and_send(bot, organiser, "Second note", "Everyone")  # blocked user skipped
    await bot.dispatch()
    assert not [m for m in bot.fake.sent(105) if "Second note" in m.text]
    assert len([m for m in bot.fake.sent(200) if "Second note" in m.text]) == 1
    await organiser.command("broadcasts")
    listing = organiser.last().text
    assert "Second note" in listing and "9 / 10 delivered, 1 blocked the bot" in listing


async def test_interrupted_broadcast_resumes_and_nobody_gets_two(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORG]})
    await people(bot, range(1000, 1500))
    organiser = bot.client(ORG, "Org")
    await compose_and_send(bot, organiser, "Programme update", "Everyone")
    dispatcher = dispatcher_of(bot.app)
    batch = await claim_batch(bot.uow, now=bot.clock.now(), limit=137, policy=dispatcher.policy)
    await dispatcher._send_batch(batch)  # part of it goes out, then the bot restarts
    await bot.restart()
    bot.fake.fail_next("sendMessage", retry_after=3)  # and Telegram asks us to slow down
    await bot.dispatch()
    bot.clock.advance(seconds=3)
    await bot.dispatch()
    for pid in range(1000, 1500):
        assert len([m for m in bot.fake.sent(pid) if "Programme update" in m.text]) == 1, pid
    await refresh_progress(bot.app.bot, bot.services, "en")
    assert any("Broadcast finished: 500 / 500 delivered" in m.text for m in organiser.messages())


async def test_documents_paid_mode_and_stored_organisers(make_bot, tmp_path, monkeypatch):
    bot = await make_bot(outbox={"allow_paid_broadcast": True})
    await people(bot, [300, 301])
    newcomer = bot.client(ORG + 1, "New organiser")
    await newcomer.command("broadcast")
    assert newcomer.last().text == "This command is for the event's organisers."

    people_ = bot.services.people
    assert await people_.add_organiser(ORG + 1, now=bot.clock.now())
    assert not await people_.add_organiser(ORG + 1, now=bot.clock.now())
    await people_.load_organisers()  # what the minute job does
    await newcomer.command("broadcast")
    await newcomer.send_document(
        "programme.pdf",
        b"%PDF-1.4 programme",
        mime_type="application/pdf",
        caption="The final <b>programme</b>",
    )
    await newcomer.press("Everyone")
    preview = newcomer.messages()[-2]
    assert preview.document.name == "programme.pdf" and preview.text == (
        "The final &lt;b&gt;programme&lt;/b&gt;"
    )
    await newcomer.press("📣 Send to")
    await bot.dispatch()
    sends = [
        c
        for c in bot.fake.calls
        if c.method == "sendDocument" and c.params.get("chat_id") in (300, 301)
    ]
    assert len(sends) == 2 and all(c.params.get("allow_paid_broadcast") is True for c in sends)
    assert bot.fake.sent(300)[-1].document.data == b"%PDF-1.4 programme"


async def test_broadcast_reports_export(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORG]})
    await people(bot, [400, 401])
    organiser = bot.client(ORG, "Org")
    bot.fake.block(401)
    await compose_and_send(bot, organiser, "Lunch is served", "Everyone")
    await bot.dispatch()
    await organiser.command("export", "broadcasts")
    doc = organiser.last_document()
    lines = doc.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,sent_at,audience,text,recipients,delivered,blocked,failed")
    assert ",all,Lunch is served,2,1,1,0,0," in lines[1]


EXPIRED = "This button no longer works. Please use /profile again."


async def test_forged_presses_and_non_organisers_are_refused_with_nothing_stored(make_bot):
    import pytest

    from core.outbox.model import OutgoingMessage
    from core.outreach.model import BroadcastStatus, prefix
    from core.reference.errors import NotAllowed

    bot = await make_bot(organisers={"telegram_ids": [ORG]})
    await people(bot, [600, 601])
    organiser = bot.client(ORG, "Org")
    await organiser.command("broadcast")
    await organiser.send("Only for the chosen audience")
    assert organiser.last().text == "Who should receive it?"
    for forged in ("bc:a:1", "bc:a:x1:all", "bc:s:abc", "bc:x:1:2"):  # not what the route makes
        await organiser.press_data(forged)
        assert organiser.last_answer()["text"] == EXPIRED, forged
    await organiser.press_data("bc:a:1:nobody")  # an audience that does not exist
    assert organiser.press_reply() == "This no longer exists."

    # Core re-checks: someone who is not an organiser gets nowhere even past the chat layer.
    broadcasts, now = bot.services.outreach.broadcasts, bot.clock.now()
    with pytest.raises(NotAllowed):
        await broadcasts.draft(600, OutgoingMessage(text="Spam"), now=now)
    with pytest.raises(NotAllowed):
        await broadcasts.target(600, 1, "all")
    with pytest.raises(NotAllowed):
        await broadcasts.send(600, 1, now=now)
    with pytest.raises(NotAllowed):
        await broadcasts.cancel(600, 1)
    with pytest.raises(NotAllowed):
        await broadcasts.recent(600)
    async with bot.uow() as uow:
        stored = [await uow.broadcasts.get(n) for n in (1, 2)]
        rows = await uow.outbox.statuses(prefix(1))
    assert stored[1] is None  # no second draft
    assert stored[0] is not None and (stored[0].status, stored[0].audience, stored[0].total) == (
        BroadcastStatus.DRAFT,
        "",
        0,
    )
    assert rows == []
    await bot.dispatch()
    assert not [m for pid in (600, 601) for m in bot.fake.sent(pid) if "Spam" in m.text]


async def test_a_stalled_broadcasts_progress_is_edited_only_when_it_changes(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORG]})
    await people(bot, range(700, 705))
    organiser = bot.client(ORG, "Org")
    await compose_and_send(bot, organiser, "Room change", "Everyone")
    progress = organiser.last()
    shown: dict[int, str] = {}
    edits = organiser.message(progress.message_id).edit_count
    for _ in range(3):  # nothing went out yet: the job runs every few seconds regardless
        await refresh_progress(bot.app.bot, bot.services, "en", shown)
    assert organiser.message(progress.message_id).edit_count == edits
    assert organiser.message(progress.message_id).text == "📣 Sending… 0 / 5"
    await bot.dispatch()
    await refresh_progress(bot.app.bot, bot.services, "en", shown)
    assert organiser.message(progress.message_id).text.startswith("📣 Broadcast finished: 5 / 5")
    assert bot.fake.rejections == []  # no "message is not modified"

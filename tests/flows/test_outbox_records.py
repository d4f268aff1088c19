"""Results of sends are never lost or overwritten: a locked database is waited out, a stale
claim's late result leaves the newer claim's alone, and a store that stays away stops the bot."""

from __future__ import annotations

import logging
import sqlite3
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

import bot.dispatcher as dispatcher_module
from bot.app import dispatcher_of
from bot.dispatcher import RecordsLost
from bot.jobs import JobData, send_outbox
from core.outbox.delivery import claim_batch, enqueue, record_outcomes
from core.outbox.model import DeliveryPolicy, Outcome, OutgoingMessage, Status
from storage.outbox.rows import OutboxRowModel

POLICY = DeliveryPolicy()


class LockedCommits:
    """A unit-of-work factory whose first `failures` commits fail as a busy SQLite file does."""

    def __init__(self, factory: Any, failures: int) -> None:
        self.factory = factory
        self.failures = failures
        self.commits = 0

    def __call__(self) -> Any:
        uow = self.factory()
        real_commit = uow.commit

        async def commit() -> None:
            if self.failures:
                self.failures -= 1
                raise OperationalError(
                    "COMMIT", None, sqlite3.OperationalError("database is locked")
                )
            self.commits += 1
            await real_commit()

        uow.commit = commit
        return uow


def record_through(monkeypatch: pytest.MonkeyPatch, flaky: LockedCommits) -> None:
    """The dispatcher records through the flaky factory (its claims stay healthy)."""

    async def record(_uow: Any, results: Any, **kwargs: Any) -> int:
        return await record_outcomes(flaky, results, **kwargs)

    monkeypatch.setattr(dispatcher_module, "record_outcomes", record)


async def put(bot, recipient: int, key: str) -> None:
    now = bot.clock.now()
    async with bot.uow() as uow:
        await enqueue(
            uow,
            recipient_id=recipient,
            message=OutgoingMessage(text=f"Hello {key}"),
            due_at=now,
            dedupe_key=key,
            now=now,
        )
        await uow.commit()


async def row(bot, key: str):
    async with bot.uow() as uow:
        return await uow.outbox.get_by_key(key)


async def statuses(bot) -> dict[str, int]:
    async with bot.uow() as uow:
        found = await uow.session.execute(
            select(OutboxRowModel.status, func.count()).group_by(OutboxRowModel.status)
        )
        return dict(found.all())


async def test_a_locked_database_while_recording_loses_no_result_and_repeats_no_send(
    make_bot, monkeypatch, caplog
):
    caplog.set_level(logging.INFO, logger="bot.dispatcher")
    bot = await make_bot()
    recipients = range(800, 830)  # more than one group of records
    for rid in recipients:
        await put(bot, rid, f"l{rid}")
    flaky = LockedCommits(bot.uow, failures=2)
    record_through(monkeypatch, flaky)

    assert await bot.dispatch() == 30
    assert flaky.failures == 0 and flaky.commits >= 2
    for rid in recipients:
        assert [m.text for m in bot.fake.sent(rid)] == [f"Hello l{rid}"], rid
    assert await statuses(bot) == {"sent": 30}
    sent = await row(bot, "l800")
    assert sent.attempts == 1 and sent.sent_at == bot.clock.now() and sent.claim_token is None

    bot.clock.advance(seconds=POLICY.lease.total_seconds() + 1)  # any lease long over
    assert await bot.dispatch() == 0
    assert all(len(bot.fake.sent(rid)) == 1 for rid in recipients)
    retries = [r for r in caplog.records if "trying again" in r.getMessage()]
    assert len(retries) == 2 and all(r.levelno == logging.WARNING for r in retries)
    assert "database is locked" in retries[0].getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_retried_record_applies_each_result_once(make_bot):
    """A commit that failed leaves the claimed rows as they were: the retry starts from them."""
    bot = await make_bot()
    await put(bot, 840, "once")
    await claim_batch(bot.uow, now=bot.clock.now(), limit=5, policy=POLICY)
    bot.clock.advance(seconds=61)
    (again,) = await claim_batch(bot.uow, now=bot.clock.now(), limit=5, policy=POLICY)
    assert again.row.attempts == 2
    flaky = LockedCommits(bot.uow, failures=1)
    results = [(again.row, Outcome("retry_after", retry_after=7))]
    with pytest.raises(OperationalError):
        await record_outcomes(flaky, results, now=bot.clock.now(), policy=POLICY)
    assert await record_outcomes(flaky, results, now=bot.clock.now(), policy=POLICY) == 1
    stored = await row(bot, "once")
    assert stored.status == Status.PENDING and stored.attempts == 1  # given back once, not twice
    assert stored.claim_token is None and stored.claimed_until is None


async def test_a_stale_claims_late_result_never_overwrites_the_newer_claims(make_bot, caplog):
    caplog.set_level(logging.WARNING, logger="core.outbox.delivery")
    bot = await make_bot()
    await put(bot, 850, "late-error")
    await put(bot, 851, "late-sent")
    (first_a, first_b) = await claim_batch(bot.uow, now=bot.clock.now(), limit=5, policy=POLICY)
    bot.clock.advance(seconds=POLICY.lease.total_seconds() + 1)  # dispatcher one stalled
    (second_a, second_b) = await claim_batch(bot.uow, now=bot.clock.now(), limit=5, policy=POLICY)
    assert first_a.row.claim_token != second_a.row.claim_token
    assert second_a.row.dedupe_key == "late-error" and second_b.row.dedupe_key == "late-sent"

    # The newer claim delivered the first row; the stale claim's failure arrives afterwards.
    newer = bot.clock.now()
    assert (
        await record_outcomes(bot.uow, [(second_a.row, Outcome("sent"))], now=newer, policy=POLICY)
        == 1
    )
    bot.clock.advance(seconds=5)
    late = [(first_a.row, Outcome("error", error="TimedOut: late"))]
    assert await record_outcomes(bot.uow, late, now=bot.clock.now(), policy=POLICY) == 0
    kept = await row(bot, "late-error")
    assert kept.status == Status.SENT and kept.sent_at == newer and kept.last_error is None

    # The stale claim's "sent" arrives while the newer claim still holds the second row.
    late = [(first_b.row, Outcome("sent"))]
    assert await record_outcomes(bot.uow, late, now=bot.clock.now(), policy=POLICY) == 0
    held = await row(bot, "late-sent")
    assert held.status == Status.SENDING and held.claim_token == second_b.row.claim_token
    # ... so the newer claim's own result is the one that counts.
    failed = [(second_b.row, Outcome("rejected", error="BadRequest: no"))]
    assert await record_outcomes(bot.uow, failed, now=bot.clock.now(), policy=POLICY) == 1
    assert (await row(bot, "late-sent")).status == Status.FAILED

    stale = [r for r in caplog.records if "claimed again" in r.getMessage()]
    assert [r.getMessage() for r in stale] == [
        "outbox: 1 of 1 results not recorded: their rows were claimed again meanwhile"
    ] * 2


async def test_a_store_that_stays_away_stops_the_bot_instead_of_sending_blind(
    make_bot, monkeypatch, caplog
):
    bot = await make_bot()
    for rid in (860, 861):
        await put(bot, rid, f"x{rid}")
    monkeypatch.setattr(dispatcher_module, "RECORD_GIVE_UP_SECONDS", 0.3)
    record_through(monkeypatch, LockedCommits(bot.uow, failures=1_000))
    stopped: list[bool] = []
    dispatcher = dispatcher_of(bot.app)
    context = SimpleNamespace(
        job=SimpleNamespace(data=JobData(bot.services, bot.settings, dispatcher)),
        application=SimpleNamespace(stop_running=lambda: stopped.append(True)),
    )

    with pytest.raises(RecordsLost):
        await send_outbox(context)  # the repeating outbox job
    assert stopped == [True]
    critical = [r for r in caplog.records if r.levelno == logging.CRITICAL]
    assert len(critical) == 1 and "could not be recorded" in critical[0].getMessage()
    assert [len(bot.fake.sent(rid)) for rid in (860, 861)] == [1, 1]
    with pytest.raises(RecordsLost):  # this process sends nothing more
        await bot.dispatch()
    assert await statuses(bot) == {"sending": 2}  # a restart sends them when the lease ends

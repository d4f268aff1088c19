"""The repeating jobs: the names, intervals and first delays the bot schedules, and one run each."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import build_application, start_without_polling, stop_without_polling
from fake_bot_api import FakeBotApi
from tests.support.harness import settings_for

#: name: (interval, first run after), in seconds; the outbox polls as often as settings say.
EXPECTED = {
    "outbox": (2, 0),
    "request-expiry": (60, 5),
    "broadcast-progress": (5, 5),
    "organisers": (60, 60),
    "survey": (60, 15),
    "follow-up": (3600, 30),
    "digest": (60, 10),
    "matching-refresh": (600, 600),
}


async def test_the_bot_schedules_eight_named_jobs_and_each_runs_cleanly(
    db_url: str, clock: Any
) -> None:
    settings = settings_for(db_url, outbox={"poll_interval_seconds": 2})
    app = build_application(settings, request=FakeBotApi(), clock=clock)
    errors: list[BaseException | None] = []

    async def collect(_update: object, context: Any) -> None:
        errors.append(context.error)

    app.add_error_handler(collect)
    before = datetime.now(UTC)
    await start_without_polling(app)
    after = datetime.now(UTC)
    try:
        assert app.job_queue is not None
        jobs = {job.name: job for job in app.job_queue.jobs()}
        assert sorted(jobs) == sorted(EXPECTED)
        for name, (interval, first) in EXPECTED.items():
            trigger = jobs[name].job.trigger
            assert trigger.interval == timedelta(seconds=interval), name
            delay = timedelta(seconds=first)
            assert before + delay <= trigger.start_date <= after + delay, name
        for job in jobs.values():
            await job.run(app)
        assert errors == []
    finally:
        await stop_without_polling(app)

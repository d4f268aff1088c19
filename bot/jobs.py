"""The bot's repeating jobs, one named function each, and the one place that schedules them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from telegram.ext import JobQueue

from bot.config import Settings
from bot.dispatcher import OutboxDispatcher, RecordsLost
from handlers.context import BotContext
from handlers.help import reset_organiser_menu
from handlers.outreach import broadcast
from handlers.services import Services


@dataclass(frozen=True, slots=True)
class JobData:
    """What every job needs, handed to it by the job queue (no string keys, no closures)."""

    services: Services
    settings: Settings
    dispatcher: OutboxDispatcher
    #: Each running broadcast's progress text as last shown (no edit that changes nothing).
    progress_shown: dict[int, str] = field(default_factory=dict)


def _data(context: BotContext) -> JobData:
    """The JobData the job was scheduled with."""
    job = context.job
    assert job is not None and isinstance(job.data, JobData)
    return job.data


def _wake_if(services: Services, queued: object) -> None:
    """Messages a job queued go out now rather than at the outbox job's next poll."""
    if queued:
        services.wake_outbox()


async def send_outbox(context: BotContext) -> None:
    """Hand due queued messages to Telegram through the one pacer."""
    try:
        await _data(context).dispatcher.run_once()
    except RecordsLost:
        # Sent messages whose results cannot be written: stop the process rather than go on
        # sending blind; its supervisor restarts it once the database is back.
        context.application.stop_running()
        raise


async def expire_requests(context: BotContext) -> None:
    """Pending meeting requests past their time expire (and the requester is told)."""
    services = _data(context).services
    _wake_if(services, await services.meetings.expire_due(now=services.clock.now()))


async def refresh_broadcast_progress(context: BotContext) -> None:
    """Edit broadcast progress messages (at most every few seconds) and send the final report."""
    data = _data(context)
    await broadcast.refresh_progress(
        context.bot, data.services, data.settings.i18n.default_language, data.progress_shown
    )


async def reload_organisers(context: BotContext) -> None:
    """Organisers added or removed with `forumbot organisers` take effect within a minute; a
    removed one's chat gets the attendee menu back."""
    people = _data(context).services.people
    await people.load_organisers()
    done = set()
    for former in await people.revoked_organisers():
        if people.is_organiser(former) or await reset_organiser_menu(
            context.bot, context.bot_data, former
        ):
            done.add(former)
    await people.forget_revoked(done)


async def invite_to_survey(context: BotContext) -> None:
    """The survey invitation goes out when the survey opens (once per person)."""
    services = _data(context).services
    _wake_if(services, await services.feedback.survey.prompt_due(now=services.clock.now()))


async def ask_follow_ups(context: BotContext) -> None:
    """The follow-up N days after the event (collaborations and proposals)."""
    services = _data(context).services
    await services.feedback.followups.ask_due(now=services.clock.now())


async def send_digests(context: BotContext) -> None:
    """The morning digest, sent once per person and day (dedupe keys make re-runs harmless)."""
    services = _data(context).services
    _wake_if(services, await services.outreach.digests.run(now=services.clock.now()))


async def refresh_matching(context: BotContext) -> None:
    """Another process may have changed profiles: rebuild the suggestion index now and then."""
    _data(context).services.partners.invalidate()


def schedule_jobs(queue: JobQueue[Any], data: JobData) -> None:
    """Schedule every repeating job, and let services wake the outbox job early."""
    outbox = queue.run_repeating(
        send_outbox,
        interval=data.settings.outbox.poll_interval_seconds,
        first=0,
        name="outbox",
        data=data,
        # A broadcast pass runs for minutes while the job keeps firing: the extra instances
        # return at once (run_once holds a lock), so APScheduler never has to skip one and warn.
        job_kwargs={"max_instances": 3, "coalesce": True, "misfire_grace_time": None},
    )

    def wake() -> None:
        """Run the outbox job now instead of at its next poll."""
        if outbox.job.next_run_time is not None:
            outbox.job.modify(next_run_time=datetime.now(UTC))

    data.services.wake_outbox = wake
    # Name, callback, interval (seconds) and first delay (seconds), checked every minute unless
    # the work is slow-moving (follow-ups hourly, matching every ten minutes).
    repeating = (
        ("request-expiry", expire_requests, 60, 5),
        ("broadcast-progress", refresh_broadcast_progress, 5, 5),
        ("organisers", reload_organisers, 60, 60),
        ("survey", invite_to_survey, 60, 15),
        ("follow-up", ask_follow_ups, 3600, 30),
        ("digest", send_digests, 60, 10),
        ("matching-refresh", refresh_matching, 600, 600),
    )
    for name, callback, interval, first in repeating:
        queue.run_repeating(callback, interval=interval, first=first, name=name, data=data)

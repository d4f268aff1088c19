"""The composition root: settings in, a ready Application out (handlers in `handler_order`)."""

from __future__ import annotations

import gc
import logging
from datetime import time, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import BotCommandScopeDefault, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes
from telegram.request import BaseRequest

from bot.charts import render_charts, render_survey_charts
from bot.clock import SystemClock, Timer
from bot.config import Settings, require_token
from bot.dispatcher import OutboxDispatcher
from bot.handler_order import register_handlers
from bot.jobs import JobData, schedule_jobs
from bot.orcid import HttpOrcidRecords
from bot.send_limits import SendLimits
from bot.sending import SendScheduler
from bot.turn_taking import PersonByPerson
from core.consortia.door import Consortia
from core.consortia.notices import CARD
from core.desk.door import Desk
from core.event.door import EventSetup
from core.feedback.door import Feedback
from core.matching import MatchPreferences
from core.meetings.door import Meetings
from core.meetings.messages import calendar_for
from core.meetings.model import MeetingRules
from core.outbox.model import DeliveryPolicy
from core.outbox.reminders import ReminderSettings
from core.outreach.door import Outreach
from core.partners.door import Partners
from core.partners.suggestions import Matchmaker, MatchSettings
from core.people.access import AccessPolicy
from core.people.door import People
from core.ports import Clock
from core.privacy.door import Privacy
from core.programme.calendar import Calendars
from core.programme.door import Programme
from core.schedule.door import Schedule
from handlers.consortia.live import deliver_card
from handlers.context import LANGUAGES_KEY, SERVICES_KEY, BotContext, LanguageMemory
from handlers.feedback import exports
from handlers.flood import slow_down_answer
from handlers.help import bot_commands, menu_language_code, menu_languages, set_organiser_menu
from handlers.services import Services
from storage.engine import create_engine, session_factory
from storage.uow import SqlUnitOfWorkFactory

log = logging.getLogger(__name__)

ForumApp = Application[Any, BotContext, Any, Any, Any, Any]
DISPATCHER_KEY = "outbox_dispatcher"
#: The unit-of-work factory: for the dispatcher and for tests that read what was stored;
#: handlers never see it (they get the feature doors in Services).
UOW_KEY = "unit_of_work"
ENGINE_KEY = "engine"
SCHEDULER_KEY = "send_scheduler"
#: The web desk's server and task, when [web] enabled = true.
DESK_KEY = "desk_server"


def match_settings(settings: Settings) -> MatchSettings:
    """Organiser preferences for the matching engine, from config."""
    m = settings.matching
    return MatchSettings(
        preferences=MatchPreferences(
            cross_delegation_bonus=m.cross_delegation_bonus,
            exclude_same_organisation=m.exclude_same_organisation,
            exposure_cap=m.exposure_cap or None,
        ),
        skip_for=timedelta(hours=m.skip_for_hours),
    )


def build_services(settings: Settings, uow: SqlUnitOfWorkFactory, clock: Clock) -> Services:
    """One door per feature, wired from settings (handlers, jobs and the CLI share them)."""
    hour, minute = (int(x) for x in settings.reminders.digest_time.split(":"))
    reminders = ReminderSettings(
        meeting_lead=timedelta(minutes=settings.reminders.meeting_minutes),
        session_lead=timedelta(minutes=settings.reminders.session_minutes),
        digest_at=time(hour, minute),
        timezone=settings.event.timezone,
    )
    policy = AccessPolicy(settings.access.mode, frozenset(settings.organisers.telegram_ids))
    meetings = Meetings(
        uow,
        MeetingRules(
            max_per_person=settings.meetings.max_per_person,
            request_ttl=timedelta(hours=settings.meetings.request_ttl_hours),
        ),
        calendar_for(settings.event.name),
        reminders,
    )
    matchmaker = Matchmaker(match_settings(settings))
    programme = Programme(
        uow,
        reminders,
        policy,
        calendars=Calendars(uow, event_name=settings.event.name, timezone=settings.event.timezone),
    )
    consortia = Consortia(uow, matchmaker, policy)
    secret = settings.web.secret.get_secret_value().strip() if settings.web.secret else ""
    desk = Desk(
        uow,
        policy,
        meetings,
        secret=secret if len(secret) >= 16 else None,
        idle=timedelta(minutes=settings.web.idle_minutes),
    )
    return Services(
        clock=clock,
        policy=policy,
        meetings=meetings,
        partners=Partners(uow, matchmaker),
        schedule=Schedule(uow, matchmaker, meetings, policy),
        people=People(
            uow,
            policy,
            event_timezone=settings.event.timezone,
            orcid_records=HttpOrcidRecords(),
        ),
        programme=programme,
        privacy=Privacy(uow, meetings, programme, consortia),
        outreach=Outreach(uow, policy, reminders),
        event=EventSetup(uow),
        feedback=Feedback(
            uow,
            policy,
            timezone=settings.event.timezone,
            labels=exports.export_label,
            follow_up_days=settings.feedback.follow_up_days,
        ),
        consortia=consortia,
        default_language=settings.i18n.default_language,
        event_timezone=ZoneInfo(settings.event.timezone),
        event_name=settings.event.name,
        charts=render_charts,
        privacy_contact=settings.privacy.contact,
        retention_days=settings.privacy.retention_days,
        survey_charts=render_survey_charts,
        desk=desk,
        desk_url=settings.web.public_url if desk.login.secret else "",
    )


def send_limits(settings: Settings) -> SendLimits:
    """Telegram's limits as configured: one budget for everything the bot sends."""
    outbox = settings.outbox
    return SendLimits(
        per_second=outbox.max_per_second,
        chat_burst=outbox.chat_burst,
        chat_interval=outbox.chat_interval_seconds,
        max_retries=outbox.flood_retries,
    )


def build_services_for_cli(settings: Settings, engine: AsyncEngine) -> Services:
    """Services on the real clock, for CLI commands that run use cases."""
    return build_services(settings, SqlUnitOfWorkFactory(session_factory(engine)), SystemClock())


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    token: str | None = None,
    start_dispatcher_job: bool = True,
    freeze_heap: bool = False,
    send_timer: Timer | None = None,
) -> ForumApp:
    """Wire settings, storage, services and handlers; async resources open in post_init.

    `send_timer` replaces the event loop's clock in the send scheduler and the per-person flood
    limit (tests run them on virtual time, shared with the fake Bot API)."""
    token = token or require_token(settings)
    scheduler = SendScheduler(send_limits(settings), send_timer)
    languages = LanguageMemory()
    updates = PersonByPerson(
        answer=slow_down_answer(languages, settings.i18n.default_language), timer=send_timer
    )
    builder = (
        ApplicationBuilder()
        .token(token)
        .base_url(settings.telegram.api_base_url)
        .base_file_url(settings.telegram.api_file_url)
        .context_types(ContextTypes(context=BotContext))
        .rate_limiter(scheduler)
        .concurrent_updates(updates)
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app: ForumApp = builder.build()

    engine = create_engine(settings.database.url)
    the_clock = clock or SystemClock()
    uow = SqlUnitOfWorkFactory(session_factory(engine))
    services = build_services(settings, uow, the_clock)
    dispatcher = OutboxDispatcher(
        uow=uow,
        bot=app.bot,
        clock=the_clock,
        policy=DeliveryPolicy(max_attempts=settings.outbox.max_attempts),
        max_per_second=settings.outbox.max_per_second,
        default_language=settings.i18n.default_language,
        timezone=ZoneInfo(settings.event.timezone),
        paid_broadcasts=settings.outbox.allow_paid_broadcast,
        live={CARD: partial(deliver_card, services.consortia)},
    )
    app.bot_data[SERVICES_KEY] = services
    app.bot_data[UOW_KEY] = uow
    app.bot_data[DISPATCHER_KEY] = dispatcher
    app.bot_data[ENGINE_KEY] = engine
    app.bot_data[SCHEDULER_KEY] = scheduler
    app.bot_data[LANGUAGES_KEY] = languages
    app.bot_data["settings"] = settings
    app.bot_data["start_dispatcher_job"] = start_dispatcher_job
    app.bot_data["freeze_heap"] = freeze_heap
    register_handlers(app)
    return app


async def set_commands(app: ForumApp) -> None:
    """Command menus: attendees by default scope, organisers who opened the bot in their chats."""
    for lang in menu_languages():
        await app.bot.set_my_commands(
            bot_commands(lang),
            scope=BotCommandScopeDefault(),
            language_code=menu_language_code(lang),
        )
    # The others get theirs at their /start: Telegram refuses a chat it does not know yet.
    for organiser_id in await services_of(app).people.organisers_in_chat():
        await set_organiser_menu(app.bot, app.bot_data, organiser_id)


async def _post_init(app: ForumApp) -> None:
    services_ = services_of(app)
    await services_.people.load_organisers()
    await set_commands(app)
    dispatcher: OutboxDispatcher = app.bot_data[DISPATCHER_KEY]
    settings: Settings = app.bot_data["settings"]
    services: Services = app.bot_data[SERVICES_KEY]
    if app.bot_data.get("start_dispatcher_job") and app.job_queue is not None:
        schedule_jobs(app.job_queue, JobData(services, settings, dispatcher))
    if settings.web.enabled:
        from bot.desk import start_desk

        app.bot_data[DESK_KEY] = await start_desk(settings, services)
    if app.bot_data.get("freeze_heap"):
        freeze_startup_heap()


def freeze_startup_heap() -> None:
    """Start-up objects live as long as the bot: keeping them out of full garbage collections
    keeps those short (otherwise ~100 ms every few seconds, which stalls fast broadcasts)."""
    gc.collect()
    gc.freeze()


async def _post_stop(app: ForumApp) -> None:
    """Before the bot and its send scheduler shut down: the outbox's sends in flight finish,
    the rows still queued are given back, and their results are written."""
    dispatcher: OutboxDispatcher | None = app.bot_data.get(DISPATCHER_KEY)
    if dispatcher is not None:
        await dispatcher.stop()


async def _post_shutdown(app: ForumApp) -> None:
    desk = app.bot_data.pop(DESK_KEY, None)
    if desk is not None:
        from web.serve import stop

        await stop(*desk)
    await _post_stop(app)  # if the app never ran, nothing stopped the outbox yet
    engine = app.bot_data.get(ENGINE_KEY)
    if engine is not None:
        await engine.dispose()


async def start_without_polling(app: ForumApp) -> None:
    """For tests and embedding: initialize and run post_init, as run_polling would."""
    await app.initialize()
    if app.post_init is not None:
        await app.post_init(app)


async def stop_without_polling(app: ForumApp) -> None:
    """Counterpart of start_without_polling."""
    if app.running:
        await app.stop()
    else:
        await _post_stop(app)
    await app.shutdown()
    if app.post_shutdown is not None:
        await app.post_shutdown(app)


def dispatcher_of(app: ForumApp) -> OutboxDispatcher:
    """The app's outbox dispatcher (tests call run_once on it)."""
    dispatcher = app.bot_data[DISPATCHER_KEY]
    assert isinstance(dispatcher, OutboxDispatcher)
    return dispatcher


def scheduler_of(app: ForumApp) -> SendScheduler:
    """The app's send scheduler (benchmarks read its figures)."""
    scheduler = app.bot_data[SCHEDULER_KEY]
    assert isinstance(scheduler, SendScheduler)
    return scheduler


def uow_of(app: ForumApp) -> SqlUnitOfWorkFactory:
    """The app's unit-of-work factory (the dispatcher's, and tests' window on what is stored)."""
    uow = app.bot_data[UOW_KEY]
    assert isinstance(uow, SqlUnitOfWorkFactory)
    return uow


def services_of(app: ForumApp) -> Services:
    """The app's services."""
    services = app.bot_data[SERVICES_KEY]
    assert isinstance(services, Services)
    return services


__all__ = ["Update", "build_application", "dispatcher_of", "services_of"]

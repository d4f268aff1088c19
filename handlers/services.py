"""What handlers get from the composition root: use-case dependencies and handler settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from core.feedback.stats import Stats
from core.feedback.survey_flow import Results, SurveyFlow
from core.meetings.booking import Booking
from core.outreach.broadcasts import Broadcasts
from core.partners.suggestions import Matchmaker
from core.people.onboarding import AccessPolicy, UowFactory
from core.ports import Clock
from core.programme.agenda import Agenda


@dataclass(slots=True)
class Services:
    """Built once in bot.app and shared by every handler through the typed context."""

    uow: UowFactory
    clock: Clock
    policy: AccessPolicy
    #: Meeting and consultation use cases (built with the rules from config).
    booking: Booking
    #: Sessions, subscriptions and waitlists.
    agenda: Agenda
    #: Announcements to segments.
    broadcasts: Broadcasts
    #: The event survey.
    survey: SurveyFlow
    default_language: str = "en"
    event_timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Brussels"))
    event_name: str = "Research networking forum"
    matchmaker: Matchmaker = field(default_factory=Matchmaker)
    #: Who is responsible for the data, shown in /privacy (from config).
    privacy_contact: str = ""
    #: Days after consent when `forumbot privacy purge` erases a person (from config).
    retention_days: int = 180
    #: Renders the /stats charts as (filename, PNG bytes); provided by the composition root.
    charts: Callable[[Stats, str], list[tuple[str, bytes]]] = lambda _s, _tz: []
    #: Renders one PNG per survey question, as (filename, bytes).
    survey_charts: Callable[[Results, str], list[tuple[str, bytes]]] = lambda _r, _l: []
    #: Asks the outbox dispatcher to run soon (after a use case enqueued something).
    wake_outbox: Callable[[], None] = lambda: None

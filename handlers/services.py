"""What handlers get from the composition root: use-case dependencies and handler settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from core.consortia.door import Consortia
from core.desk.door import Desk
from core.event.door import EventSetup
from core.feedback.door import Feedback
from core.feedback.stats import Stats
from core.feedback.survey_flow import Results
from core.meetings.door import Meetings
from core.outreach.door import Outreach
from core.partners.door import Partners
from core.people.access import AccessPolicy
from core.people.door import People
from core.ports import Clock
from core.privacy.door import Privacy
from core.programme.door import Programme
from core.schedule.door import Schedule


@dataclass(slots=True)
class Services:
    """Built once in bot.app and shared by every handler through the typed context."""

    clock: Clock
    policy: AccessPolicy
    #: Meeting requests, bookings, consultations and outcomes (rules from config).
    meetings: Meetings
    #: Partner suggestions, saved people and mutual interest.
    partners: Partners
    #: The organisers' schedule builder.
    schedule: Schedule
    #: Setting the event up from its file (the CLI's `event load`).
    event: EventSetup
    #: Who people are: arriving, consent, profile, search, import, organisers.
    people: People
    #: The programme: sessions, subscriptions and waitlists.
    programme: Programme
    #: Each person's rights over their data: /mydata, /deleteme, retention.
    privacy: Privacy
    #: Broadcasts to segments and the morning digest.
    outreach: Outreach
    #: The event survey, the follow-up, and the organisers' results, stats and exports.
    feedback: Feedback
    #: Consortium building: topics, consortia, invitations, Fill the gap, figures.
    consortia: Consortia
    default_language: str = "en"
    event_timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Brussels"))
    event_name: str = "Research networking forum"
    #: Who is responsible for the data, shown in /privacy (from config).
    privacy_contact: str = ""
    #: Days after consent when `forumbot privacy purge` erases a person (from config).
    retention_days: int = 180
    #: Renders the /stats charts as (filename, PNG bytes); provided by the composition root.
    charts: Callable[[Stats, str], list[tuple[str, bytes]]] = lambda _s, _tz: []
    #: Renders one PNG per survey question, as (filename, bytes).
    survey_charts: Callable[[Results, str], list[tuple[str, bytes]]] = lambda _r, _l: []
    #: The organisers' web desk (login links, its pages' reads and actions).
    desk: Desk | None = None
    #: The desk's public address (web.public_url), for the /dashboard links.
    desk_url: str = ""
    #: Asks the outbox dispatcher to run soon (after a use case enqueued something).
    wake_outbox: Callable[[], None] = lambda: None

    @property
    def agenda(self) -> Programme:
        """The programme door under its former name (still read by the broadcast audiences)."""
        return self.programme

"""Matchmaking statistics for organisers: the numbers and the series behind the charts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.feedback.ports import UnitOfWork
from core.feedback.survey_flow import Results
from core.meetings.model import MeetingStatus, RequestStatus, SlotKind
from core.reference.countries import delegation
from core.reference.taxonomy import term_by_id, terms_in_text


@dataclass(slots=True)
class Stats:
    """Everything /stats shows."""

    registered: int = 0
    complete: int = 0
    suggestions_shown: int = 0
    requests: dict[str, int] = field(default_factory=dict)
    booked: int = 0
    held: int = 0
    no_show: int = 0
    cancelled: int = 0
    eu_kr_share: float | None = None
    meetings_per_slot: list[tuple[datetime, int]] = field(default_factory=list)
    requests_per_day: list[tuple[date, int]] = field(default_factory=list)
    topics_demand: list[tuple[str, int]] = field(default_factory=list)
    topics_offer: list[tuple[str, int]] = field(default_factory=list)


@dataclass(slots=True)
class Overview:
    """/stats in one read: matchmaking figures, the follow-up's answers, the survey's results."""

    stats: Stats
    #: Collaborations (distinct pairs), proposals submitted, proposals planned.
    followup: tuple[int, int, int]
    survey: Results | None

    def figures(self) -> dict[str, int | str]:
        """The values of the "stats.text" message, as the chat and the desk both show them."""
        stats, results = self.stats, self.survey
        collaborations, submitted, planned = self.followup
        r = stats.requests
        survey = (
            f"{round(100 * results.finished / results.invited)}%"
            if results is not None and results.invited
            else "—"
        )
        return {
            "registered": stats.registered,
            "complete": stats.complete,
            "shown": stats.suggestions_shown,
            "sent": r.get("sent", 0),
            "accepted": r.get("accepted", 0),
            "declined": r.get("declined", 0),
            "expired": r.get("expired", 0),
            "booked": stats.booked,
            "held": stats.held,
            "cancelled": stats.cancelled,
            "no_show": stats.no_show,
            "survey": survey,
            "collaborations": collaborations,
            "submitted": submitted,
            "planned": planned,
            "share": "—" if stats.eu_kr_share is None else f"{round(100 * stats.eu_kr_share)}%",
        }


async def compute(uow: UnitOfWork, *, now: datetime, timezone: str) -> Stats:
    """Counts straight from the data; topic demand and offer from what people seek and offer."""
    zone = ZoneInfo(timezone)
    out = Stats()
    people = await uow.people.everyone()
    out.registered = len(people)
    countries: dict[int, str | None] = {}
    demand: Counter[str] = Counter()
    offer: Counter[str] = Counter()
    for person in people:
        profile = await uow.profiles.get(person.telegram_id)
        countries[person.telegram_id] = profile.country if profile else None
        if profile and profile.is_complete():
            out.complete += 1
        if profile:
            demand.update(set(terms_in_text(profile.seeks or "")))
            offer.update(set(terms_in_text(profile.offers or "")))
    out.suggestions_shown = sum((await uow.interests.exposure_counts()).values())
    per_day: Counter[date] = Counter()
    statuses: Counter[str] = Counter()
    for request in await uow.meetings.all_requests():
        status = request.status
        if status is RequestStatus.PENDING and request.expires_at <= now:
            status = RequestStatus.EXPIRED
        statuses[str(status)] += 1
        per_day[request.created_at.astimezone(zone).date()] += 1
    out.requests = {"sent": sum(statuses.values()), **dict(statuses)}
    slots = {s.key: s for s in await uow.meetings.slots()}
    no_shows = {m for m, _p, outcome, _c in await uow.outcomes.all() if outcome == "n"}
    per_slot: Counter[datetime] = Counter()
    cross = 0
    for meeting in await uow.meetings.all_meetings():
        if meeting.kind is not SlotKind.MEETING:
            continue
        if meeting.status is MeetingStatus.CANCELLED:
            out.cancelled += 1
            continue
        out.booked += 1
        slot = slots.get(meeting.slot_key)
        if slot is not None:
            per_slot[slot.starts_at] += 1
            if slot.ends_at <= now and meeting.id in no_shows:
                out.no_show += 1
            elif slot.ends_at <= now:
                out.held += 1
        sides = {delegation(countries.get(p)) for p in meeting.people}
        cross += sides == {"EU", "KR"}
    out.eu_kr_share = cross / out.booked if out.booked else None
    out.meetings_per_slot = sorted(per_slot.items())
    out.requests_per_day = sorted(per_day.items())
    topics = set(demand) | set(offer)
    ranked = sorted(topics, key=lambda k: (-(demand[k] + offer[k]), k))[:10]
    label = {k: (term.label_en if (term := term_by_id(k)) else k) for k in ranked}
    out.topics_demand = [(label[k], demand[k]) for k in ranked]
    out.topics_offer = [(label[k], offer[k]) for k in ranked]
    return out

"""Organisers' schedule builder: turn mutual interest into booked tables for one round."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.meetings.messages import IcsBuilder, follow_up, tell_booked
from core.meetings.model import BookingError, Meeting, MeetingRules, MeetingStatus, SlotKind
from core.outbox.reminders import ReminderSettings
from core.partners.interests import POSITIVE
from core.partners.suggestions import Matchmaker
from core.people.profile import Profile
from core.people.visibility import Viewer, name_seen
from core.reference.errors import NotFound
from core.schedule.optimiser import Problem, Report, Want, greedy, optimise
from core.schedule.ports import UowFactory


def _full_name(profile: Profile | None) -> str:
    """The name a booked partner is told."""
    return name_seen(profile, Viewer.PARTNER)


@dataclass(slots=True)
class BuildResult:
    """The optimiser's plan next to greedy first-come, and what applying it booked."""

    round_key: str
    optimised: Report
    first_come: Report
    booked: list[Meeting] = field(default_factory=list)
    failed: int = 0


async def build_schedule(
    uow_factory: UowFactory,
    matchmaker: Matchmaker,
    rules: MeetingRules,
    round_key: str,
    *,
    now: datetime,
    apply: bool,
    ics: IcsBuilder,
    time_limit: float = 8.0,
    reminders: ReminderSettings | None = None,
) -> BuildResult:
    """Pairs who both want to meet and have no meeting yet are placed in the round's free
    tables to maximise total match score; with `apply` they are booked and told."""
    reminders = reminders or ReminderSettings()
    async with uow_factory() as uow:
        slots = [
            s for s in await uow.meetings.slots(SlotKind.MEETING, round_key) if s.starts_at > now
        ]
        if not slots:
            raise NotFound(what="round")
        await matchmaker.ensure(uow)
        positive = await uow.interests.of_kinds(POSITIVE)
        first_at: dict[tuple[int, int], datetime] = {}
        for i in positive:
            first_at.setdefault((i.actor_id, i.target_id), i.at)
        pairs: dict[tuple[int, int], datetime] = {}
        for (a, b), at in first_at.items():
            if a < b and (b, a) in first_at:
                pairs[(a, b)] = max(at, first_at[(b, a)])
        people = {p for pair in pairs for p in pair}
        busy: dict[str, frozenset[str]] = {}
        cap: dict[str, int] = {}
        met: set[tuple[int, int]] = set()
        for person in people:
            busy[str(person)] = frozenset(
                await uow.meetings.taken_slots(person) | await uow.meetings.busy_slots(person)
            )
            cap[str(person)] = max(
                0, rules.max_per_person - await uow.meetings.live_count(person, SlotKind.MEETING)
            )
            for meeting in await uow.meetings.meetings_of(person, live_only=True):
                if len(meeting.people) == 2:
                    met.add((min(meeting.people), max(meeting.people)))
        wants = []
        for order, ((a, b), _at) in enumerate(sorted(pairs.items(), key=lambda kv: kv[1])):
            if (a, b) in met:
                continue
            score = 1.0
            if str(a) in matchmaker.index and str(b) in matchmaker.index:
                score = max(
                    0.01,
                    (
                        matchmaker.index.score_pair(str(a), str(b)).score
                        + matchmaker.index.score_pair(str(b), str(a)).score
                    )
                    / 2,
                )
            wants.append(Want(str(a), str(b), score=score, order=order))
        free_tables = {
            s.key: sorted(set(range(1, s.capacity + 1)) - await uow.meetings.used_tables(s.key))
            for s in slots
        }
        problem = Problem(
            slots=tuple(s.key for s in slots),
            tables={k: len(v) for k, v in free_tables.items()},
            wants=tuple(wants),
            busy=busy,
            cap=cap,
            default_cap=rules.max_per_person,
        )
        result = BuildResult(round_key, optimise(problem, time_limit=time_limit), greedy(problem))
        if not apply:
            return result
        by_key = {s.key: s for s in slots}
        names = {p: ((await uow.profiles.get(p)) or None) for p in people}
        for assignment in result.optimised.assignments:
            slot = by_key[assignment.slot]
            table = free_tables[slot.key][assignment.table - 1]
            a, b = int(assignment.a), int(assignment.b)
            meeting = Meeting(None, SlotKind.MEETING, slot.key, table, (a, b), MeetingStatus.BOOKED)
            try:
                await uow.meetings.add_meeting(meeting, now)
            except BookingError:
                result.failed += 1  # someone booked the same table or time meanwhile
                continue
            result.booked.append(meeting)
            await follow_up(uow, meeting, slot, reminders, now)
            for me, other in ((a, b), (b, a)):
                other_name = _full_name(names.get(other))
                text = ics(meeting, slot, "REQUEST", other_name, now)
                await tell_booked(uow, meeting, slot, me, text, other_name, now)
        await uow.commit()
        return result

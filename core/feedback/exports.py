"""Organiser exports: tables named by people, never by ids alone (the CSV bytes come from
`core.reference.spreadsheet`, the one writer that keeps formulas from running)."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from core.feedback.ports import UnitOfWork, UowFactory
from core.meetings.model import Meeting, MeetingStatus, Slot, SlotKind
from core.outreach.broadcasts import recent_reports
from core.people.visibility import Viewer, seen_by
from core.reference.countries import delegation
from core.reference.taxonomy import term_by_id

KINDS = ("attendees", "meetings", "consultations", "waitlists", "broadcasts", "survey", "outcomes")
Table = tuple[list[str], list[list[str]]]
#: Catalogue text by key, in the exports' language (English, like the column names).
Labels = Callable[[str], str]


class Exports:
    """The organisers' CSV tables (the door checks who asks; the CLI is trusted)."""

    def __init__(self, uow: UowFactory, timezone: str, labels: Labels) -> None:
        self.uow = uow
        self.timezone = timezone
        self.labels = labels

    async def table(self, kind: str) -> Table:
        """One export table, read in one transaction; fields a person chose to hide are empty."""
        if kind not in KINDS:
            raise ValueError(f"unknown export {kind!r}; choose one of {', '.join(KINDS)}")
        async with self.uow() as uow:
            table = await _table(uow, kind, ZoneInfo(self.timezone), self.labels)
            await uow.commit()  # a broadcast found finished is marked done, as /broadcasts does
            return table


def _shown(value: object) -> str:
    """A field of a profile as organisers may see it (core/people/visibility.py): empty when
    unset, or hidden by the person."""
    return "" if value is None else str(value)


class _People:
    """Name and organisation of each person a table mentions, read once per export."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.known: dict[int, tuple[str, str]] = {}

    async def __call__(self, person: int | None) -> tuple[str, str]:
        """(name, organisation), empty for nobody, an erased person or a hidden field."""
        if person is None:
            return "", ""
        if person not in self.known:
            p = seen_by(await self.uow.profiles.get(person), Viewer.ORGANISER)
            self.known[person] = (
                _shown(p.full_name if p else None),
                _shown(p.organisation if p else None),
            )
        return self.known[person]


class _Slots:
    """Slots by key, read once, for the start time and place of each meeting."""

    def __init__(self, uow: UnitOfWork, zone: ZoneInfo) -> None:
        self.uow, self.zone = uow, zone
        self.known: dict[str, Slot | None] = {}

    async def __call__(self, key: str) -> Slot | None:
        """The slot, also one no longer offered (a meeting keeps the time it was booked for)."""
        if key not in self.known:
            self.known[key] = await self.uow.meetings.get_slot(key)
        return self.known[key]

    async def start(self, key: str) -> str:
        """The slot's start in the event's time zone, as the other exports write times."""
        slot = await self(key)
        return slot.starts_at.astimezone(self.zone).isoformat(timespec="minutes") if slot else ""


async def _table(uow: UnitOfWork, kind: str, zone: ZoneInfo, labels: Labels) -> Table:
    """The rows of one kind of export."""
    if kind == "attendees":
        return await _attendees(uow, zone)
    if kind in ("meetings", "consultations"):
        wanted = SlotKind.MEETING if kind == "meetings" else SlotKind.CONSULT
        return await _meetings(uow, zone, wanted)
    if kind == "waitlists":
        return await _waitlists(uow, zone)
    if kind == "broadcasts":
        return await _broadcasts(uow, zone)
    if kind == "survey":
        return await _survey(uow)
    return await _outcomes(uow, zone, labels)


async def _attendees(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    """Everyone who started the bot, with their profile as organisers see it."""
    header = [
        "telegram_id",
        "name",
        "organisation",
        "country",
        "delegation",
        "sector",
        "career_stage",
        "expertise",
        "offers",
        "seeks",
        "horizon_europe",
        "bio",
        "language",
        "consented_at",
        "profile_complete",
        "reachable",
    ]
    rows: list[list[str]] = []
    for person in await uow.people.everyone():
        stored = await uow.profiles.get(person.telegram_id)
        p = seen_by(stored, Viewer.ORGANISER)
        expertise = "; ".join(
            (term.label_en if (term := term_by_id(k.term_id or "")) else k.label)
            for k in (p.expertise if p else [])
        )
        rows.append(
            [
                str(person.telegram_id),
                _shown(p.full_name if p else None),
                _shown(p.organisation if p else None),
                _shown(p.country if p else None),
                delegation(p.country if p else None),
                _shown(p.sector if p else None),
                _shown(p.career_stage if p else None),
                _shown(expertise),
                _shown(p.offers if p else None),
                _shown(p.seeks if p else None),
                _shown(p.he_interests if p else None),
                _shown(p.bio if p else None),
                person.language,
                person.consented_at.astimezone(zone).isoformat(timespec="minutes"),
                "yes" if stored and stored.is_complete() else "no",
                "no" if person.unreachable_at else "yes",
            ]
        )
    return header, rows


async def _meetings(uow: UnitOfWork, zone: ZoneInfo, wanted: SlotKind) -> Table:
    """1:1 meetings or consultations: when, where, who (ids last, for matching other files)."""
    slots, people = _Slots(uow, zone), _People(uow)
    desks = {d.key: d for d in await uow.meetings.desks()}
    out: list[list[str]] = []
    for m in await uow.meetings.all_meetings():
        if m.kind is not wanted or m.id is None:
            continue
        slot = await slots(m.slot_key)
        start, place = await slots.start(m.slot_key), slot.location if slot else ""
        status = "booked" if m.status is MeetingStatus.BOOKED else "cancelled"
        if wanted is SlotKind.MEETING:
            a, b = [*m.people, 0, 0][:2]
            a_who, b_who = await people(a), await people(b)
            ids = [str(a), str(b)]
            out.append(
                [str(m.id), start, place, str(m.table), status, *a_who, *b_who, m.slot_key, *ids]
            )
        else:
            desk = desks.get(slot.owner_key) if slot else None
            topic, expert = (desk.topic, desk.expert) if desk else ("", "")
            who = await people(m.people[0])
            out.append([str(m.id), start, topic, expert, place, status, *who, str(m.people[0])])
    out.sort(key=lambda r: (r[1], int(r[0])))
    if wanted is SlotKind.MEETING:
        return [
            "id",
            "start",
            "location",
            "table",
            "status",
            "a_name",
            "a_organisation",
            "b_name",
            "b_organisation",
            "slot",
            "a_telegram_id",
            "b_telegram_id",
        ], out
    header = ["id", "start", "topic", "expert", "location", "status", "name", "organisation"]
    return [*header, "telegram_id"], out


async def _waitlists(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    """Who holds a place and who waits, per session that takes sign-ups."""
    people = _People(uow)
    out = []
    for session in await uow.agenda.sessions():
        if not session.registration:
            continue
        for position, (pid, status, at) in enumerate(await uow.agenda.followers(session.key), 1):
            out.append(
                [
                    session.key,
                    session.title,
                    str(position),
                    *await people(pid),
                    status.value,
                    at.astimezone(zone).isoformat(timespec="minutes"),
                    str(pid),
                ]
            )
    header = ["session", "title", "position", "name", "organisation", "status", "since"]
    return [*header, "telegram_id"], out


async def _survey(uow: UnitOfWork) -> Table:
    """Every survey answer, options as their English labels (erased people's answers unnamed)."""
    survey = await uow.survey.definition()
    people = _People(uow)
    rows = []
    for respondent, key, value in await uow.survey.all_answers():
        question = survey.question(key) if survey else None
        answer_text: object = value
        if question is not None and question.kind == "single" and value is not None:
            answer_text = question.option_label(str(value), "en")
        elif question is not None and question.kind == "multi" and value:
            answer_text = "; ".join(question.option_label(str(v), "en") for v in value)
        rows.append(
            [
                *await people(respondent),
                key,
                question.en if question else "",
                "" if answer_text is None else str(answer_text),
                "" if respondent is None else str(respondent),
            ]
        )
    return ["name", "organisation", "question", "question_text", "answer", "telegram_id"], rows


async def _outcomes(uow: UnitOfWork, zone: ZoneInfo, labels: Labels) -> Table:
    """How each meeting went, per person who answered: both people, when, where, the answer."""
    slots, people = _Slots(uow, zone), _People(uow)
    meetings: dict[int, Meeting | None] = {}
    rows = []
    for meeting_id, person, outcome, comment in await uow.outcomes.all():
        if meeting_id not in meetings:
            meetings[meeting_id] = await uow.meetings.get_meeting(meeting_id)
        m = meetings[meeting_id]
        partner = next((p for p in (m.people if m else ()) if p != person), None)
        slot = await slots(m.slot_key) if m else None
        rows.append(
            [
                str(meeting_id),
                await slots.start(m.slot_key) if m else "",
                slot.location if slot else "",
                str(m.table) if m else "",
                *await people(person),
                *await people(partner),
                labels(f"outcomes.option.{outcome}"),
                comment or "",
                str(person),
                "" if partner is None else str(partner),
            ]
        )
    return [
        "meeting_id",
        "start",
        "location",
        "table",
        "name",
        "organisation",
        "partner_name",
        "partner_organisation",
        "outcome",
        "comment",
        "telegram_id",
        "partner_telegram_id",
    ], rows


async def _broadcasts(uow: UnitOfWork, zone: ZoneInfo) -> Table:
    """Every broadcast with its delivery report."""
    out = []
    for item, report in await recent_reports(uow, 10_000):
        when = (item.sent_at or item.created_at).astimezone(zone).isoformat(timespec="minutes")
        reasons = "; ".join(f"{n}x {r}" for r, n in report.reasons.items())
        out.append(
            [
                str(item.id),
                when,
                item.audience,
                item.message.text or "",
                str(report.total),
                str(report.sent),
                str(report.blocked),
                str(report.failed),
                str(report.pending),
                reasons,
            ]
        )
    return [
        "id",
        "sent_at",
        "audience",
        "text",
        "recipients",
        "delivered",
        "blocked",
        "failed",
        "pending",
        "failure_reasons",
    ], out

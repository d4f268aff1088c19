"""Organiser exports as CSV: UTF-8 with a BOM so Excel shows Korean names correctly."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from core.feedback.ports import UnitOfWork, UowFactory
from core.meetings.model import MeetingStatus, SlotKind
from core.outreach.broadcasts import recent_reports
from core.people.visibility import Viewer, seen_by
from core.reference.countries import delegation
from core.reference.taxonomy import term_by_id

KINDS = ("attendees", "meetings", "consultations", "waitlists", "broadcasts", "survey", "outcomes")
Table = tuple[list[str], list[list[str]]]


def to_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """CSV bytes with a BOM; every cell as text, None as empty."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else str(cell) for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


class Exports:
    """The organisers' CSV tables (the door checks who asks; the CLI is trusted)."""

    def __init__(self, uow: UowFactory, timezone: str) -> None:
        self.uow = uow
        self.timezone = timezone

    async def table(self, kind: str) -> Table:
        """One export table, read in one transaction; fields a person chose to hide are empty."""
        if kind not in KINDS:
            raise ValueError(f"unknown export {kind!r}; choose one of {', '.join(KINDS)}")
        async with self.uow() as uow:
            table = await _table(uow, kind, ZoneInfo(self.timezone))
            await uow.commit()  # a broadcast found finished is marked done, as /broadcasts does
            return table


async def _table(uow: UnitOfWork, kind: str, zone: ZoneInfo) -> Table:
    """The rows of one kind of export."""
    if kind == "attendees":
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
            # What organisers may see (core/people/visibility.py): what the person hid is empty.
            p = seen_by(stored, Viewer.ORGANISER)

            def shown(_name: str, value: object) -> str:
                return "" if value is None else str(value)

            expertise = "; ".join(
                (term.label_en if (term := term_by_id(k.term_id or "")) else k.label)
                for k in (p.expertise if p else [])
            )
            rows.append(
                [
                    str(person.telegram_id),
                    shown("full_name", p.full_name if p else None),
                    shown("organisation", p.organisation if p else None),
                    shown("country", p.country if p else None),
                    delegation(p.country if p else None),
                    shown("sector", p.sector if p else None),
                    shown("career_stage", p.career_stage if p else None),
                    shown("expertise", expertise),
                    shown("offers", p.offers if p else None),
                    shown("seeks", p.seeks if p else None),
                    shown("he_interests", p.he_interests if p else None),
                    shown("bio", p.bio if p else None),
                    person.language,
                    person.consented_at.astimezone(zone).isoformat(timespec="minutes"),
                    "yes" if stored and stored.is_complete() else "no",
                    "no" if person.unreachable_at else "yes",
                ]
            )
        return header, rows
    if kind in ("meetings", "consultations"):
        wanted = SlotKind.MEETING if kind == "meetings" else SlotKind.CONSULT
        slots = {s.key: s for s in await uow.meetings.slots()}
        desks = {d.key: d for d in await uow.meetings.desks()}
        names: dict[int, str] = {}
        seen: set[int] = set()
        out: list[list[str]] = []
        for person in await uow.people.everyone():
            for m in await uow.meetings.meetings_of(person.telegram_id):
                if m.kind is not wanted or m.id in seen or m.id is None:
                    continue
                seen.add(m.id)
                slot = slots.get(m.slot_key) or await uow.meetings.get_slot(m.slot_key)
                for pid in m.people:
                    if pid not in names:
                        prof = seen_by(await uow.profiles.get(pid), Viewer.ORGANISER)
                        names[pid] = (prof.full_name if prof else None) or ""
                start = (
                    slot.starts_at.astimezone(zone).isoformat(timespec="minutes") if (slot) else ""
                )
                status = "booked" if m.status is MeetingStatus.BOOKED else "cancelled"
                if wanted is SlotKind.MEETING:
                    a, b = [*m.people, 0, 0][:2]
                    out.append(
                        [
                            str(m.id),
                            start,
                            m.slot_key,
                            str(m.table),
                            status,
                            str(a),
                            names.get(a, ""),
                            str(b),
                            names.get(b, ""),
                        ]
                    )
                else:
                    desk = desks.get(slot.owner_key) if slot else None
                    out.append(
                        [
                            str(m.id),
                            start,
                            desk.topic if desk else "",
                            desk.expert if desk else "",
                            status,
                            str(m.people[0]),
                            names.get(m.people[0], ""),
                        ]
                    )
        out.sort(key=lambda r: (r[1], int(r[0])))
        if wanted is SlotKind.MEETING:
            return [
                "id",
                "start",
                "slot",
                "table",
                "status",
                "a_telegram_id",
                "a_name",
                "b_telegram_id",
                "b_name",
            ], out
        return ["id", "start", "topic", "expert", "status", "telegram_id", "name"], out
    if kind == "waitlists":
        out = []
        for session in await uow.agenda.sessions():
            if not session.registration:
                continue
            for position, (pid, status, at) in enumerate(
                await uow.agenda.followers(session.key), 1
            ):
                prof = seen_by(await uow.profiles.get(pid), Viewer.ORGANISER)
                out.append(
                    [
                        session.key,
                        session.title,
                        str(position),
                        str(pid),
                        (prof.full_name if prof else None) or "",
                        status.value,
                        at.astimezone(zone).isoformat(timespec="minutes"),
                    ]
                )
        return ["session", "title", "position", "telegram_id", "name", "status", "since"], out
    if kind == "broadcasts":
        return await _broadcasts(uow, zone)
    if kind == "survey":
        survey = await uow.survey.definition()
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
                    "" if respondent is None else str(respondent),
                    key,
                    question.en if question else "",
                    "" if answer_text is None else str(answer_text),
                ]
            )
        return ["telegram_id", "question", "question_text", "answer"], rows
    rows = [[str(m), str(p), o, c or ""] for m, p, o, c in await uow.outcomes.all()]
    return ["meeting_id", "telegram_id", "outcome", "comment"], rows


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

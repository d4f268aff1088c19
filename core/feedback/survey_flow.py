"""Use cases of the event survey: prompt once when it opens, answer one question at a time
(resumable, editable until it closes), opt out, and the organisers' results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.feedback.ports import UnitOfWork, UowFactory
from core.feedback.survey import Question, QuestionSummary, Survey, summarise
from core.outbox.delivery import enqueue
from core.outbox.model import Action, OutgoingMessage
from core.people.access import require_person
from core.reference.errors import DomainError, InvalidAnswer

FINISHED, OPTED_OUT, STARTED = "finished", "opted_out", "started"


class SurveyClosed(DomainError):
    """No survey, or not open now."""

    code = "survey_closed"


@dataclass(frozen=True, slots=True)
class Progress:
    """Where a person stands: the next question (None when all are answered) and the answers."""

    survey: Survey
    next: Question | None
    answers: dict[str, Any]
    status: str | None


@dataclass(frozen=True, slots=True)
class Results:
    """Response rate and per-question summaries."""

    survey: Survey
    invited: int
    finished: int
    started: int
    summaries: list[QuestionSummary]


async def survey_results(uow: UnitOfWork) -> Results | None:
    """Response rate and summaries for the organisers (None without a survey)."""
    survey = await uow.survey.definition()
    if survey is None:
        return None
    invited = sum(1 for p in await uow.people.everyone() if p.has_current_consent())
    answers = [
        (key, value)
        for _p, key, value in await uow.survey.all_answers()
        if value is not None  # skipped optional questions
    ]
    return Results(
        survey,
        invited,
        await uow.survey.count_status(FINISHED),
        await uow.survey.count_status(STARTED),
        summarise(survey, answers),
    )


class SurveyFlow:
    """The survey's rules around storage, for the people answering it."""

    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def prompt_due(self, *, now: datetime) -> int:
        """When the survey is open, invite everyone who has neither finished nor opted out;
        the dedupe key makes this safe to run every minute."""
        async with self.uow() as uow:
            survey = await uow.survey.definition()
            if survey is None or not survey.is_open(now):
                return 0
            added = 0
            for person in await uow.people.everyone():
                if person.unreachable_at is not None or not person.has_current_consent():
                    continue
                if await uow.survey.status(person.telegram_id) in (FINISHED, OPTED_OUT):
                    continue
                added += await enqueue(
                    uow,
                    recipient_id=person.telegram_id,
                    message=OutgoingMessage(
                        key="survey.invite",
                        params={
                            "count": len(survey.questions),
                            "closes": {"dt": survey.closes_at.isoformat()},
                        },
                        buttons=[
                            [
                                Action("feedback.survey.start").button("survey.button.start"),
                                Action("feedback.survey.never").button("survey.button.never"),
                            ]
                        ],
                    ),
                    due_at=now,
                    dedupe_key=f"survey:open:{person.telegram_id}",
                    expires_at=survey.closes_at,
                    now=now,
                )
            await uow.commit()
            return added

    async def progress(self, person: int, *, now: datetime) -> Progress:
        """The next unanswered question (SurveyClosed outside the open window)."""
        async with self.uow() as uow:
            await require_person(uow, person)
            survey = await uow.survey.definition()
            if survey is None or not survey.is_open(now):
                raise SurveyClosed()
            answers = await uow.survey.answers_of(person)
            return Progress(
                survey, survey.next_unanswered(answers), answers, await uow.survey.status(person)
            )

    async def answer(
        self, person: int, key: str, raw: str | list[str], *, now: datetime, skip: bool = False
    ) -> Progress:
        """Validate and save one answer (or change it); finishing marks the response done."""
        async with self.uow() as uow:
            await require_person(uow, person)
            survey = await uow.survey.definition()
            if survey is None or not survey.is_open(now):
                raise SurveyClosed()
            question = survey.question(key)
            if question is None:
                raise SurveyClosed(reason="question")
            value = None if skip else question.parse(raw)
            if skip and question.required:
                raise InvalidAnswer(reason="required", question=key)
            await uow.survey.save_answer(person, key, value, now)
            answers = await uow.survey.answers_of(person)
            nxt = survey.next_unanswered(answers)
            status = FINISHED if nxt is None else STARTED
            await uow.survey.set_status(person, status, now)
            await uow.commit()
            return Progress(survey, nxt, answers, status)

    async def opt_out(self, person: int, *, now: datetime) -> None:
        """Never prompt this person again."""
        async with self.uow() as uow:
            await require_person(uow, person)
            await uow.survey.set_status(person, OPTED_OUT, now)
            await uow.outbox.drop_pending(f"survey:open:{person}", "opted out")
            await uow.commit()

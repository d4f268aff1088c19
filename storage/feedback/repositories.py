"""Repositories for the survey definition, responses and answers, and the follow-up."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.feedback.survey import Option, Question, Survey
from storage.feedback.rows import FollowUpRow, SurveyAnswerRow, SurveyResponseRow, SurveyRow


def survey_to_json(survey: Survey) -> dict[str, Any]:
    """Plain JSON for the definition column."""
    data = asdict(survey)
    data["opens_at"] = survey.opens_at.isoformat()
    data["closes_at"] = survey.closes_at.isoformat()
    return data


def survey_from_json(data: dict[str, Any]) -> Survey:
    """Inverse of survey_to_json."""
    questions = tuple(
        Question(
            key=q["key"],
            kind=q["kind"],
            en=q["en"],
            ko=q["ko"],
            options=tuple(Option(o["key"], o["en"], o["ko"]) for o in q.get("options", ())),
            required=q.get("required", True),
            max_length=q.get("max_length", 1000),
        )
        for q in data["questions"]
    )
    return Survey(
        datetime.fromisoformat(data["opens_at"]),
        datetime.fromisoformat(data["closes_at"]),
        questions,
    )


class SqlSurvey:
    """Survey tables."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def definition(self) -> Survey | None:
        row = await self.s.get(SurveyRow, 1)
        return None if row is None else survey_from_json(row.definition)

    async def set_definition(self, survey: Survey | None) -> None:
        row = await self.s.get(SurveyRow, 1)
        if survey is None:
            if row is not None:
                await self.s.delete(row)
            return
        if row is None:
            row = SurveyRow(id=1, definition={})
            self.s.add(row)
        row.definition = survey_to_json(survey)
        await self.s.flush()

    async def status(self, person: int) -> str | None:
        row = await self.s.get(SurveyResponseRow, person)
        return None if row is None else row.status

    async def set_status(self, person: int, status: str, at: datetime) -> None:
        row = await self.s.get(SurveyResponseRow, person)
        if row is None:
            self.s.add(SurveyResponseRow(telegram_id=person, status=status, updated_at=at))
        else:
            row.status, row.updated_at = status, at
        await self.s.flush()

    async def answers_of(self, person: int) -> dict[str, Any]:
        rows = await self.s.scalars(
            select(SurveyAnswerRow).where(SurveyAnswerRow.telegram_id == person)
        )
        return {r.question_key: r.value["v"] for r in rows}

    async def save_answer(self, person: int, key: str, value: Any, at: datetime) -> None:
        await self.s.execute(
            delete(SurveyAnswerRow).where(
                SurveyAnswerRow.telegram_id == person, SurveyAnswerRow.question_key == key
            )
        )
        self.s.add(SurveyAnswerRow(telegram_id=person, question_key=key, value={"v": value}, at=at))
        await self.s.flush()

    async def all_answers(self) -> list[tuple[int | None, str, Any]]:
        rows = await self.s.scalars(select(SurveyAnswerRow).order_by(SurveyAnswerRow.id))
        return [(r.telegram_id, r.question_key, r.value["v"]) for r in rows]

    async def count_status(self, status: str) -> int:
        return int(
            await self.s.scalar(
                select(func.count())
                .select_from(SurveyResponseRow)
                .where(SurveyResponseRow.status == status)
            )
            or 0
        )


class SqlFollowUps:
    """Follow-up answers."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def save(
        self, person: int, days: int, partners: list[int], proposal: str | None, at: datetime
    ) -> None:
        row = await self.s.get(FollowUpRow, (person, days))
        if row is None:
            row = FollowUpRow(telegram_id=person, days=days)
            self.s.add(row)
        row.partners, row.proposal, row.at = list(partners), proposal, at
        await self.s.flush()

    async def all(self) -> list[tuple[int, int, list[int], str | None]]:
        rows = await self.s.scalars(select(FollowUpRow))
        return [(r.telegram_id, r.days, [int(p) for p in r.partners], r.proposal) for r in rows]

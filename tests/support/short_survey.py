"""A one-question survey, open from the fake clock's now for a week, for tests of buttons."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.feedback.survey import Question, Survey


async def open_short_survey(bot: Any) -> Survey:
    """Store a one-question rating survey that is open now."""
    now = bot.clock.now()
    survey = Survey(
        now, now + timedelta(days=7), (Question("overall", "rating", "Useful?", "유익?"),)
    )
    async with bot.uow() as uow:
        await uow.survey.set_definition(survey)
        await uow.commit()
    return survey

"""A crowd pressing Start together, over real HTTP, against Telegram's limits: 100 people within
a second, each pressing Accept as the privacy notice arrives, all reach the first question.

The production Application long-polls a fake Bot API that refuses more than 30 new messages a
second and more than a burst of 3 then one a second in a chat (benchmarks/crowd.py, which
`python -m benchmarks.rush` times at 200 and 1,000 people, with and without a broadcast).
"""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select

from benchmarks.crowd import EVENT, Crowd, run_crowd
from core.people.person import NOTICE_VERSION
from storage.engine import create_engine
from storage.people.rows import PersonRow

PEOPLE = 100


async def consented(db_url: str) -> int:
    """People stored with the current notice accepted."""
    engine = create_engine(db_url)
    try:
        async with engine.connect() as conn:
            query = select(func.count()).where(PersonRow.consent_version == NOTICE_VERSION)
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


@pytest.mark.slow
async def test_a_hundred_people_starting_together_all_reach_the_first_question(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    result = await run_crowd(Crowd(people=PEOPLE, seconds=1.0), db_url)

    assert result.lost == 0
    for person in result.people:
        t = person.t
        welcome = f"{t('start.welcome', event=EVENT)}\n\n"
        notice = welcome + t("privacy.notice", version=NOTICE_VERSION, event=EVENT)
        [(text, earlier)] = person.chat  # one message: the notice, edited into question 1
        assert earlier == [notice] and person.notice_text == notice
        assert text.startswith(f"{t('consent.accepted')}\n\n")
        assert text.endswith(f"{t('ask.progress', n=1, total=10)}\n{t('ask.full_name')}")
    assert {p.language for p in result.people} == {"en", "ko"}
    assert await consented(db_url) == PEOPLE

    telegram = result.telegram
    assert telegram.creating_calls == PEOPLE  # one new message each, nothing sent twice
    assert (telegram.too_many, telegram.late_answers) == (0, 0), (
        f"{telegram.too_many_global} over the bot's limit, {telegram.too_many_per_chat} over a "
        f"chat's, {telegram.late_answers} press answers too late"
    )
    assert telegram.rejections == [] and telegram.problems == []
    assert result.errors == [] and result.tracebacks == 0
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert logged == [], [r.getMessage() for r in logged]

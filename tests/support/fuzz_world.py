"""The cast the fuzz suite drives (an attendee, an organiser and a stranger, among people whose
rows they must never change) and the checks that run after every step one of them takes."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Awaitable, Collection
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.event_file import load_event_file
from core.event.loading import load_event
from core.feedback.survey import Option, Question, Survey
from core.meetings.messages import calendar_for
from core.people.person import NOTICE_VERSION, Consent, Person
from core.people.profile import Profile, parse_answer
from fake_bot_api import FakeBotApi
from handlers.routes import OUTCOME_ANSWER
from tests.support.client import UserClient
from tests.support.harness import BotUnderTest, strict_fake
from tests.support.invariants import (
    Snapshot,
    changed_for_others,
    decoded,
    limit_problems,
    snapshot,
)
from tests.support.journeys import DEFAULT_ANSWERS, EXAMPLE
from tests.support.personas import ANNA, JIWOO, MIRROR, SENSING
from tests.support.virtual_time import VirtualTimer

ATTENDEE, PARTNER, BYSTANDER, TARGET = 1, 2, 4, 5
ORGANISER, STRANGER = 9000, 666
ROLES = {"attendee": ATTENDEE, "organiser": ORGANISER, "stranger": STRANGER}
PEOPLE_IDS = (ATTENDEE, PARTNER, BYSTANDER, TARGET, ORGANISER, STRANGER)
ORGANISER_SETTINGS: dict[str, Any] = {"organisers": {"telegram_ids": [ORGANISER]}}
CAST: dict[int, dict[str, str]] = {
    ATTENDEE: JIWOO,
    PARTNER: ANNA,
    BYSTANDER: MIRROR,
    TARGET: SENSING,
    ORGANISER: {"full_name": "Olivia Organiser", "organisation": "Forum office"},
}
_CHOICES = {"sector": "academia", "career_stage": "established"}
THINKING_SECONDS = 5.0
#: Telegram's answer to an edit that changes nothing: the bot ignores it on purpose.

#: The survey the world opens: a free-text question the attendee has already answered.
SURVEY_TEXT_KEY = "better"
SURVEY_TEXT_LIMIT = 300

#: What the fuzz suite ran in this pytest session (printed in the terminal summary).
FIGURES: Counter[str] = Counter()


def open_survey(now: Any) -> Survey:
    """Open from now for a week: a rating, a choice and a free-text question."""
    return Survey(
        now,
        now + timedelta(days=7),
        (
            Question("overall", "rating", "How useful?", "얼마나 유익했나요?"),
            Question(
                "again",
                "single",
                "Again next year?",
                "내년에도?",
                options=(Option("yes", "Yes", "네"), Option("no", "No", "아니요")),
            ),
            Question(
                SURVEY_TEXT_KEY,
                "text",
                "What would make it better?",
                "무엇이 더 나아지면 좋을까요?",
                required=False,
                max_length=SURVEY_TEXT_LIMIT,
            ),
        ),
    )


@dataclass(frozen=True)
class Ids:
    """Rows the world holds that presses aim at (the same in every copy of the world)."""

    #: The attendee's meeting with the partner; the partner's with the bystander.
    my_meeting: int
    others_meeting: int
    #: A request to the attendee (pending), and one between two other people (pending).
    request_to_me: int
    others_request: int
    slot_keys: tuple[str, ...]
    session_keys: tuple[str, ...]


class ErrorLog(logging.Handler):
    """Collects ERROR records from every logger while a world runs."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass(repr=False)
class World:
    """The bot, the cast's chats, the ids to aim at, and the state the step checks compare."""

    bot: Any
    ids: Ids
    users: dict[int, UserClient] = field(default_factory=dict)
    log: ErrorLog = field(default_factory=ErrorLog)
    before: Snapshot | None = None
    #: Set once the screens a test needs were opened (examples share one world).
    warm: bool = False
    #: How many messages the bot had sent when the last checked step ended.
    sent_mark: int = 0

    def __repr__(self) -> str:
        return "World(...)"

    def _repr_pretty_(self, printer: Any, _cycle: bool) -> None:
        """Hypothesis prints examples with this: the world is the same in all of them."""
        printer.text(repr(self))

    def actor(self, role: str) -> UserClient:
        """The attendee, the organiser or the stranger."""
        return self.users[ROLES[role]]

    def add_clients(self) -> None:
        """Chats for the cast (all but the stranger have written to the bot before)."""
        for uid, answers in CAST.items():
            self.users[uid] = self.bot.client(uid, answers["full_name"].split()[0])
        self.users[STRANGER] = self.bot.client(STRANGER, "낯선", language_code="ko")

    async def settle(self) -> None:
        """Take the snapshot (and the count of messages) the next step is compared with."""
        self.before = await snapshot(self.bot.settings.database.url, self.bot.uow)
        self.sent_mark = len(self.bot.fake.all_sent())

    async def step(
        self,
        actor: int,
        what: str,
        action: Awaitable[Any],
        allowed: Collection[str] = (),
        *,
        check: bool = True,
    ) -> None:
        """Run one thing a person does, deliver what it queued, then check the invariants:
        no handler error or ERROR log, nothing Telegram would refuse, nobody else's rows
        changed (tables in `allowed` excepted), every stored text within its limit. With
        check=False nothing is delivered yet and the checks wait for the next checked step
        (which covers both)."""
        if self.before is None:
            await self.settle()
        FIGURES["updates"] += 1
        # A person takes a few seconds per step: their chat's send budget has refilled.
        self.bot.timer.advance(THINKING_SECONDS)
        await action
        if not check:
            return
        await self.bot.dispatch()
        problems = self.failures()
        after = await snapshot(self.bot.settings.database.url, self.bot.uow)
        assert self.before is not None
        problems += changed_for_others(self.before, after, actor, allowed)
        problems += limit_problems(after, self.before)
        problems += self.sent_twice()
        self.before = after
        assert not problems, f"after {what}:\n" + "\n".join(problems)

    def rows(self, table: str, **where: Any) -> list[dict[str, Any]]:
        """Rows of a table as the last checked step left them, filtered by column values."""
        assert self.before is not None
        rows = [decoded(table, row) for row in self.before[table]]
        return [row for row in rows if all(row.get(k) == v for k, v in where.items())]

    def sent_twice(self) -> list[str]:
        """The same message twice in one chat since the last checked step."""
        sent = self.bot.fake.all_sent()
        new, self.sent_mark = sent[self.sent_mark :], len(sent)
        seen = Counter((m.chat_id, m.text, m.document.name if m.document else "") for m in new)
        return [
            f"sent twice to {chat}: {text[:80]!r}" for (chat, text, _), n in seen.items() if n > 1
        ]

    def failures(self) -> list[str]:
        """Errors, ERROR logs and Telegram refusals since the last step (then forgotten); an
        edit that would change nothing is a refusal too (the bot must not send it)."""
        bot, problems = self.bot, []
        problems += [f"handler error: {e!r}" for e in bot.errors]
        problems += [f"ERROR log: {r.name}: {r.getMessage()}" for r in self.log.records]
        for rejection in bot.fake.rejections:
            problems.append(
                f"Telegram would refuse {rejection.method}: {rejection.description} "
                f"(params {str(rejection.params)[:300]})"
            )
        problems += [f"unknown Bot API method: {p}" for p in bot.fake.problems]
        bot.errors.clear()
        self.log.records.clear()
        bot.fake.rejections.clear()
        return problems


def opened_fake() -> tuple[FakeBotApi, VirtualTimer]:
    """A strict fake Bot API in which the cast has started the bot (so Telegram knows their
    chats, the organiser's menu included, from the first call on)."""
    timer = VirtualTimer()
    fake = strict_fake(timer)
    for uid in CAST:
        fake.open_chat(uid)
    return fake, timer


async def start_bot(db_url: str, clock: Any) -> Any:
    """The bot under test on `db_url`, with the organiser configured and the cast's chats open."""
    fake, timer = opened_fake()
    return await BotUnderTest.create(
        db_url=db_url, clock=clock, fake=fake, timer=timer, **ORGANISER_SETTINGS
    )


async def seed_person(bot: Any, uid: int, answers: dict[str, str], language: str = "en") -> None:
    """Someone who consented and answered every question, stored as onboarding stores it
    (each answer through the product's own parser), without the dozen updates that takes."""
    now = bot.clock.now()
    values: dict[str, Any] = {
        name: parse_answer(name, raw)
        for name, raw in {**DEFAULT_ANSWERS, **_CHOICES, **answers}.items()
    }
    async with bot.uow() as uow:
        await uow.people.add(Person(uid, language, NOTICE_VERSION, now))
        await uow.consents.add(Consent(uid, NOTICE_VERSION, True, now))
        await uow.profiles.save(Profile(uid, **values))
        await uow.commit()


async def build_world(bot: Any) -> Ids:
    """Load the example event, seed the cast, book and request meetings, answer the outcome
    question and the open survey as the attendee. Returns the ids presses aim at."""
    now = bot.clock.now()
    event = load_event_file(EXAMPLE)
    await load_event(bot.uow, event, force=False, now=now, ics=calendar_for(event.name))
    for uid, answers in CAST.items():
        await seed_person(bot, uid, answers)
    bot.services.partners.invalidate()
    requests = bot.services.meetings.requests
    async with bot.uow() as uow:
        slots = [s.key for s in await uow.meetings.slots() if s.kind.value == "meeting"]
        sessions = tuple(s.key for s in await uow.agenda.sessions())
        await uow.survey.set_definition(open_survey(now))
        await uow.commit()
    first, second, third = slots[:3]
    mine = await requests.request(ATTENDEE, PARTNER, [first], "Cryo?", now=now)
    assert mine.id is not None
    my_meeting = (await requests.accept(mine.id, PARTNER, first, now=now)).meeting.id
    theirs = await requests.request(BYSTANDER, PARTNER, [second], "Theory?", now=now)
    assert theirs.id is not None
    others_meeting = (await requests.accept(theirs.id, PARTNER, second, now=now)).meeting.id
    to_me = await requests.request(BYSTANDER, ATTENDEE, [third], "", now=now)
    others = await requests.request(TARGET, PARTNER, [third], "", now=now)
    assert my_meeting is not None and others_meeting is not None
    assert to_me.id is not None and others.id is not None
    ids = Ids(my_meeting, others_meeting, to_me.id, others.id, tuple(slots), sessions)
    world = World(bot, ids)
    world.add_clients()
    attendee = world.users[ATTENDEE]
    await attendee.press_data(OUTCOME_ANSWER.pack(my_meeting, "i"))
    await attendee.command("feedback")
    await attendee.press("⭐⭐⭐⭐")
    await attendee.press("Yes")
    await attendee.send("Longer meetings")
    await bot.dispatch()
    return ids

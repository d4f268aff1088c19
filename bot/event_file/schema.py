"""The schema: one pydantic table per TOML table, field rules taken from core, and the turn of
valid tables into the core Event (local times become UTC)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from functools import partial
from typing import Annotated, TypeVar
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict

from bot.event_file.messages import Problems
from bot.event_file.positions import Loc
from core.consortia import topics as topic_rules
from core.consortia.model import Topic
from core.event import rules
from core.event.model import Desk, Event, Round
from core.feedback import survey as survey_rules
from core.feedback.survey import (
    DEFAULT_MAX_LENGTH,
    KINDS,
    Option,
    Question,
    QuestionKind,
    Survey,
)
from core.programme.sessions import Session
from core.reference.rules import RuleBroken, blank, positive

ValueT = TypeVar("ValueT")


def _core(rule: Callable[[ValueT], str | None]) -> AfterValidator:
    """A field validator that applies one of core's rules and reports core's words."""

    def check(value: ValueT) -> ValueT:
        problem = rule(value)
        if problem:
            raise ValueError(problem)
        return value

    return AfterValidator(check)


def _text(value: str) -> str:
    """Names people read must say something (core's rule), kept without surrounding spaces."""
    problem = blank(value)
    if problem:
        raise ValueError(problem)
    return value.strip()


def _local(value: datetime) -> datetime:
    """Times are written as the clock on the wall at the event, in whole minutes."""
    if value.tzinfo is not None:
        raise ValueError(
            "write the local time of the event without an offset or Z, e.g. 2025-04-10T09:00:00"
        )
    if value.second or value.microsecond:
        raise ValueError(f"must be a whole minute (got {value:%H:%M:%S})")
    return value


def _questions(value: list[QuestionTable]) -> list[QuestionTable]:
    """A survey without questions would be sent to everyone and ask nothing."""
    if not value:
        raise ValueError(f"{survey_rules.NO_QUESTIONS}: add [[survey.questions]] tables")
    return value


def _windows(value: list[WindowTable]) -> list[WindowTable]:
    """A desk nobody can book is a mistake, not a feature."""
    if not value:
        raise ValueError(f"{rules.NO_WINDOWS}, e.g. [{{start = ..., end = ...}}]")
    return value


Key = Annotated[str, _core(rules.key)]
Text = Annotated[str, AfterValidator(_text)]
LocalTime = Annotated[datetime, AfterValidator(_local)]
SlotMinutes = Annotated[int, _core(rules.slot_minutes)]
Positive = Annotated[int, _core(positive)]
SurveyKey = Annotated[str, _core(survey_rules.key_problem)]


class _Table(BaseModel):
    """Strict: TOML has real types, so "20" for a number is a mistake worth reporting."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class EventTable(_Table):
    """[event]: the days either listed or given as a range."""

    name: Text
    timezone: str
    days: list[date] | None = None
    start_date: date | None = None
    end_date: date | None = None


class RoundTable(_Table):
    """[[rounds]]: a matchmaking window cut into slots."""

    key: Key
    name: Text
    start: LocalTime
    end: LocalTime
    slot_minutes: SlotMinutes
    tables: Annotated[int, _core(rules.tables)]
    location: Text


class WindowTable(_Table):
    """One opening window of a desk."""

    start: LocalTime
    end: LocalTime


class DeskTable(_Table):
    """[[desks]]: a consultation desk."""

    key: Key
    expert: Text
    topic: Text
    slot_minutes: SlotMinutes
    location: Text
    expert_telegram_id: Positive | None = None
    windows: Annotated[list[WindowTable], AfterValidator(_windows)]


class SessionTable(_Table):
    """[[sessions]]: an item of the programme."""

    key: Key
    title: Text
    track: Text
    room: Text
    start: LocalTime
    end: LocalTime
    speakers: list[Text]
    capacity: Positive | None = None
    registration: bool = False
    description: str = ""


class TopicTable(_Table):
    """[[topics]]: a call topic the event's consortia may aim at, with its restrictions."""

    id: Annotated[str, _core(topic_rules.topic_id)]
    title: Text
    action: Annotated[str, _core(topic_rules.action)] | None = None
    pillar: Annotated[str, _core(topic_rules.pillar)] | None = None
    allowed: Annotated[list[str], _core(topic_rules.countries)] | None = None
    excluded: Annotated[list[str], _core(topic_rules.countries)] | None = None
    note: str = ""


class OptionTable(_Table):
    """One choice of a single or multi question: { key = "...", en = "...", ko = "..." }."""

    key: SurveyKey
    en: Text
    ko: Text


class QuestionTable(_Table):
    """[[survey.questions]]: one question in English and Korean."""

    key: SurveyKey
    kind: Annotated[str, _core(survey_rules.kind_problem)]
    en: Text
    ko: Text
    required: bool = True
    max_length: Annotated[int, _core(survey_rules.max_length_problem)] | None = None
    options: list[OptionTable] | None = None


class SurveyTable(_Table):
    """[survey]: when the feedback survey is open, and its questions in asking order."""

    opens: LocalTime
    closes: LocalTime
    questions: Annotated[list[QuestionTable], AfterValidator(_questions)]


#: Tables inside tables, so a misspelt key in one gets hints from its own fields.
_NESTED: dict[str, type[_Table]] = {
    "windows": WindowTable,
    "questions": QuestionTable,
    "options": OptionTable,
}

#: The arrays of tables, in the order their keys share one namespace.
SECTIONS: dict[str, type[_Table]] = {
    "rounds": RoundTable,
    "desks": DeskTable,
    "sessions": SessionTable,
}


def fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the innermost table at loc may have (for "did you mean" hints)."""
    inner = [_NESTED[p] for p in loc if isinstance(p, str) and p in _NESTED]
    return list((inner[-1] if inner else model).model_fields)


#: Core's names for times, as the file writes them.
_FILE_NAMES = {"starts_at": "start", "ends_at": "end", "opens_at": "opens", "closes_at": "closes"}


def make_at(problems: Problems, loc: Loc, make: Callable[[], ValueT]) -> ValueT | None:
    """One core object; if core refuses it, the problem is placed at the field core names."""
    try:
        return make()
    except RuleBroken as exc:
        where = (*loc, *(_FILE_NAMES.get(str(part), part) for part in exc.field))
        problems.add(where, exc.message)
        return None


def to_event(
    event: EventTable,
    problems: Problems,
    *,
    days: Sequence[date],
    zone: ZoneInfo,
    rounds: Sequence[RoundTable],
    desks: Sequence[DeskTable],
    sessions: Sequence[SessionTable],
    survey: SurveyTable | None,
    topics: Sequence[TopicTable] = (),
) -> Event | None:
    """The core Event with every local time turned into UTC. Core's models apply their rules
    again; anything they refuse that the checks let through is still reported at its line."""

    def utc(local: datetime) -> datetime:
        return local.replace(tzinfo=zone).astimezone(UTC)

    def round_(r: RoundTable) -> Round:
        return Round(
            key=r.key,
            name=r.name,
            starts_at=utc(r.start),
            ends_at=utc(r.end),
            slot_minutes=r.slot_minutes,
            tables=r.tables,
            location=r.location,
        )

    def desk(d: DeskTable) -> Desk:
        return Desk(
            key=d.key,
            expert=d.expert,
            topic=d.topic,
            windows=tuple((utc(w.start), utc(w.end)) for w in d.windows),
            slot_minutes=d.slot_minutes,
            location=d.location,
            expert_telegram_id=d.expert_telegram_id,
        )

    def session(s: SessionTable) -> Session:
        return Session(
            key=s.key,
            title=s.title,
            track=s.track,
            room=s.room,
            starts_at=utc(s.start),
            ends_at=utc(s.end),
            speakers=tuple(s.speakers),
            capacity=s.capacity,
            registration=s.registration,
            description=s.description.strip(),
        )

    made = (
        [make_at(problems, ("rounds", i), partial(round_, r)) for i, r in enumerate(rounds)],
        [make_at(problems, ("desks", i), partial(desk, d)) for i, d in enumerate(desks)],
        [make_at(problems, ("sessions", i), partial(session, s)) for i, s in enumerate(sessions)],
    )
    core_survey = _survey(survey, utc, problems) if survey is not None else None
    core_topics = [
        make_at(problems, ("topics", i), partial(_topic, t)) for i, t in enumerate(topics)
    ]
    if problems.found:
        return None
    return make_at(
        problems,
        (),
        lambda: Event(
            name=event.name,
            timezone=zone.key,
            days=tuple(days),
            rounds=tuple(r for r in made[0] if r is not None),
            desks=tuple(d for d in made[1] if d is not None),
            sessions=tuple(s for s in made[2] if s is not None),
            survey=core_survey,
            topics=tuple(t for t in core_topics if t is not None),
        ),
    )


def _topic(table: TopicTable) -> Topic:
    """The core Topic (its pillar read from the identifier when the file gives none)."""
    return topic_rules.make_topic(
        table.id,
        title=table.title,
        action_type=table.action,
        pillar_name=table.pillar,
        allowed=table.allowed or (),
        excluded=table.excluded or (),
        note=table.note,
    )


def _survey(
    table: SurveyTable, utc: Callable[[datetime], datetime], problems: Problems
) -> Survey | None:
    """The core Survey, with the default max_length for questions that give none."""

    def question(i: int, q: QuestionTable) -> Question | None:
        loc: Loc = ("survey", "questions", i)
        options = [
            make_at(problems, (*loc, "options", j), partial(Option, o.key, o.en, o.ko))
            for j, o in enumerate(q.options or ())
        ]
        if None in options:
            return None
        return make_at(
            problems,
            loc,
            lambda: Question(
                key=q.key,
                kind=_as_kind(q.kind),
                en=q.en,
                ko=q.ko,
                options=tuple(o for o in options if o is not None),
                required=q.required,
                max_length=q.max_length if q.max_length is not None else DEFAULT_MAX_LENGTH,
            ),
        )

    questions = [question(i, q) for i, q in enumerate(table.questions)]
    if None in questions:
        return None
    return make_at(
        problems,
        ("survey",),
        lambda: Survey(
            opens_at=utc(table.opens),
            closes_at=utc(table.closes),
            questions=tuple(q for q in questions if q is not None),
        ),
    )


def _as_kind(value: str) -> QuestionKind:
    """Narrow a kind core's rule already checked to the core's literal type."""
    for kind in KINDS:
        if kind == value:
            return kind
    raise ValueError(value)

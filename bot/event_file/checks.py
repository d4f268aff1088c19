"""Checks of a whole event file: every table against the schema, then core's rules across fields
and tables, each problem placed at its line; an Event only when nothing is wrong."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from bot.event_file.messages import Problems, field_message, path, unknown_table
from bot.event_file.positions import Loc
from bot.event_file.schema import (
    SECTIONS,
    EventTable,
    SurveyTable,
    TopicTable,
    fields_at,
    to_event,
)
from core.event import rules
from core.event.model import Event
from core.feedback.survey import options_problem
from core.reference.rules import after, repeats

ModelT = TypeVar("ModelT", bound=BaseModel)
#: A checked span: start, end, where it sits, and how a later overlap names it.
Span = tuple[datetime, datetime, Loc, str]


def _validate(problems: Problems, model: type[ModelT], data: object, loc: Loc) -> ModelT | None:
    """Validate one table, keeping all its errors and letting the others be checked too."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            hints = fields_at(model, error["loc"][:-1])
            problems.add((*loc, *error["loc"]), field_message(error, hints))
        return None


def _zone(problems: Problems) -> ZoneInfo | None:
    """The event's zone, or a problem naming examples of valid ones."""
    name = problems.good(("event", "timezone"), str)
    if name is None:
        return None
    zone = rules.time_zone(name)
    if isinstance(zone, str):
        problems.add(("event", "timezone"), zone)
        return None
    return zone


def _days(problems: Problems) -> list[date]:
    """The event's days from either form, consecutive and not absurdly many."""
    listed = problems.good(("event", "days"), list)
    start = problems.good(("event", "start_date"), date)
    end = problems.good(("event", "end_date"), date)
    raw = problems.doc.get("event")
    given = set(raw) if isinstance(raw, dict) else set()
    if "days" in given:
        if listed is None:
            return []
        if given & {"start_date", "end_date"}:
            problems.add(("event", "days"), "give either days or start_date and end_date, not both")
        if not listed:
            problems.add(("event", "days"), "must list at least one day")
        for i, gap in rules.gaps(listed):
            problems.add(("event", "days", i), gap)
        # Past a gap, check the other tables against the whole range rather than pile up errors.
        days = rules.day_range(min(listed), max(listed)) if listed else []
    elif not given & {"start_date", "end_date"}:
        if isinstance(raw, dict):
            problems.add(("event",), "give days = [2025-04-09, ...] or start_date and end_date")
        return []
    elif start is None or end is None:
        for name in ("start_date", "end_date"):
            if name not in given:
                problems.add(("event", name), "required with the other date (or give days instead)")
        return []
    elif end < start:
        problems.add(("event", "end_date"), f"must not be before start_date {start}")
        return []
    else:
        days = rules.day_range(start, end)
    too_long = rules.too_long(days)
    if too_long:
        problems.add(("event", "days" if "days" in given else "end_date"), too_long)
    return days


def _overlaps(problems: Problems, spans: list[Span], what: str) -> None:
    """Report each span that starts before an earlier one has ended."""
    found = rules.overlaps([(start, end, name) for start, end, _loc, name in spans], what)
    for i, problem in found:
        problems.add((*spans[i][2], "start"), problem)


def _unique(problems: Problems, locs: list[Loc], what: str, note: str = "") -> None:
    """Report every key (at loc + "key") already used at an earlier loc."""
    keys = [problems.good((*loc, "key"), str) for loc in locs]
    for again, first in repeats(keys):
        problems.repeated(locs[again], locs[first], what, str(keys[again]), note)


def _survey_rules(problems: Problems, zone: ZoneInfo | None) -> None:
    """Rules across the fields of [survey]: its window, unique keys, options that fit the kind."""
    opens = problems.good(("survey", "opens"), datetime)
    closes = problems.good(("survey", "closes"), datetime)
    late = after(opens, closes, "opens") if opens is not None and closes is not None else None
    if late:
        problems.add(("survey", "closes"), late)
    for value, name in ((opens, "opens"), (closes, "closes")):
        problem = rules.wall_clock(value, zone) if value is not None and zone else None
        if problem:
            problems.add(("survey", name), problem)

    questions = problems.doc["survey"].get("questions")
    listed = questions if isinstance(questions, list) else []
    _unique(problems, [("survey", "questions", i) for i in range(len(listed))], "question key")
    for i, question in enumerate(listed):
        loc: Loc = ("survey", "questions", i)
        kind = problems.good((*loc, "kind"), str)
        if kind is None or not isinstance(question, dict):
            continue
        options = question.get("options")
        if options is None or isinstance(options, list):
            problem = options_problem(kind, None if options is None else len(options))
            if problem:
                problems.add((*loc, "options"), problem)
        if kind in ("single", "multi") and isinstance(options, list):
            option_locs: list[Loc] = [(*loc, "options", j) for j in range(len(options))]
            _unique(problems, option_locs, "option key")
        if kind != "text" and "max_length" in question:
            problems.add((*loc, "max_length"), "only text questions have a max_length: remove it")


def _topics(problems: Problems) -> list[TopicTable]:
    """[[topics]]: each valid, ids unique, either allowed or excluded countries (not both)."""
    raw = problems.doc.get("topics", [])
    if not isinstance(raw, list):
        problems.add(("topics",), "must be an array of tables: write [[topics]] above each one")
        return []
    tables = [_validate(problems, TopicTable, data, ("topics", i)) for i, data in enumerate(raw)]
    ids = [problems.good(("topics", i, "id"), str) for i in range(len(raw))]
    ids = [i.strip().upper() if i else i for i in ids]
    for again, first in repeats(ids):
        problems.add(
            ("topics", again, "id"),
            f'duplicate topic id "{ids[again]}": already used by {path(("topics", first))} '
            f"(line {problems.line(('topics', first, 'id'))})",
        )
    for i, data in enumerate(raw):
        if isinstance(data, dict) and data.get("allowed") and data.get("excluded"):
            problems.add(
                ("topics", i, "excluded"),
                "give either allowed or excluded countries, not both",
            )
    return [t for t in tables if t is not None]


def check(problems: Problems) -> Event | None:
    """Validate every table (collecting all problems), then the rules across tables."""
    doc = problems.doc
    for name in doc:
        if name not in ("event", "survey", "topics") and name not in SECTIONS:
            problems.add((name,), unknown_table(name, ["event", *SECTIONS, "survey", "topics"]))
    if "event" not in doc:
        problems.add(("event",), "required table [event] is missing")
        event = None
    else:
        event = _validate(problems, EventTable, doc["event"], ("event",))

    items: dict[str, list[Any]] = {}
    for name, model in SECTIONS.items():
        raw = doc.get(name, [])
        if not isinstance(raw, list):
            problems.add((name,), f"must be an array of tables: write [[{name}]] above each one")
            raw = []
        items[name] = [_validate(problems, model, data, (name, i)) for i, data in enumerate(raw)]

    survey: SurveyTable | None = None
    if "survey" in doc:
        if isinstance(doc["survey"], dict):
            survey = _validate(problems, SurveyTable, doc["survey"], ("survey",))
        else:
            problems.add(
                ("survey",),
                "must be a table: write [survey] once, then [[survey.questions]] for each question",
            )

    topics = _topics(problems)
    zone = _zone(problems)
    days = _days(problems)
    if isinstance(doc.get("survey"), dict):
        _survey_rules(problems, zone)

    owners: list[Loc] = [(name, i) for name in SECTIONS for i in range(len(items[name]))]
    _unique(problems, owners, "key", "; keys name rounds, desks and sessions alike")

    def timed(loc: Loc, minutes: int | None) -> tuple[datetime, datetime] | None:
        """Start and end at loc when both are usable and consistent, else None."""
        start = problems.good((*loc, "start"), datetime)
        end = problems.good((*loc, "end"), datetime)
        if start is None or end is None:
            return None
        wrong = rules.span(start, end, days=days, zone=zone)
        for name, problem in wrong:
            problems.add((*loc, name), problem)
        if wrong:
            return None
        short = rules.fit(start, end, minutes) if minutes is not None else None
        if short:
            problems.add((*loc, "slot_minutes") if loc[0] == "rounds" else loc, short)
        return start, end

    round_spans: list[Span] = []
    for i in range(len(items["rounds"])):
        loc: Loc = ("rounds", i)
        span = timed(loc, problems.good((*loc, "slot_minutes"), int))
        if span:
            key = problems.good((*loc, "key"), str)
            round_spans.append((*span, loc, f'"{key}"' if key else path(loc)))
    _overlaps(problems, round_spans, "round")

    for i in range(len(items["desks"])):
        minutes = problems.good(("desks", i, "slot_minutes"), int)
        desk = doc["desks"][i]
        windows = desk.get("windows") if isinstance(desk, dict) else None
        window_spans: list[Span] = []
        for j in range(len(windows) if isinstance(windows, list) else 0):
            loc = ("desks", i, "windows", j)
            span = timed(loc, minutes)
            if span:
                window_spans.append((*span, loc, path(loc[2:])))
        _overlaps(problems, window_spans, "window")

    for i in range(len(items["sessions"])):
        timed(("sessions", i), None)

    if problems.found or event is None or zone is None:
        return None
    return to_event(
        event,
        problems,
        days=days,
        zone=zone,
        rounds=items["rounds"],
        desks=items["desks"],
        sessions=items["sessions"],
        survey=survey,
        topics=topics,
    )

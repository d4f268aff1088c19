"""Event files: one TOML file describes the programme; every error names its line and field."""

from __future__ import annotations

import difflib
import re
import tomllib
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from core.event.model import Desk, Event, Round
from core.feedback.survey import (
    DEFAULT_MAX_LENGTH,
    KINDS,
    MAX_OPTIONS,
    MIN_OPTIONS,
    TEXT_LIMIT,
    Option,
    Question,
    QuestionKind,
    Survey,
)
from core.feedback.survey import KEY_PATTERN as SURVEY_KEY_PATTERN
from core.programme.sessions import Session

#: A position inside the parsed document, as pydantic reports it: ("rounds", 1, "slot_minutes").
Loc = tuple[str | int, ...]

KEY_PATTERN = re.compile(r"[a-z0-9-]{2,32}")
#: Guards against a typo in a year turning the event into months of empty days.
MAX_DAYS = 31
SLOT_MINUTES = (5, 120)
MAX_TABLES = 1000
_ONE_DAY = timedelta(days=1)
_INSTANT = timedelta(microseconds=1)

ModelT = TypeVar("ModelT", bound=BaseModel)
ValueT = TypeVar("ValueT")


class EventFileError(Exception):
    """Everything wrong with an event file, one message per problem: `line N: field: what`."""

    def __init__(self, messages: Sequence[str]) -> None:
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


# --- field rules (pydantic) ------------------------------------------------------------------


def _key(value: str) -> str:
    """Keys end up in slot keys and callback data, so they stay short and URL-safe."""
    if not KEY_PATTERN.fullmatch(value):
        raise ValueError(f'must be 2-32 characters from a-z, 0-9 and "-" (got "{value}")')
    return value


def _text(value: str) -> str:
    """Names people read must say something."""
    value = value.strip()
    if not value:
        raise ValueError("must not be empty")
    return value


def _between(low: int, high: int) -> Callable[[int], int]:
    """A range rule whose message states both bounds, unlike pydantic's one-sided ones."""

    def check(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high} (got {value})")
        return value

    return check


def _positive(value: int) -> int:
    """Counts and Telegram ids start at 1."""
    if value < 1:
        raise ValueError(f"must be 1 or more (got {value})")
    return value


def _local(value: datetime) -> datetime:
    """Times are written as the clock on the wall at the event, in whole minutes."""
    if value.tzinfo is not None:
        raise ValueError(
            "write the local time of the event without an offset or Z, e.g. 2025-04-10T09:00:00"
        )
    if value.second or value.microsecond:
        raise ValueError(f"must be a whole minute (got {value:%H:%M:%S})")
    return value


def _survey_key(value: str) -> str:
    """Survey keys travel two at a time in callback data, so they are shorter than other keys."""
    if not SURVEY_KEY_PATTERN.fullmatch(value):
        raise ValueError(f'must be 1-24 characters from a-z, 0-9 and "-" (got "{value}")')
    return value


def _kind(value: str) -> str:
    """Name the four kinds, since the bot asks each kind differently."""
    if value not in KINDS:
        listed = ", ".join(f'"{kind}"' for kind in KINDS)
        raise ValueError(f'must be one of {listed} (got "{value}")')
    return value


def _questions(value: list[QuestionTable]) -> list[QuestionTable]:
    """A survey without questions would be sent to everyone and ask nothing."""
    if not value:
        raise ValueError("must have at least one question: add [[survey.questions]] tables")
    return value


def _windows(value: list[WindowTable]) -> list[WindowTable]:
    """A desk nobody can book is a mistake, not a feature."""
    if not value:
        raise ValueError("must list at least one window, e.g. [{start = ..., end = ...}]")
    return value


Key = Annotated[str, AfterValidator(_key)]
Text = Annotated[str, AfterValidator(_text)]
LocalTime = Annotated[datetime, AfterValidator(_local)]
SlotMinutes = Annotated[int, AfterValidator(_between(*SLOT_MINUTES))]
Positive = Annotated[int, AfterValidator(_positive)]
SurveyKey = Annotated[str, AfterValidator(_survey_key)]


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
    tables: Annotated[int, AfterValidator(_between(1, MAX_TABLES))]
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


class OptionTable(_Table):
    """One choice of a single or multi question: { key = "...", en = "...", ko = "..." }."""

    key: SurveyKey
    en: Text
    ko: Text


class QuestionTable(_Table):
    """[[survey.questions]]: one question in English and Korean."""

    key: SurveyKey
    kind: Annotated[str, AfterValidator(_kind)]
    en: Text
    ko: Text
    required: bool = True
    max_length: Annotated[int, AfterValidator(_between(1, TEXT_LIMIT))] | None = None
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

_SECTIONS: dict[str, type[_Table]] = {
    "rounds": RoundTable,
    "desks": DeskTable,
    "sessions": SessionTable,
}

_TYPE_MESSAGES = {
    "int_type": "must be a whole number",
    "string_type": 'must be text in "quotes"',
    "bool_type": "must be true or false",
    "datetime_type": "must be a local date and time like 2025-04-10T09:00:00",
    "date_type": "must be a date like 2025-04-10",
    "list_type": "must be a list in [brackets]",
    "model_type": "must be a table",
    "dict_type": "must be a table",
}


def _show(value: object) -> str:
    """The offending value as the organiser wrote it, short."""
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value[:40]}{"…" if len(value) > 40 else ""}"'
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _message(error: ErrorDetails, model: type[BaseModel]) -> str:
    """Plain words for pydantic's error types, with a spelling hint for unknown keys."""
    kind = error["type"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        inner = [_NESTED[p] for p in error["loc"][:-1] if isinstance(p, str) and p in _NESTED]
        fields = inner[-1].model_fields if inner else model.model_fields
        close = difflib.get_close_matches(str(error["loc"][-1]), list(fields), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"unknown key{hint}: remove it or check its spelling"
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind in _TYPE_MESSAGES:
        return f"{_TYPE_MESSAGES[kind]}, got {_show(error['input'])}"
    return error["msg"]


# --- positions (tomllib keeps none) -------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SCALAR = re.compile(r"[^,\]}\r\n#]*")


class _Positions:
    """Finds the line of every table header, key and array element by scanning valid TOML."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.breaks = [i for i, char in enumerate(text) if char == "\n"]
        self.lines: dict[Loc, int] = {}
        #: How many [[array]] tables of each path were seen so far.
        self.arrays: dict[Loc, int] = {}

    def scan(self) -> dict[Loc, int]:
        """Line of each location; best effort (a surprise stops the scan, keeping what it has)."""
        table: Loc = ()
        try:
            while True:
                self._skip(newlines=True)
                if self.pos >= len(self.text):
                    break
                if self.text[self.pos] == "[":
                    double = self.text.startswith("[[", self.pos)
                    self.pos += 2 if double else 1
                    name = self._key()
                    self._skip()
                    self.pos += 2 if double else 1
                    table = self._resolve(name, double)
                    for depth in range(1, len(table) + 1):
                        self._mark(table[:depth])
                else:
                    self._pair(table)
        except (IndexError, ValueError):
            pass
        return self.lines

    def _line(self) -> int:
        return bisect_left(self.breaks, self.pos) + 1

    def _mark(self, loc: Loc) -> None:
        self.lines.setdefault(loc, self._line())

    def _skip(self, *, newlines: bool = False) -> None:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char in " \t" or (newlines and char in "\r\n"):
                self.pos += 1
            elif char == "#":
                end = text.find("\n", self.pos)
                self.pos = len(text) if end < 0 else end
            else:
                break

    def _resolve(self, name: tuple[str, ...], array: bool) -> Loc:
        """Header path with array indices: [[desks.windows]] -> ("desks", 2, "windows", 0)."""
        path: Loc = ()
        for i, part in enumerate(name):
            path = (*path, part)
            if array and i == len(name) - 1:
                index = self.arrays.get(path, 0)
                self.arrays[path] = index + 1
                path = (*path, index)
            elif path in self.arrays:
                path = (*path, self.arrays[path] - 1)
        return path

    def _key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self._skip()
            char = self.text[self.pos]
            if char in "\"'":
                parts.append(self._string())
            else:
                match = _BARE_KEY.match(self.text, self.pos)
                if not match:
                    raise ValueError("not a key")
                parts.append(match.group())
                self.pos = match.end()
            self._skip()
            if self.text[self.pos] != ".":
                return tuple(parts)
            self.pos += 1

    def _pair(self, table: Loc) -> None:
        name = self._key()
        for depth in range(1, len(name) + 1):
            self._mark((*table, *name[:depth]))
        self._skip()
        if self.text[self.pos] != "=":
            raise ValueError("expected =")
        self.pos += 1
        self._skip()
        self._value((*table, *name))

    def _value(self, loc: Loc) -> None:
        char = self.text[self.pos]
        if char == "[":
            self.pos += 1
            index = 0
            while True:
                self._skip(newlines=True)
                if self.text[self.pos] == "]":
                    self.pos += 1
                    return
                start = self.pos
                self._mark((*loc, index))
                self._value((*loc, index))
                self._skip(newlines=True)
                if self.text[self.pos] == ",":
                    self.pos += 1
                elif self.pos == start:
                    raise ValueError("no progress")
                index += 1
        elif char == "{":
            self.pos += 1
            while True:
                self._skip(newlines=True)
                if self.text[self.pos] == "}":
                    self.pos += 1
                    return
                self._pair(loc)
                self._skip(newlines=True)
                if self.text[self.pos] == ",":
                    self.pos += 1
        elif char in "\"'":
            self._string()
        else:
            match = _SCALAR.match(self.text, self.pos)
            assert match is not None  # the pattern also matches the empty string
            self.pos = match.end()

    def _string(self) -> str:
        """Skip a string of any of TOML's four kinds; return its raw content (for quoted keys)."""
        text, start = self.text, self.pos
        quote = text[start]
        if text.startswith(quote * 3, start):
            i = start + 3
            while not text.startswith(quote * 3, i):
                i += 2 if quote == '"' and text[i] == "\\" else 1
                if i >= len(text):
                    raise ValueError("unterminated string")
            end = i + 3
            while end < len(text) and text[end] == quote and end - i < 5:
                end += 1  # up to two quotes may end the content itself
            self.pos = end
            return text[start + 3 : end - 3]
        i = start + 1
        while text[i] != quote:
            i += 2 if quote == '"' and text[i] == "\\" else 1
        self.pos = i + 1
        return text[start + 1 : i]


# --- loading ------------------------------------------------------------------------------------


@dataclass
class _Check:
    """Problems found so far, with the positions needed to phrase them."""

    lines: dict[Loc, int]
    doc: dict[str, Any]
    problems: list[tuple[Loc, str]] = field(default_factory=list)

    def good(self, loc: Loc, kind: type[ValueT]) -> ValueT | None:
        """A value that passed its own rules, so rules across fields can use it even when another
        field of the same table failed (every problem is reported, not only the first)."""
        if any(loc[: len(bad)] == bad or bad[: len(loc)] == loc for bad, _ in self.problems):
            return None
        value: Any = self.doc
        for part in loc:
            found = (isinstance(value, list) and isinstance(part, int) and part < len(value)) or (
                isinstance(value, dict) and part in value
            )
            if not found:
                return None
            value = value[part]
        if isinstance(value, bool) and kind is not bool:
            return None
        return value if isinstance(value, kind) else None

    def add(self, loc: Loc, message: str) -> None:
        self.problems.append((loc, message))

    def line(self, loc: Loc) -> int:
        """Line of the deepest part of loc the file has: the key, else its table's header."""
        for depth in range(len(loc), 0, -1):
            if loc[:depth] in self.lines:
                return self.lines[loc[:depth]]
        return 1

    def validate(self, model: type[ModelT], data: object, loc: Loc) -> ModelT | None:
        """Validate one table, keeping all its errors and letting the others be checked too."""
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                self.add((*loc, *error["loc"]), _message(error, model))
            return None

    def messages(self) -> list[str]:
        """Sorted by line, so the list reads like the file."""
        ordered = sorted(self.problems, key=lambda item: self.line(item[0]))
        return [f"line {self.line(loc)}: {_path(loc)}: {message}" for loc, message in ordered]


def _path(loc: Loc) -> str:
    """rounds[1].slot_minutes (indices count from 0, like the TOML arrays they point into)."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f"{'.' if text else ''}{part}"
    return text or "(file)"


def _hm(value: datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M}"


def _zone(name: str, check: _Check) -> ZoneInfo | None:
    """The event's zone, or a problem naming an example of a valid one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        check.add(
            ("event", "timezone"),
            f'unknown IANA time zone "{name}" (e.g. "Europe/Brussels" or "Asia/Seoul")',
        )
        return None


def _days(check: _Check) -> list[date]:
    """The event's days from either form, consecutive and not absurdly many."""
    listed = check.good(("event", "days"), list)
    start = check.good(("event", "start_date"), date)
    end = check.good(("event", "end_date"), date)
    raw = check.doc.get("event")
    given = set(raw) if isinstance(raw, dict) else set()
    if "days" in given:
        if listed is None:
            return []
        if given & {"start_date", "end_date"}:
            check.add(("event", "days"), "give either days or start_date and end_date, not both")
        if not listed:
            check.add(("event", "days"), "must list at least one day")
        for i in range(1, len(listed)):
            expected = listed[i - 1] + _ONE_DAY
            if listed[i] != expected:
                check.add(
                    ("event", "days", i),
                    f"days must be consecutive: expected {expected} after {listed[i - 1]}",
                )
        # Past a gap, check the other tables against the whole range rather than pile up errors.
        days: list[date] = [min(listed) + i * _ONE_DAY for i in range(_span_days(listed))]
    elif not given & {"start_date", "end_date"}:
        if isinstance(raw, dict):
            check.add(("event",), "give days = [2025-04-09, ...] or start_date and end_date")
        return []
    elif start is None or end is None:
        for name in ("start_date", "end_date"):
            if name not in given:
                check.add(("event", name), "required with the other date (or give days instead)")
        return []
    elif end < start:
        check.add(("event", "end_date"), f"must not be before start_date {start}")
        return []
    else:
        count = (end - start).days + 1
        days = [start + i * _ONE_DAY for i in range(min(count, MAX_DAYS + 1))]
    if len(days) > MAX_DAYS:
        check.add(
            ("event", "days" if "days" in given else "end_date"),
            f"an event lasts at most {MAX_DAYS} days",
        )
    return days


def _span_days(days: list[date]) -> int:
    """Number of days from the earliest to the latest, both included (capped for safety)."""
    return min((max(days) - min(days)).days + 1, MAX_DAYS + 1) if days else 0


def _wall_clock(local: datetime, zone: ZoneInfo) -> str | None:
    """A problem when a local time is skipped or repeated by a daylight-saving change."""
    aware = local.replace(tzinfo=zone)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != local:
        return f"{_hm(local)} does not exist in {zone.key} (the clocks jump forward)"
    if aware.utcoffset() != local.replace(tzinfo=zone, fold=1).utcoffset():
        return f"{_hm(local)} happens twice in {zone.key} (the clocks go back): pick another time"
    return None


def _span(
    start: datetime,
    end: datetime,
    loc: Loc,
    check: _Check,
    *,
    days: list[date],
    zone: ZoneInfo | None,
) -> bool:
    """Start before end, on event days, at times that exist; False when start/end are unusable."""
    if end <= start:
        check.add((*loc, "end"), f"must be after start ({_hm(start)})")
        return False
    good = True
    # An end at midnight closes the day before, so it is checked as that day's last instant.
    last_day = (end - _INSTANT).date()
    for day, name in ((start.date(), "start"), (last_day, "end")):
        if days and day not in days and not (name == "end" and day == start.date()):
            check.add((*loc, name), f"{day} is not a day of the event ({days[0]} to {days[-1]})")
            good = False
    for value, name in ((start, "start"), (end, "end")):
        problem = _wall_clock(value, zone) if zone else None
        if problem:
            check.add((*loc, name), problem)
            good = False
    return good


def _no_overlap(spans: list[tuple[datetime, datetime, Loc, str]], what: str, check: _Check) -> None:
    """Report each span that starts before an earlier one has ended."""
    latest: tuple[datetime, datetime, Loc, str] | None = None
    for span in sorted(spans, key=lambda item: (item[0], item[1])):
        if latest is not None and span[0] < latest[1]:
            check.add(
                (*span[2], "start"),
                f"overlaps {what} {latest[3]} ({_hm(latest[0])}-{latest[1]:%H:%M})",
            )
        if latest is None or span[1] > latest[1]:
            latest = span


def _parse(doc: dict[str, Any], check: _Check) -> Event | None:
    """Validate every table (collecting all problems), then the rules across tables."""
    for name in doc:
        if name not in ("event", "survey") and name not in _SECTIONS:
            close = difflib.get_close_matches(name, ["event", *_SECTIONS, "survey"], n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            check.add(
                (name,),
                f"unknown table{hint}: the file has [event], [[rounds]], "
                "[[desks]] and [[sessions]]",
            )
    if "event" not in doc:
        check.add(("event",), "required table [event] is missing")
        event = None
    else:
        event = check.validate(EventTable, doc["event"], ("event",))

    items: dict[str, list[Any]] = {}
    for name, model in _SECTIONS.items():
        raw = doc.get(name, [])
        if not isinstance(raw, list):
            check.add((name,), f"must be an array of tables: write [[{name}]] above each one")
            raw = []
        items[name] = [check.validate(model, data, (name, i)) for i, data in enumerate(raw)]

    survey: SurveyTable | None = None
    if "survey" in doc:
        if isinstance(doc["survey"], dict):
            survey = check.validate(SurveyTable, doc["survey"], ("survey",))
        else:
            check.add(
                ("survey",),
                "must be a table: write [survey] once, then [[survey.questions]] for each question",
            )

    timezone = check.good(("event", "timezone"), str)
    zone = _zone(timezone, check) if timezone is not None else None
    days = _days(check)
    if isinstance(doc.get("survey"), dict):
        _survey_rules(check, zone)

    owners: dict[str, Loc] = {}
    for name in _SECTIONS:
        for i in range(len(items[name])):
            key = check.good((name, i, "key"), str)
            if key is None:
                continue
            if key in owners:
                first = owners[key]
                check.add(
                    (name, i, "key"),
                    f'duplicate key "{key}": already used by {_path(first)} '
                    f"(line {check.line((*first, 'key'))}); keys name rounds, desks and "
                    "sessions alike",
                )
            else:
                owners[key] = (name, i)

    def timed(loc: Loc, minutes: int | None) -> tuple[datetime, datetime] | None:
        """Start and end at loc when both are usable and consistent, else None."""
        start = check.good((*loc, "start"), datetime)
        end = check.good((*loc, "end"), datetime)
        if start is None or end is None or not _span(start, end, loc, check, days=days, zone=zone):
            return None
        if minutes is not None and end - start < timedelta(minutes=minutes):
            where = (*loc, "slot_minutes") if loc[0] == "rounds" else loc
            check.add(
                where,
                f"a {minutes}-minute slot does not fit between {start:%H:%M} and {end:%H:%M}",
            )
        return start, end

    round_spans: list[tuple[datetime, datetime, Loc, str]] = []
    for i in range(len(items["rounds"])):
        loc: Loc = ("rounds", i)
        span = timed(loc, check.good((*loc, "slot_minutes"), int))
        if span:
            key = check.good((*loc, "key"), str)
            round_spans.append((*span, loc, f'"{key}"' if key else _path(loc)))
    _no_overlap(round_spans, "round", check)

    for i in range(len(items["desks"])):
        minutes = check.good(("desks", i, "slot_minutes"), int)
        desk = check.doc["desks"][i]
        windows = desk.get("windows") if isinstance(desk, dict) else None
        count = len(windows) if isinstance(windows, list) else 0
        window_spans: list[tuple[datetime, datetime, Loc, str]] = []
        for j in range(count):
            loc = ("desks", i, "windows", j)
            span = timed(loc, minutes)
            if span:
                window_spans.append((*span, loc, _path(loc[2:])))
        _no_overlap(window_spans, "window", check)

    for i in range(len(items["sessions"])):
        timed(("sessions", i), None)

    if check.problems or event is None or zone is None:
        return None
    return _build(
        event,
        days=days,
        zone=zone,
        rounds=items["rounds"],
        desks=items["desks"],
        sessions=items["sessions"],
        survey=survey,
    )


def _survey_rules(check: _Check, zone: ZoneInfo | None) -> None:
    """Rules across the fields of [survey]: its window, unique keys, options that fit the kind."""
    opens = check.good(("survey", "opens"), datetime)
    closes = check.good(("survey", "closes"), datetime)
    if opens is not None and closes is not None and closes <= opens:
        check.add(("survey", "closes"), f"must be after opens ({_hm(opens)})")
    for value, name in ((opens, "opens"), (closes, "closes")):
        problem = _wall_clock(value, zone) if value is not None and zone else None
        if problem:
            check.add(("survey", name), problem)

    questions = check.doc["survey"].get("questions")
    first: dict[str, Loc] = {}
    for i, question in enumerate(questions if isinstance(questions, list) else []):
        loc: Loc = ("survey", "questions", i)
        _unique(check.good((*loc, "key"), str), loc, first, check, "question")
        kind = check.good((*loc, "kind"), str)
        if kind is None or not isinstance(question, dict):
            continue
        options = question.get("options")
        if kind in ("single", "multi"):
            if options is None or (
                isinstance(options, list) and not MIN_OPTIONS <= len(options) <= MAX_OPTIONS
            ):
                check.add((*loc, "options"), f"{kind} needs {MIN_OPTIONS} to {MAX_OPTIONS} options")
            seen: dict[str, Loc] = {}
            for j in range(len(options) if isinstance(options, list) else 0):
                option = (*loc, "options", j)
                _unique(check.good((*option, "key"), str), option, seen, check, "option")
        elif isinstance(options, list) and options:
            answer = "people rate 1 to 5" if kind == "rating" else "people type their answer"
            check.add((*loc, "options"), f"{kind} questions have no options ({answer}): remove it")
        if kind != "text" and "max_length" in question:
            check.add((*loc, "max_length"), "only text questions have a max_length: remove it")


def _unique(key: str | None, loc: Loc, first: dict[str, Loc], check: _Check, what: str) -> None:
    """Report a key already used by an earlier question (or option of the same question)."""
    if key is None:
        return
    if key not in first:
        first[key] = loc
        return
    used = first[key]
    check.add(
        (*loc, "key"),
        f'duplicate {what} key "{key}": already used by {_path(used)} '
        f"(line {check.line((*used, 'key'))})",
    )


def _build(
    event: EventTable,
    *,
    days: list[date],
    zone: ZoneInfo,
    rounds: Sequence[RoundTable | None],
    desks: Sequence[DeskTable | None],
    sessions: Sequence[SessionTable | None],
    survey: SurveyTable | None,
) -> Event:
    """The core Event with every local time turned into UTC."""

    def utc(local: datetime) -> datetime:
        return local.replace(tzinfo=zone).astimezone(UTC)

    return Event(
        name=event.name,
        timezone=zone.key,
        days=tuple(days),
        rounds=tuple(
            Round(
                key=r.key,
                name=r.name,
                starts_at=utc(r.start),
                ends_at=utc(r.end),
                slot_minutes=r.slot_minutes,
                tables=r.tables,
                location=r.location,
            )
            for r in rounds
            if r is not None
        ),
        desks=tuple(
            Desk(
                key=d.key,
                expert=d.expert,
                topic=d.topic,
                windows=tuple((utc(w.start), utc(w.end)) for w in d.windows),
                slot_minutes=d.slot_minutes,
                location=d.location,
                expert_telegram_id=d.expert_telegram_id,
            )
            for d in desks
            if d is not None
        ),
        sessions=tuple(
            Session(
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
            for s in sessions
            if s is not None
        ),
        survey=_survey(survey, utc) if survey is not None else None,
    )


def _survey(table: SurveyTable, utc: Callable[[datetime], datetime]) -> Survey:
    """The core Survey; the loader's rules already cover every check its constructor makes."""
    return Survey(
        opens_at=utc(table.opens),
        closes_at=utc(table.closes),
        questions=tuple(
            Question(
                key=q.key,
                kind=_as_kind(q.kind),
                en=q.en,
                ko=q.ko,
                options=tuple(Option(key=o.key, en=o.en, ko=o.ko) for o in q.options or ()),
                required=q.required,
                max_length=q.max_length if q.max_length is not None else DEFAULT_MAX_LENGTH,
            )
            for q in table.questions
        ),
    )


def _as_kind(value: str) -> QuestionKind:
    """Narrow a kind the _kind rule already checked to the core's literal type."""
    for kind in KINDS:
        if kind == value:
            return kind
    raise ValueError(value)


_TIME_WITHOUT_SECONDS = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?![:\d])")
_DECODE_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)|\s*\(at end of document\)")


def _syntax_error(text: str, exc: tomllib.TOMLDecodeError) -> str:
    """tomllib's message in our format, with the fix for the commonest slip (no seconds)."""
    found = _DECODE_POSITION.search(str(exc))
    line = int(found.group(1)) if found and found.group(1) else text.count("\n") + 1
    message = _DECODE_POSITION.sub("", str(exc))
    source = text.splitlines()[line - 1] if line <= len(text.splitlines()) else ""
    if _TIME_WITHOUT_SECONDS.search(source.split("#")[0]):
        message += " (TOML times need seconds: write 2025-04-10T09:00:00, not 2025-04-10T09:00)"
    return f"line {line}: not valid TOML: {message}"


def parse_event_toml(text: str) -> Event:
    """Event from TOML text; raises EventFileError listing every problem found."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise EventFileError([_syntax_error(text, exc)]) from None
    check = _Check(_Positions(text).scan(), doc)
    event = _parse(doc, check)
    if event is None:
        raise EventFileError(check.messages())
    return event


def load_event_file(path: str | Path) -> Event:
    """Event from a TOML file; unreadable files are reported like any other problem."""
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EventFileError([f"cannot read {path}: {exc}"]) from None
    return parse_event_toml(text)

"""The event survey: questions in both languages, answer checks, and the per-question summary."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

from core.people.profile import clean_text
from core.reference.errors import InvalidAnswer
from core.reference.rules import RuleBroken, after, between, blank, repeats

QuestionKind = Literal["rating", "single", "multi", "text"]

KINDS: tuple[QuestionKind, ...] = get_args(QuestionKind)
#: Keys travel in callback data (64 bytes) next to each other, so they stay short slugs.
KEY_PATTERN = re.compile(r"[a-z0-9-]{1,24}")
#: Fewer than two is no choice; more than twelve no longer fits as buttons under one message.
MIN_OPTIONS = 2
MAX_OPTIONS = 12
RATING_MIN = 1
RATING_MAX = 5
RATING_KEYS = tuple(str(n) for n in range(RATING_MIN, RATING_MAX + 1))
#: A text answer must fit in one Telegram message (4096 characters) when organisers read it.
TEXT_LIMIT = 4000
DEFAULT_MAX_LENGTH = 1000
#: A survey without questions would be sent to everyone and ask nothing.
NO_QUESTIONS = "must have at least one question"

Answer = str | int | list[str]


def key_problem(key: str) -> str | None:
    """Keys travel two at a time in callback data and name CSV columns, so they are short slugs."""
    if KEY_PATTERN.fullmatch(key):
        return None
    return f'must be 1-24 characters from a-z, 0-9 and "-" (got "{key}")'


def kind_problem(kind: str) -> str | None:
    """Name the four kinds, since the bot asks each kind differently."""
    if kind in KINDS:
        return None
    listed = ", ".join(f'"{known}"' for known in KINDS)
    return f'must be one of {listed} (got "{kind}")'


def options_problem(kind: str, count: int | None) -> str | None:
    """Choices need 2 to 12 options (None: none given); ratings and texts take none."""
    if kind in ("single", "multi"):
        if count is None or not MIN_OPTIONS <= count <= MAX_OPTIONS:
            return f"{kind} needs {MIN_OPTIONS} to {MAX_OPTIONS} options"
    elif count:
        answer = "people rate 1 to 5" if kind == "rating" else "people type their answer"
        return f"{kind} questions have no options ({answer}): remove it"
    return None


def max_length_problem(value: int) -> str | None:
    """A text answer must fit in one message when organisers read it."""
    return between(value, 1, TEXT_LIMIT)


def _check_key(key: str, what: str) -> None:
    """Refuse keys that would not survive callback data or a CSV column name."""
    problem = key_problem(key)
    if problem:
        raise RuleBroken(what, ("key",), problem)


def _check_wording(en: str, ko: str, what: str) -> None:
    """Both languages are shown to someone, so neither may be blank."""
    for name, text in (("en", en), ("ko", ko)):
        problem = blank(text)
        if problem:
            raise RuleBroken(what, (name,), problem)


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a single or multiple choice question, labelled in both languages."""

    key: str
    en: str
    ko: str

    def __post_init__(self) -> None:
        """Refuse options that could not be stored as a key or shown in either language."""
        _check_key(self.key, "option")
        _check_wording(self.en, self.ko, f"option {self.key!r}")

    def label(self, language: str) -> str:
        """The option in the reader's language (Korean for "ko", English otherwise)."""
        return self.ko if language == "ko" else self.en


@dataclass(frozen=True, slots=True)
class Question:
    """One survey question; `parse` is the only way an answer gets into storage."""

    key: str
    kind: QuestionKind
    en: str
    ko: str
    options: tuple[Option, ...] = ()
    required: bool = True
    max_length: int = DEFAULT_MAX_LENGTH

    def __post_init__(self) -> None:
        """Refuse questions a participant could not answer: no options to pick, or too many."""
        owner = f"question {self.key!r}"
        _check_key(self.key, "question")
        problem = kind_problem(self.kind)
        if problem:
            raise RuleBroken(owner, ("kind",), problem)
        _check_wording(self.en, self.ko, owner)
        object.__setattr__(self, "options", tuple(self.options))
        problem = options_problem(self.kind, len(self.options))
        if problem:
            raise RuleBroken(owner, ("options",), problem)
        for again, first in repeats([o.key for o in self.options]):
            raise RuleBroken(
                owner,
                ("options", again, "key"),
                f"option key {self.options[again].key!r} is used twice: keys must be unique",
                first=("options", first),
            )
        problem = max_length_problem(self.max_length)
        if problem:
            raise RuleBroken(owner, ("max_length",), problem)

    def text(self, language: str) -> str:
        """The question in the reader's language (Korean for "ko", English otherwise)."""
        return self.ko if language == "ko" else self.en

    def option(self, key: str) -> Option | None:
        """The option with this key, or None for a forged or outdated key."""
        return next((o for o in self.options if o.key == key), None)

    def option_label(self, key: str, language: str) -> str:
        """Label of a stored choice; a key no longer in the file shows as itself, not an error."""
        found = self.option(key)
        return found.label(language) if found else key

    def parse(self, raw: str | list[str]) -> Answer:
        """The value to store for one answer, so nothing unchecked (forged, stale) is ever saved."""
        # InvalidAnswer reasons: "rating" (not a whole number 1-5), "option" (a key this question
        # does not offer), "required" (no choice on a required multiple choice), "empty" (no
        # text), "too_long" (with `limit` and `length`). Every error also names the `question`.
        if self.kind == "rating":
            return self._rating(raw)
        if self.kind == "single":
            if not isinstance(raw, str) or self.option(raw.strip()) is None:
                raise InvalidAnswer(reason="option", question=self.key)
            return raw.strip()
        if self.kind == "multi":
            return self._multi([raw] if isinstance(raw, str) else raw)
        if not isinstance(raw, str):  # a button press where typing was expected
            raise InvalidAnswer(reason="empty", question=self.key)
        text = clean_text(raw)
        if not text:
            raise InvalidAnswer(reason="empty", question=self.key)
        if len(text) > self.max_length:
            raise InvalidAnswer(
                reason="too_long", question=self.key, limit=self.max_length, length=len(text)
            )
        return text

    def _rating(self, raw: object) -> int:
        """ASCII digits only, so "٣" or "３" or "1e0" are refused as clearly as "six"."""
        digits = raw.strip() if isinstance(raw, str) else ""
        if not (0 < len(digits) <= 3 and digits.isascii() and digits.isdigit()):
            raise InvalidAnswer(reason="rating", question=self.key)
        value = int(digits)
        if not RATING_MIN <= value <= RATING_MAX:
            raise InvalidAnswer(reason="rating", question=self.key)
        return value

    def _multi(self, raw: object) -> list[str]:
        """Known keys, each once, in the order the question lists them."""
        if not isinstance(raw, list | tuple):
            raise InvalidAnswer(reason="option", question=self.key)
        chosen: set[str] = set()
        for item in raw:
            if not isinstance(item, str) or self.option(item.strip()) is None:
                raise InvalidAnswer(reason="option", question=self.key)
            chosen.add(item.strip())
        if not chosen and self.required:
            raise InvalidAnswer(reason="required", question=self.key)
        return [o.key for o in self.options if o.key in chosen]


@dataclass(frozen=True, slots=True)
class Survey:
    """The event's survey: its questions in asking order and the window in which it is open."""

    opens_at: datetime
    closes_at: datetime
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        """Keep times in UTC and refuse surveys nobody could answer or whose answers would clash."""
        for name in ("opens_at", "closes_at"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"survey {name} must be timezone-aware (got {value.isoformat()})")
            object.__setattr__(self, name, value.astimezone(UTC))
        problem = after(self.opens_at, self.closes_at, "opens")
        if problem:
            raise RuleBroken("survey", ("closes_at",), problem)
        object.__setattr__(self, "questions", tuple(self.questions))
        if not self.questions:
            raise RuleBroken("survey", ("questions",), NO_QUESTIONS)
        for again, first in repeats([q.key for q in self.questions]):
            raise RuleBroken(
                "survey",
                ("questions", again, "key"),
                f"question key {self.questions[again].key!r} is used twice: keys must be unique",
                first=("questions", first),
            )

    def question(self, key: str) -> Question | None:
        """The question with this key, or None for a forged or outdated key."""
        return next((q for q in self.questions if q.key == key), None)

    def is_open(self, now: datetime) -> bool:
        """Answers count from the opening minute up to, not including, the closing one."""
        return self.opens_at <= now < self.closes_at

    def next_unanswered(self, answered: Collection[str]) -> Question | None:
        """Where a person resumes: the first question in order they have not answered yet."""
        return next((q for q in self.questions if q.key not in answered), None)


@dataclass(frozen=True, slots=True)
class QuestionSummary:
    """What the organisers see for one question: how many answered and how they answered."""

    question: Question
    answered: int
    #: Option key (single/multi) or "1".."5" (rating) -> count, every key present in order.
    counts: dict[str, int]
    #: Mean rating; None for other kinds and for a rating nobody gave.
    mean: float | None
    #: Free-text answers in the order given (text questions only).
    texts: tuple[str, ...]


def _stored(question: Question, value: object) -> Answer | None:
    """A stored value as this question now reads it; None when it no longer fits (file edited)."""
    if question.kind == "rating":
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value if RATING_MIN <= value <= RATING_MAX else None
    if question.kind == "multi":
        if not isinstance(value, list | tuple):
            return None
        known = {item for item in value if isinstance(item, str) and question.option(item)}
        return [o.key for o in question.options if o.key in known]
    if not isinstance(value, str):
        return None
    if question.kind == "text":  # kept as written even if max_length was lowered since
        return value if value.strip() else None
    try:
        return question.parse(value)
    except InvalidAnswer:
        return None


def summarise(survey: Survey, answers: Iterable[tuple[str, object]]) -> list[QuestionSummary]:
    """Counts, mean and texts per question, in survey order, for the organisers' results."""
    # Unknown question keys and values that no longer fit their question (an option removed from
    # the file after people chose it) are left out rather than failing the whole report.
    counts: dict[str, dict[str, int]] = {}
    answered: dict[str, int] = {}
    ratings: dict[str, list[int]] = {}
    texts: dict[str, list[str]] = {}
    for question in survey.questions:
        keys = RATING_KEYS if question.kind == "rating" else [o.key for o in question.options]
        counts[question.key] = dict.fromkeys(keys, 0)
        answered[question.key] = 0
        ratings[question.key] = []
        texts[question.key] = []
    for key, raw in answers:
        asked = survey.question(key)
        value = _stored(asked, raw) if asked else None
        if asked is None or value is None:
            continue
        answered[key] += 1
        if isinstance(value, int):
            counts[key][str(value)] += 1
            ratings[key].append(value)
        elif isinstance(value, list):
            for choice in value:
                counts[key][choice] += 1
        elif asked.kind == "single":
            counts[key][value] += 1
        else:
            texts[key].append(value)
    return [
        QuestionSummary(
            question=q,
            answered=answered[q.key],
            counts=counts[q.key],
            mean=sum(ratings[q.key]) / len(ratings[q.key]) if ratings[q.key] else None,
            texts=tuple(texts[q.key]),
        )
        for q in survey.questions
    ]

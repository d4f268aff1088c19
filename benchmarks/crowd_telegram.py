"""Telegram's side of the event-day crowd: the strict fake Bot API served over HTTP, and the
people who press /start and then Accept on the privacy notice the moment it reaches them.

It runs in a process of its own by default (``serve_crowd`` is the child's entry point), so the
fake's HTTP threads do not take the bot's CPU (nor its GIL), as Telegram's servers would not; a
thread works the same way. It talks to the bot's side over a multiprocessing connection: it sends
("ready", base_url, file_url), waits for "go", runs the crowd, sends ("report", TelegramReport),
and keeps serving until "stop" (the bot still calls the API while it shuts down).
"""

from __future__ import annotations

import random
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from benchmarks.broadcast_audience import FIRST_ID as AUDIENCE_FIRST_ID
from fake_bot_api import FakeBotApi, FakeBotApiServer, JSONDict, SentFile
from fake_bot_api.limits import GLOBAL_LIMITED_METHODS
from handlers.i18n import Translator

#: The crowd's user ids (the broadcast audience is seeded from AUDIENCE_FIRST_ID up).
CROWD_FIRST_ID = 7_000_000
POLL_SECONDS = 0.01


@dataclass(frozen=True, slots=True)
class Crowd:
    """One rush: who arrives when, the limits on both sides, and the broadcast beside it."""

    people: int = 200
    #: Arrivals are spread over this many seconds from t=0.
    seconds: float = 5.0
    #: Seeded recipients of a broadcast sent at t=0 (0: none).
    broadcast: int = 0
    #: The bot's outbox.max_per_second (0.97 x the fake's limit, as benchmarks.rush passes).
    rate: float = 29.1
    #: The fake's limit: new messages a second for the bot.
    limit: float = 30.0
    chat_burst: int = 3
    chat_interval: float = 1.0
    #: "even" (one every S/(N-1) seconds) or "random" (uniform over S, seeded).
    arrivals: str = "even"
    seed: int = 13
    #: Every n-th person writes in Korean (0: nobody).
    korean_every: int = 10
    #: Give up waiting for the first questions after this many seconds (None: generous).
    timeout: float | None = None

    def offsets(self) -> list[float]:
        """Seconds after t=0 at which each person presses /start, in order."""
        if self.arrivals == "random":
            rng = random.Random(self.seed)
            return sorted(rng.uniform(0, self.seconds) for _ in range(self.people))
        step = self.seconds / max(self.people - 1, 1)
        return [i * step for i in range(self.people)]

    def patience(self) -> float:
        """How long after the last arrival to wait for everyone's first question."""
        if self.timeout is not None:
            return self.timeout
        return 3 * (self.people / self.rate + self.seconds) + 30


@dataclass(slots=True)
class Person:
    """One person in the crowd, what reached their chat and when (monotonic seconds)."""

    user_id: int
    language: str
    started_at: float | None = None
    notice_at: float | None = None
    notice_id: int | None = None
    notice_text: str = ""
    question_at: float | None = None
    #: Their chat at the end: each bot message's text (HTML as sent) and its earlier texts.
    chat: list[tuple[str, list[str]]] = field(default_factory=list)

    @property
    def t(self) -> Translator:
        """The catalogue the bot answers this person in."""
        return Translator(self.language)


@dataclass(slots=True)
class TelegramReport:
    """What Telegram's side saw (times are monotonic seconds; t0 is the first /start)."""

    people: list[Person]
    t0: float
    rush_end: float
    creating_calls: int
    too_many: int
    too_many_global: int
    too_many_per_chat: int
    late_answers: int
    rejections: list[str]
    problems: list[str]
    broadcast_in_rush: int
    interactive_in_rush: int
    broadcast_sent: int
    broadcast_duplicates: int
    broadcast_seconds: float | None


def make_people(crowd: Crowd) -> list[Person]:
    """The crowd, every korean_every-th person writing in Korean."""
    every = crowd.korean_every
    return [
        Person(CROWD_FIRST_ID + i, "ko" if every and i % every == every - 1 else "en")
        for i in range(crowd.people)
    ]


class CrowdFake(FakeBotApi):
    """The strict fake, telling the crowd the moment a message reaches (or changes in) a chat."""

    watcher: _Watcher | None = None

    def handle(
        self, method: str, params: JSONDict, files: Mapping[str, SentFile] | None = None
    ) -> tuple[int, JSONDict]:
        """Answer as the fake does; then let the crowd see a message it accepted."""
        status, payload = super().handle(method, params, files)
        watcher = self.watcher
        if watcher is not None and status == 200 and method in ("sendMessage", "editMessageText"):
            watcher.seen(method, params, payload["result"])
        return status, payload


class _Watcher:
    """The crowd's eyes: notes arrivals and presses Accept on each notice (server threads)."""

    def __init__(self, fake: FakeBotApi, people: list[Person]) -> None:
        self.fake = fake
        self.people = {p.user_id: p for p in people}
        self.lock = threading.Lock()
        self.broadcast_delivered = 0
        self.broadcast_last: float | None = None

    def seen(self, method: str, params: JSONDict, result: JSONDict) -> None:
        now = time.monotonic()
        chat_id = params.get("chat_id")
        person = self.people.get(chat_id) if isinstance(chat_id, int) else None
        if person is None:
            if method == "sendMessage" and _chat(params) >= AUDIENCE_FIRST_ID:
                with self.lock:
                    self.broadcast_delivered += 1
                    self.broadcast_last = now
            return
        if method == "sendMessage" and person.notice_at is None:
            data = _button_data(result, person.t("privacy.accept"))
            if data is not None:
                person.notice_at, person.notice_id = now, int(result["message_id"])
                person.notice_text = str(params.get("text", ""))
                self.fake.push_update(_press(person, data, result))
        elif (
            method == "editMessageText"
            and person.question_at is None
            and result.get("message_id") == person.notice_id
            and person.t("ask.full_name") in str(params.get("text", ""))
        ):
            person.question_at = now


def _user(person: Person) -> JSONDict:
    return {
        "id": person.user_id,
        "is_bot": False,
        "first_name": f"Guest {person.user_id - CROWD_FIRST_ID}",
        "language_code": person.language,
    }


def _start(fake: FakeBotApi, person: Person) -> JSONDict:
    """The update of a person's /start."""
    chat = {"id": person.user_id, "type": "private", "first_name": _user(person)["first_name"]}
    fake.register_chat(chat)
    return {
        "message": {
            "message_id": fake.next_message_id(person.user_id),
            "date": int(time.time()),
            "chat": chat,
            "from": _user(person),
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
    }


def _press(person: Person, data: str, message: JSONDict) -> JSONDict:
    """The update of a press on a button of `message`."""
    return {
        "callback_query": {
            "id": f"crowd-{person.user_id}",
            "from": _user(person),
            "chat_instance": f"ci-{person.user_id}",
            "data": data,
            "message": message,
        }
    }


def _button_data(message: JSONDict, label: str) -> str | None:
    """The callback data of the inline button with this label, if the message has one."""
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        for button in row:
            if button.get("text") == label:
                return str(button["callback_data"])
    return None


def _chat(params: Mapping[str, Any]) -> int:
    chat_id = params.get("chat_id")
    return chat_id if isinstance(chat_id, int) else 0


def _wait(predicate: Callable[[], bool], deadline: float) -> None:
    while not predicate() and time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)


def rush(crowd: Crowd, fake: CrowdFake, people: list[Person]) -> TelegramReport:
    """Let the crowd in, wait for everyone's first question (and the broadcast), report."""
    watcher = fake.watcher
    assert watcher is not None
    t0 = time.monotonic()
    for person, offset in zip(people, crowd.offsets(), strict=True):
        delay = t0 + offset - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        person.started_at = time.monotonic()
        fake.push_update(_start(fake, person))
    _wait(lambda: all(p.question_at for p in people), time.monotonic() + crowd.patience())
    rush_end = max(p.question_at or time.monotonic() for p in people)
    if crowd.broadcast:
        more = 3 * crowd.broadcast / crowd.rate + 30
        _wait(lambda: watcher.broadcast_delivered >= crowd.broadcast, time.monotonic() + more)
    for person in people:
        person.chat = [(m.text, list(m.history)) for m in fake.sent(person.user_id)]
    crowd_ids = {p.user_id for p in people}
    creating = [c for c in fake.calls if c.method in GLOBAL_LIMITED_METHODS]
    in_rush = [c for c in creating if t0 <= c.at <= rush_end]
    audience = Counter(m.chat_id for m in fake.all_sent() if m.chat_id >= AUDIENCE_FIRST_ID)
    return TelegramReport(
        people=people,
        t0=t0,
        rush_end=rush_end,
        creating_calls=sum(1 for c in creating if c.params.get("chat_id") in crowd_ids),
        too_many=fake.too_many_requests,
        too_many_global=fake.too_many_global,
        too_many_per_chat=fake.too_many_per_chat,
        late_answers=fake.late_callback_answers,
        rejections=[f"{r.method}: {r.description}" for r in fake.rejections],
        problems=list(fake.problems),
        broadcast_in_rush=sum(1 for c in in_rush if _chat(c.params) >= AUDIENCE_FIRST_ID),
        interactive_in_rush=sum(1 for c in in_rush if c.params.get("chat_id") in crowd_ids),
        broadcast_sent=sum(audience.values()),
        broadcast_duplicates=sum(1 for n in audience.values() if n > 1),
        broadcast_seconds=None if watcher.broadcast_last is None else watcher.broadcast_last - t0,
    )


def serve_crowd(crowd: Crowd, conn: Connection) -> None:
    """Telegram's side, start to end (a child process's or a thread's target)."""
    try:
        people = make_people(crowd)
        fake = CrowdFake(
            rate_limit_per_second=crowd.limit,
            per_chat_burst=crowd.chat_burst,
            per_chat_per_second=1 / crowd.chat_interval,
        )
        fake.watcher = _Watcher(fake, people)
        with FakeBotApiServer(fake) as server:
            conn.send(("ready", server.base_url, server.base_file_url))
            if conn.recv() != "go":
                return
            conn.send(("report", rush(crowd, fake, people)))
            conn.recv()  # "stop": the bot has shut down
    except (EOFError, BrokenPipeError):
        return  # the bot's side went away
    except Exception:
        conn.send(("error", traceback.format_exc()))

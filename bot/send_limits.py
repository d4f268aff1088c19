"""What the send scheduler (bot/sending.py) keeps: Telegram's limits as configured, which calls
they count, and who goes first when calls wait."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from enum import IntEnum


class Priority(IntEnum):
    """Who goes first when several calls wait: lower values first."""

    INTERACTIVE = 0
    NOTIFICATION = 1
    BROADCAST = 2


#: The priority of calls made by the current task (handlers reply as INTERACTIVE).
_CURRENT: ContextVar[Priority] = ContextVar("send_priority", default=Priority.INTERACTIVE)

#: Calls that create a message: they count against the bot's limit and the chat's.
GLOBAL_LIMITED_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendVideo",
        "sendAudio",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendMediaGroup",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendPoll",
        "sendDice",
        "sendVideoNote",
        "copyMessage",
        "copyMessages",
        "forwardMessage",
        "forwardMessages",
    }
)
#: Calls that change a message in a chat: they count against that chat's limit only.
CHAT_LIMITED_METHODS = GLOBAL_LIMITED_METHODS | frozenset(
    {"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"}
)
#: Telegram counts a send when it arrives: a send counts from its admission until this many
#: seconds after its answer (the window of Telegram's per-second limit).
WINDOW = 1.0
#: The longest the pump sleeps without a deadline (it is woken by new calls and answers).
MAX_SLEEP = 60.0


def current_priority() -> Priority:
    """The priority of calls made by the current task."""
    return _CURRENT.get()


@contextlib.contextmanager
def sending_as(priority: Priority) -> Iterator[None]:
    """Calls made inside the block wait with this priority (the outbox marks its sends)."""
    token = _CURRENT.set(priority)
    try:
        yield
    finally:
        _CURRENT.reset(token)


@dataclass(frozen=True, slots=True)
class SendLimits:
    """Telegram's limits as the bot keeps them (from config)."""

    per_second: float = 25.0
    #: Messages a chat may get at once before the per-chat pace applies.
    chat_burst: int = 3
    #: Seconds between messages to one chat after the burst.
    chat_interval: float = 1.0
    #: After the event loop woke late, the global pace may run this many seconds ahead.
    catch_up: float = 0.025
    #: Further attempts of a call that Telegram answered with flood control.
    max_retries: int = 3
    #: Telegram's own limit: sends in flight or answered within the last second never exceed
    #: it (or per_second, if that is higher), however late a busy event loop sends them.
    ceiling: float = 30.0


@dataclass(slots=True)
class SendStats:
    """What the scheduler did, for benchmarks and the operator's log."""

    admitted: int = 0
    flood_waits: int = 0
    retried: int = 0
    admitted_by_priority: dict[Priority, int] = field(
        default_factory=lambda: dict.fromkeys(Priority, 0)
    )

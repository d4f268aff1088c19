"""One open prompt per person: at most one flow waits for what they type next, and a typed
message goes to that flow only.

The flows that wait for text: a profile question, a meeting request's note, the comment on an
after-meeting answer, a survey question, an announcement being composed (/broadcast). Each
flow opens its prompt here when it asks, and its text handler takes a message only while that
prompt is the open one. The record lives in the chat session (`user_data`), except the profile
question, which stays in the database (people.awaiting_field) so onboarding survives a
restart: opening any other prompt clears it there too, so exactly one is ever open.

Opening a prompt closes the previous one, whichever it was. Nothing typed is lost by that (a
prompt closes before anything was typed into it; answers already given stay saved), so the
person is told only when the closed flow has something unfinished to come back to, and how:
one line at the top of the new prompt's message. /cancel closes whichever prompt is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from handlers.i18n import Safe, Translator
from handlers.turns import Turn

#: The chat session's key for the open prompt.
PROMPT_KEY = "open_prompt"
#: The update a flow took as its text (a later group must not answer it again, even if the
#: flow failed halfway and the error handler apologised).
TAKEN_KEY = "prompt_taken_update"


class Prompt(StrEnum):
    """The flows that wait for typed text."""

    PROFILE = "profile"
    MEETING_NOTE = "meeting_note"
    OUTCOME_COMMENT = "outcome_comment"
    SURVEY = "survey"
    BROADCAST = "broadcast"
    ORCID = "orcid"
    CONSORTIUM = "consortium"


@dataclass(frozen=True, slots=True)
class OpenPrompt:
    """Which flow waits for text, and what the text answers (a survey question, a meeting)."""

    kind: Prompt
    ref: str | int | None = None


def _session(turn: Turn) -> dict[Any, Any]:
    return turn.ctx.user_data if turn.ctx.user_data is not None else {}


def current(turn: Turn) -> OpenPrompt | None:
    """The prompt open in this chat session (None: at most a profile question in the database)."""
    record = _session(turn).get(PROMPT_KEY)
    return record if isinstance(record, OpenPrompt) else None


def waiting(turn: Turn, kind: Prompt) -> OpenPrompt | None:
    """The open prompt if it is `kind`: a flow's text handler takes the message only then (and
    the message is marked taken, see `taken`)."""
    record = current(turn)
    if record is None or record.kind is not kind:
        return None
    _session(turn)[TAKEN_KEY] = turn.update.update_id
    return record


def taken(turn: Turn) -> bool:
    """This message already went to the open prompt's flow (which may have failed halfway):
    nothing else answers it."""
    return _session(turn).get(TAKEN_KEY) == turn.update.update_id


async def open_prompt(turn: Turn, kind: Prompt, ref: str | int | None = None) -> Safe | None:
    """Make `kind` the one open prompt (call it once the flow's own checks passed); returns the
    line telling what was put aside, for the top of the new prompt's message."""
    previous = current(turn)
    _session(turn)[PROMPT_KEY] = OpenPrompt(kind, ref)
    if previous is not None and previous.kind is kind:
        return None
    if previous is None or previous.kind is Prompt.PROFILE:
        if kind is Prompt.PROFILE:
            return None  # the new question replaces any in the database
        mode = await turn.services.people.profiles.stop_asking(turn.user_id)
        return turn.t("prompt.aside.profile") if mode == "onboarding" else None
    return aside(turn.t, previous.kind)


def close(turn: Turn, kind: Prompt) -> None:
    """The flow got its text, finished or was dropped: its prompt closes if it is still open."""
    if waiting(turn, kind) is not None:
        _session(turn).pop(PROMPT_KEY, None)


async def close_any(turn: Turn) -> Safe:
    """/cancel: close whichever prompt is open, and say so (how to come back to it)."""
    t = turn.t
    record = _session(turn).pop(PROMPT_KEY, None)
    mode = await turn.services.people.profiles.stop_asking(turn.user_id)
    if isinstance(record, OpenPrompt) and record.kind is not Prompt.PROFILE:
        line = aside(t, record.kind)
        return Safe(f"{t('prompt.cancelled')}\n{line}") if line else t("prompt.cancelled")
    return t("profile.cancelled") if mode else t("profile.nothing_to_cancel")


def aside(t: Translator, kind: Prompt) -> Safe | None:
    """How to come back to a flow whose prompt was closed; None when there is nothing to
    come back to (a comment: its answer is saved; a profile edit: one field, unchanged)."""
    if kind is Prompt.SURVEY:
        return t("prompt.aside.survey")
    if kind is Prompt.MEETING_NOTE:
        return t("prompt.aside.meeting_note")
    if kind is Prompt.BROADCAST:
        return t("prompt.aside.broadcast")
    return None


def with_aside(line: Safe | None, text: Safe) -> Safe:
    """The new prompt's message, with the put-aside line on top when there is one."""
    return Safe(f"{line}\n\n{text}") if line else text


__all__ = [
    "PROMPT_KEY",
    "OpenPrompt",
    "Prompt",
    "aside",
    "close",
    "close_any",
    "current",
    "open_prompt",
    "waiting",
    "with_aside",
]

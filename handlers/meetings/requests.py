"""Meeting requests in the chat: the slot picker with its note, and accept / decline /
other time / withdraw on a request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram.ext import ApplicationHandlerStop

from core.meetings.model import MeetingRequest, Slot
from core.meetings.requests import Picker
from handlers.common import chunk, clip
from handlers.i18n import Safe
from handlers.meetings.replies import ERRORS, MAX_PICK, send_ics, when
from handlers.prompts import Prompt, close, open_prompt, waiting, with_aside
from handlers.routes import (
    PICK_DROP,
    PICK_NOTE,
    PICK_SEND,
    PICK_TOGGLE,
    REQUEST_ACCEPT,
    REQUEST_DECLINE,
    REQUEST_OTHER_TIME,
    REQUEST_WITHDRAW,
)
from handlers.turns import Handler, Turn, button, message

DRAFT_KEY = "meeting_draft"


def _draft(turn: Turn) -> dict[str, Any] | None:
    data = turn.ctx.user_data if turn.ctx.user_data is not None else {}
    draft = data.get(DRAFT_KEY)
    return draft if isinstance(draft, dict) else None


def _drop_draft(turn: Turn) -> None:
    close(turn, Prompt.MEETING_NOTE)
    if turn.ctx.user_data is not None:
        turn.ctx.user_data.pop(DRAFT_KEY, None)


async def start_request(turn: Turn, target: int) -> bool:
    """Open the slot picker for a request to `target`; False when the event has no slots yet."""
    picker = await turn.services.meetings.requests.picker(turn.user_id, target, now=turn.now())
    if not picker.event_has_slots:
        return False
    await _open(turn, picker, replaces=None)
    return True


async def _open(turn: Turn, picker: Picker, *, replaces: int | None) -> None:
    close(turn, Prompt.MEETING_NOTE)  # a note asked for an earlier draft is not this one's
    if turn.ctx.user_data is not None:
        turn.ctx.user_data[DRAFT_KEY] = {
            "target": picker.target,
            "name": picker.name,
            "slots": [],
            "note": "",
            "replaces": replaces,
        }
    await _show_picker(turn, picker.slots, edit=False)


async def _show_picker(turn: Turn, slots: list[Slot], *, edit: bool) -> None:
    t = turn.t
    draft = _draft(turn) or {}
    chosen = set(draft.get("slots", []))
    if not slots:
        await turn.reply(t("meetings.no_common_slot"), edit=edit)
        return
    rows = chunk(
        [
            (("✓ " if s.key in chosen else "") + when(turn, s.starts_at), PICK_TOGGLE.pack(s.key))
            for s in slots[:MAX_PICK]
        ],
        2,
    )
    rows.append(
        [
            (t("meetings.button.note"), PICK_NOTE.pack()),
            (t("meetings.button.send"), PICK_SEND.pack()),
        ]
    )
    rows.append([(t("meetings.button.cancel"), PICK_DROP.pack())])
    limit = turn.services.meetings.rules.max_proposed
    text = t("meetings.pick", count=len(chosen), limit=limit)
    if draft.get("note"):
        text = Safe(f"{text}\n{t('meetings.note_is', note=clip(str(draft['note']), 300))}")
    await turn.reply(text, rows, edit=edit)


async def _free_slots(turn: Turn, draft: dict[str, Any]) -> list[Slot]:
    return await turn.services.meetings.requests.free_slots(
        turn.user_id, int(draft["target"]), now=turn.now()
    )


async def toggle_slot(turn: Turn) -> None:
    """mq:t:<slot>: choose or unchoose a proposed time (at most the organisers' limit)."""
    draft = _draft(turn)
    if draft is None:
        await turn.reply(turn.t("buttons.expired"))
        return
    key, limit = turn.str_arg(), turn.services.meetings.rules.max_proposed
    chosen: list[str] = draft["slots"]
    if key in chosen:
        chosen.remove(key)
    elif len(chosen) >= limit:
        await turn.reply(turn.t("meetings.error.too_many_slots", limit=limit))
        return
    else:
        chosen.append(key)
    await _show_picker(turn, await _free_slots(turn, draft), edit=True)


async def ask_note(turn: Turn) -> None:
    """mq:n: the next text typed is the note to the other person (the one open prompt)."""
    draft = _draft(turn)
    if draft is None:
        await turn.reply(turn.t("buttons.expired"))
        return
    put_aside = await open_prompt(turn, Prompt.MEETING_NOTE, int(draft["target"]))
    await turn.reply(with_aside(put_aside, turn.t("meetings.type_note")))


async def drop_draft(turn: Turn) -> None:
    """mq:x: forget the request being prepared."""
    if _draft(turn) is None:
        await turn.reply(turn.t("buttons.expired"))
        return
    _drop_draft(turn)
    await turn.reply(turn.t("meetings.draft_dropped"), edit=True)


async def send_request(turn: Turn) -> None:
    """mq:s: send the request; the other person is told through the outbox."""
    draft = _draft(turn)
    if draft is None:
        await turn.reply(turn.t("buttons.expired"))
        return
    request = await turn.services.meetings.requests.request(
        turn.user_id,
        int(draft["target"]),
        list(draft["slots"]),
        str(draft.get("note", "")),
        now=turn.now(),
        replaces=draft.get("replaces"),
    )
    _drop_draft(turn)
    turn.services.wake_outbox()
    name = str(draft.get("name") or "?")
    expires = when(turn, request.expires_at)
    await turn.reply(turn.t("meetings.sent", name=name, expires=expires), edit=True)


async def note_text(turn: Turn) -> None:
    """While the draft's note is the open prompt, the next text is that note (then stop)."""
    opened = waiting(turn, Prompt.MEETING_NOTE)
    if opened is None or not turn.text:
        return
    close(turn, Prompt.MEETING_NOTE)
    draft = _draft(turn)
    if draft is None or draft["target"] != opened.ref:
        return
    draft["note"] = turn.text.strip()[: turn.services.meetings.rules.note_length]
    await _show_picker(turn, await _free_slots(turn, draft), edit=False)
    raise ApplicationHandlerStop


async def accept(turn: Turn) -> None:
    """mr:a:<request>:<slot>: book it; the requester gets the confirmation and the .ics."""
    try:
        booked = await turn.services.meetings.requests.accept(
            turn.int_arg(0), turn.user_id, turn.str_arg(1), now=turn.now()
        )
    finally:
        turn.services.wake_outbox()
    text = turn.t(
        "meetings.booked_me",
        name=booked.other or "—",
        when=when(turn, booked.slot.starts_at),
        table=booked.meeting.table,
        location=booked.slot.location or "—",
    )
    await turn.reply(text, edit=True)
    await send_ics(turn, booked.ics, f"meeting-{booked.meeting.id}.ics", "meetings.ics_caption")


Close = Callable[..., Awaitable[MeetingRequest]]


async def _close(turn: Turn, close: Close, done_key: str) -> None:
    try:
        await close(turn.int_arg(), turn.user_id, now=turn.now())
    finally:
        turn.services.wake_outbox()
    await turn.reply(turn.t(done_key), edit=True)


async def decline(turn: Turn) -> None:
    """mr:d:<request>: say no; the requester is told politely."""
    await _close(turn, turn.services.meetings.requests.decline, "meetings.declined_by_me")


async def withdraw(turn: Turn) -> None:
    """mr:w:<request>: take my request back; the other person is told."""
    await _close(turn, turn.services.meetings.requests.withdraw, "meetings.withdrawn_by_me")


async def other_time(turn: Turn) -> None:
    """mr:o:<request>: propose other times back to the requester (this request is replaced)."""
    request_id = turn.int_arg()
    picker = await turn.services.meetings.requests.other_time(
        request_id, turn.user_id, now=turn.now()
    )
    await _open(turn, picker, replaces=request_id)


def handlers() -> list[Handler]:
    """The picker's buttons and the buttons on a request."""
    return [
        button(PICK_TOGGLE, toggle_slot, errors=ERRORS),
        button(PICK_NOTE, ask_note, errors=ERRORS),
        button(PICK_SEND, send_request, errors=ERRORS),
        button(PICK_DROP, drop_draft, errors=ERRORS),
        button(REQUEST_ACCEPT, accept, errors=ERRORS),
        button(REQUEST_DECLINE, decline, errors=ERRORS),
        button(REQUEST_OTHER_TIME, other_time, errors=ERRORS),
        button(REQUEST_WITHDRAW, withdraw, errors=ERRORS),
    ]


def note_handlers() -> list[Handler]:
    """Runs in an earlier group than the profile answers, so a pending note is caught first."""
    return [message(note_text, errors=ERRORS)]

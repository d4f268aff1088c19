"""Booked meetings in the chat: /meetings with its buttons, cancel and move."""

from __future__ import annotations

from core.meetings.model import Meeting, SlotKind
from handlers.common import Button, chunk, clip
from handlers.i18n import Safe
from handlers.meetings.replies import ERRORS, MAX_PICK, send_ics, when
from handlers.routes import (
    MEETING_CANCEL,
    MEETING_MOVE,
    MEETING_MOVE_TO,
    REQUEST_ACCEPT,
    REQUEST_DECLINE,
    REQUEST_WITHDRAW,
)
from handlers.turns import Handler, Turn, button, command


async def meetings_command(turn: Turn) -> None:
    """/meetings: upcoming and past meetings, incoming and outgoing requests."""
    t, me = turn.t, turn.user_id
    schedule, slots, names = await turn.services.meetings.bookings.overview(me, now=turn.now())
    lines: list[str] = [t("meetings.title")]
    rows: list[list[Button]] = []

    def other(m: Meeting) -> str:
        return ", ".join(names.get(p, "?") for p in m.people if p != me) or t(
            "meetings.consultation"
        )

    def line(m: Meeting) -> str:
        s = slots[m.slot_key]
        return t(
            "meetings.line",
            when=when(turn, s.starts_at),
            name=other(m),
            table=m.table,
            location=s.location or "—",
        )

    if schedule.upcoming:
        lines.append(t("meetings.upcoming"))
        for m in schedule.upcoming:
            starts = when(turn, slots[m.slot_key].starts_at)
            lines.append(line(m))
            if m.kind is SlotKind.MEETING:
                label = t("meetings.button.move", name=clip(other(m), 24), when=starts)
                rows.append([(label, MEETING_MOVE.pack(m.id or 0))])
            label = t("meetings.button.cancel_meeting", name=clip(other(m), 24), when=starts)
            rows.append([(label, MEETING_CANCEL.pack(m.id or 0))])
    if schedule.incoming:
        lines.append(t("meetings.incoming"))
        for r in schedule.incoming:
            name = names.get(r.from_id, "?")
            lines.append(t("meetings.request_line", name=name, expires=when(turn, r.expires_at)))
            for key in r.slot_keys or []:
                if key in slots:
                    label = t(
                        "meetings.button.accept_from",
                        name=clip(name, 20),
                        when=when(turn, slots[key].starts_at),
                    )
                    rows.append([(label, REQUEST_ACCEPT.pack(r.id or 0, key))])
            label = t("meetings.button.decline_from", name=clip(name, 24))
            rows.append([(label, REQUEST_DECLINE.pack(r.id or 0))])
    if schedule.outgoing:
        lines.append(t("meetings.outgoing"))
        for r in schedule.outgoing:
            name = names.get(r.to_id, "?")
            lines.append(t("meetings.request_line", name=name, expires=when(turn, r.expires_at)))
            label = t("meetings.button.withdraw", name=clip(name, 24))
            rows.append([(label, REQUEST_WITHDRAW.pack(r.id or 0))])
    if schedule.past:
        lines.append(t("meetings.past"))
        lines.extend(line(m) for m in schedule.past[-10:])
    if len(lines) == 1:
        lines.append(t("meetings.nothing"))
    await turn.reply(Safe("\n".join(lines)), rows)


async def cancel(turn: Turn) -> None:
    """mt:c:<meeting> (and rm:x from a reminder): cancel a meeting of mine; the others are told."""
    meeting_id = turn.int_arg()
    try:
        booked = await turn.services.meetings.bookings.cancel(
            meeting_id, turn.user_id, now=turn.now()
        )
    finally:
        turn.services.wake_outbox()
    await turn.reply(turn.t("meetings.cancelled_by_me", when=when(turn, booked.slot.starts_at)))
    await send_ics(
        turn, booked.ics, f"meeting-{meeting_id}-cancelled.ics", "meetings.ics_cancel_caption"
    )


async def move_options(turn: Turn) -> None:
    """mt:m:<meeting>: the times my meeting could move to."""
    meeting_id = turn.int_arg()
    options = await turn.services.meetings.bookings.move_options(
        meeting_id, turn.user_id, now=turn.now()
    )
    if not options:
        await turn.reply(turn.t("meetings.no_common_slot"))
        return
    rows = chunk(
        [
            (when(turn, s.starts_at), MEETING_MOVE_TO.pack(meeting_id, s.key))
            for s in options[:MAX_PICK]
        ],
        2,
    )
    await turn.reply(turn.t("meetings.move_pick"), rows)


async def move_to(turn: Turn) -> None:
    """mv:<meeting>:<slot>: move my meeting there; the others get the updated .ics."""
    meeting_id = turn.int_arg()
    try:
        booked = await turn.services.meetings.bookings.move(
            meeting_id, turn.user_id, turn.str_arg(1), now=turn.now()
        )
    finally:
        turn.services.wake_outbox()
    text = turn.t(
        "meetings.moved_by_me",
        when=when(turn, booked.slot.starts_at),
        table=booked.meeting.table,
    )
    await turn.reply(text, edit=True)
    await send_ics(turn, booked.ics, f"meeting-{meeting_id}.ics", "meetings.ics_caption")


def handlers() -> list[Handler]:
    """/meetings and the buttons on booked meetings."""
    return [
        command("meetings", meetings_command, errors=ERRORS),
        button(MEETING_CANCEL, cancel, errors=ERRORS),
        button(MEETING_MOVE, move_options, errors=ERRORS),
        button(MEETING_MOVE_TO, move_to, errors=ERRORS),
    ]

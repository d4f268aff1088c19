"""Consultations in the chat: /consult to book a desk slot, /desk for the experts."""

from __future__ import annotations

from datetime import timedelta

from handlers.common import Button, chunk, clip
from handlers.i18n import Safe
from handlers.meetings.replies import ERRORS, send_ics, when
from handlers.routes import CONSULT_BOOK
from handlers.turns import Handler, Turn, button, command

#: Free slots offered per desk.
PER_DESK = 6


async def consult_command(turn: Turn) -> None:
    """/consult: desks with free slots, one tap to book."""
    t = turn.t
    desks = await turn.services.meetings.consultations.desks(now=turn.now())
    if not desks:
        await turn.reply(t("consult.none"))
        return
    lines = [t("consult.title")]
    rows: list[list[Button]] = []
    for desk, free in desks:
        lines.append(
            t(
                "consult.desk",
                topic=desk.topic,
                expert=desk.expert,
                count=len(free),
                location=desk.location or "—",
            )
        )
        rows.extend(
            chunk(
                [
                    (
                        f"{clip(desk.topic, 18)} · {when(turn, s.starts_at)}",
                        CONSULT_BOOK.pack(s.key),
                    )
                    for s in free[:PER_DESK]
                ],
                2,
            )
        )
    await turn.reply(Safe("\n".join(lines)), rows)


async def book(turn: Turn) -> None:
    """cn:<slot>: book a consultation for the presser."""
    try:
        booked = await turn.services.meetings.consultations.consult(
            turn.user_id, turn.str_arg(), now=turn.now()
        )
    finally:
        turn.services.wake_outbox()
    slot = booked.slot
    await turn.reply(
        turn.t("consult.booked", when=when(turn, slot.starts_at), location=slot.location or "—")
    )
    await send_ics(turn, booked.ics, f"consult-{booked.meeting.id}.ics", "meetings.ics_caption")


async def desk_command(turn: Turn) -> None:
    """/desk: an expert's consultations today (only for experts named in the event file)."""
    t = turn.t
    local = turn.now().astimezone(turn.services.event_timezone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    day = await turn.services.meetings.consultations.desk_day(
        turn.user_id, start=start, end=start + timedelta(days=1)
    )
    if not day.is_expert:
        await turn.reply(t("consult.not_expert"))
        return
    lines = [t("consult.desk_title")]
    lines += [
        t("consult.desk_line", when=when(turn, slot.starts_at), name=name, topic=desk.topic)
        for desk, slot, name in day.bookings
    ]
    if not day.bookings:
        lines.append(t("consult.desk_empty"))
    await turn.reply(Safe("\n".join(lines)))


def handlers() -> list[Handler]:
    """/consult, its buttons, and /desk."""
    return [
        command("consult", consult_command, errors=ERRORS),
        command("desk", desk_command, errors=ERRORS),
        button(CONSULT_BOOK, book, errors=ERRORS),
    ]

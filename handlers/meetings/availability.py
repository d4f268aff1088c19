"""/availability: my matchmaking slots, one tap to mark one busy or free again."""

from __future__ import annotations

from handlers.common import chunk
from handlers.meetings.replies import ERRORS, when
from handlers.routes import AVAILABILITY_TOGGLE
from handlers.turns import Handler, Turn, button, command

MARKS = {"free": "🟢", "busy": "⛔", "booked": "📅"}
#: Slots shown at once.
MAX_SHOWN = 60


async def show(turn: Turn, *, edit: bool = False) -> None:
    """Every future slot with its state for me."""
    states = await turn.services.meetings.bookings.availability(turn.user_id, now=turn.now())
    if not states:
        await turn.reply(turn.t("meetings.no_slots"), edit=edit)
        return
    rows = chunk(
        [
            (f"{MARKS[state]} {when(turn, s.starts_at)}", AVAILABILITY_TOGGLE.pack(s.key))
            for s, state in states[:MAX_SHOWN]
        ],
        2,
    )
    await turn.reply(turn.t("meetings.availability"), rows, edit=edit)


async def availability_command(turn: Turn) -> None:
    """/availability: tap a slot to mark it busy or free again."""
    await show(turn)


async def toggle(turn: Turn) -> None:
    """av:<slot>: toggle busy for the presser (their own availability only)."""
    await turn.services.meetings.bookings.toggle_busy(turn.user_id, turn.str_arg(), now=turn.now())
    await show(turn, edit=True)


def handlers() -> list[Handler]:
    """/availability and its buttons."""
    return [
        command("availability", availability_command, errors=ERRORS),
        button(AVAILABILITY_TOGGLE, toggle, errors=ERRORS),
    ]

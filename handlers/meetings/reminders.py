"""The buttons on a meeting reminder: running late, and can't make it (which cancels)."""

from __future__ import annotations

from handlers.meetings.bookings import cancel
from handlers.meetings.replies import ERRORS
from handlers.routes import REMINDER_CANT, REMINDER_LATE
from handlers.turns import Handler, Turn, button


async def running_late(turn: Turn) -> None:
    """rm:l:<meeting>: tell the others I am running late (once)."""
    try:
        told = await turn.services.meetings.bookings.running_late(
            turn.int_arg(), turn.user_id, now=turn.now()
        )
    finally:
        turn.services.wake_outbox()
    await turn.reply(turn.t("reminders.late_sent" if told else "reminders.late_again"))


def handlers() -> list[Handler]:
    """rm:l and rm:x (the latter cancels like the button in /meetings)."""
    return [
        button(REMINDER_LATE, running_late, errors=ERRORS),
        button(REMINDER_CANT, cancel, errors=ERRORS),
    ]

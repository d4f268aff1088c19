"""/calendar: one .ics with everything that concerns the person (meetings, consultations,
sessions followed or signed up for), in the event's time zone."""

from __future__ import annotations

from telegram import InputFile
from telegram.constants import ParseMode

from handlers.turns import Handler, Turn, command

FILENAME = "forumbot-calendar.ics"


async def calendar_command(turn: Turn) -> None:
    """Send the person's calendar file, or say there is nothing in it yet."""
    calendars = turn.services.programme.calendars
    chat = turn.update.effective_chat
    if calendars is None or chat is None:
        await turn.reply(turn.t("calendar.unavailable"))
        return
    text, count = await calendars.for_person(turn.user_id, now=turn.now())
    if count == 0:
        await turn.reply(turn.t("calendar.empty"))
        return
    await chat.send_document(
        InputFile(text.encode(), filename=FILENAME),
        caption=turn.t("calendar.caption", count=count),
        parse_mode=ParseMode.HTML,
    )


def handlers() -> list[Handler]:
    """/calendar."""
    return [command("calendar", calendar_command)]

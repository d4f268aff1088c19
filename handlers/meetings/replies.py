"""What every meetings handler answers with: times in the reader's zone, .ics files, refusals."""

from __future__ import annotations

from datetime import datetime

from telegram import InputFile
from telegram.constants import ParseMode

from core.meetings.model import BookingError
from core.reference.errors import NotFound
from handlers.turns import ErrorKeys, Turn

#: A refused booking rule says which (`meetings.error.<reason>`); a stale id says it is gone.
ERRORS: ErrorKeys = {BookingError: "meetings.error.", NotFound: "meetings.error.gone"}
#: Times offered in one picker.
MAX_PICK = 12


def when(turn: Turn, moment: datetime) -> str:
    """A time in the event's zone, in the reader's language (and their own zone if it differs)."""
    return turn.t.when(moment, turn.services.event_timezone, turn.ctx.own_timezone)


async def send_ics(turn: Turn, ics: str, filename: str, caption_key: str) -> None:
    """The calendar file for the person who acted, right under the confirmation."""
    chat = turn.update.effective_chat
    if chat is None:
        return
    await chat.send_document(
        InputFile(ics.encode(), filename=filename),
        caption=turn.t(caption_key),
        parse_mode=ParseMode.HTML,
    )

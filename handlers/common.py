"""Small helpers every feature module uses: replying, keyboards, shortening labels."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

MAX_TEXT = 4096

Button = tuple[str, str]  # (label, callback data)


def keyboard(rows: Sequence[Sequence[Button]]) -> InlineKeyboardMarkup | None:
    """Inline keyboard from (label, data) rows; None when there are no buttons."""
    built = [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows
    ]
    built = [row for row in built if row]
    return InlineKeyboardMarkup(built) if built else None


def chunk(buttons: Sequence[Button], per_row: int) -> list[list[Button]]:
    """Lay buttons out in rows of `per_row`."""
    return [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]


def clip(text: str, limit: int) -> str:
    """Shorten raw (unescaped) text to `limit` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def reply(
    update: Update, text: str, rows: Sequence[Sequence[Button]] = (), *, edit: bool = False
) -> None:
    """Answer in the update's chat (HTML); with edit=True replace the pressed message."""
    markup = keyboard(rows)
    query = update.callback_query
    if edit and query is not None and query.message is not None:
        try:
            await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
            return
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return
            # The message is too old or gone: fall back to a new message.
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=markup)

"""Small helpers every feature module uses: replying, keyboards, shortening labels."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MaybeInaccessibleMessage,
    Message,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest

MAX_TEXT = 4096

_TAG = re.compile(r"<(/?)([a-zA-Z-]+)[^>]*>")
#: HTML tags as the entity types Telegram reports for them.
_ENTITY_OF_TAG = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "blockquote": "blockquote",
}

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


def unchanged(
    message: MaybeInaccessibleMessage, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """True when an edit would leave the pressed message as it is: Telegram refuses such an
    edit with 400 "message is not modified", so a press that re-renders the same view sends none.
    Compares the plain text, where each kind of formatting sits, and the keyboard."""
    shown = getattr(message, "text", None)
    if shown is None:
        return False
    plain, wanted = _plain_and_entities(text)
    if plain != shown or plain.strip() != plain:
        return False  # Telegram trims what it stores: when in doubt, send the edit
    formatted = Counter(
        (str(e.type), e.offset, e.length)
        for e in getattr(message, "entities", ())
        if str(e.type) in _ENTITY_OF_TAG.values()
    )
    if wanted != formatted:
        return False
    old = getattr(message, "reply_markup", None)
    old_rows = old.inline_keyboard if old is not None else ()
    new_rows = markup.inline_keyboard if markup is not None else ()
    return _rows(old_rows) == _rows(new_rows)


def _plain_and_entities(text: str) -> tuple[str, Counter[tuple[str, int, int]]]:
    """Our HTML as Telegram stores it: the plain text, and (type, offset, length) per tag with
    offsets in UTF-16 code units."""
    parts: list[str] = []
    at = 0  # UTF-16 units so far
    open_tags: list[tuple[str, int]] = []
    entities: Counter[tuple[str, int, int]] = Counter()
    last = 0
    for tag in _TAG.finditer(text):
        chunk = html.unescape(text[last : tag.start()])
        parts.append(chunk)
        at += len(chunk.encode("utf-16-le")) // 2
        last = tag.end()
        kind = _ENTITY_OF_TAG.get(tag.group(2).lower(), tag.group(2).lower())
        if not tag.group(1):
            open_tags.append((kind, at))
        elif open_tags:
            opened, start = open_tags.pop()
            entities[(opened, start, at - start)] += 1
    parts.append(html.unescape(text[last:]))
    return "".join(parts), entities


def _rows(rows: Sequence[Sequence[InlineKeyboardButton]]) -> list[list[tuple[str, object]]]:
    return [[(b.text, b.callback_data) for b in row] for row in rows]


async def reply(
    update: Update, text: str, rows: Sequence[Sequence[Button]] = (), *, edit: bool = False
) -> Message | None:
    """Answer in the update's chat (HTML); with edit=True replace the pressed message. Returns
    the message that now shows the answer (None when there is no chat)."""
    markup = keyboard(rows)
    query = update.callback_query
    if edit and query is not None and isinstance(query.message, Message):
        if unchanged(query.message, text, markup):
            return query.message
        try:
            edited = await query.edit_message_text(
                text, parse_mode=ParseMode.HTML, reply_markup=markup
            )
            return edited if isinstance(edited, Message) else query.message
        except BadRequest as exc:
            if "not modified" in str(exc).lower():
                return query.message
            # The message is too old or gone: fall back to a new message.
    chat = update.effective_chat
    if chat is None:
        return None
    return await chat.send_message(text, parse_mode=ParseMode.HTML, reply_markup=markup)

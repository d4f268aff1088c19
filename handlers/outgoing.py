"""Turn an outbox message into Telegram text and buttons, in the recipient's language."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.outbox import OutgoingMessage
from handlers.i18n import Translator


@dataclass(frozen=True, slots=True)
class Rendered:
    """Ready to send: HTML text, optional keyboard and optional file."""

    text: str
    markup: InlineKeyboardMarkup | None
    attachment_kind: str | None = None
    filename: str | None = None
    data: bytes | None = None


def render(message: OutgoingMessage, t: Translator) -> Rendered:
    """Catalogue keys are rendered now, so a language change before sending is honoured."""
    text: str = t(message.key, **message.params) if message.key is not None else message.text or ""
    rows = []
    for row in message.buttons:
        built = []
        for b in row:
            label = (
                t(b["key"], **{k[2:]: v for k, v in b.items() if k.startswith("p_")})
                if "key" in b
                else b.get("text", "")
            )
            if "url" in b:
                built.append(InlineKeyboardButton(label, url=b["url"]))
            else:
                built.append(InlineKeyboardButton(label, callback_data=b["data"]))
        if built:
            rows.append(built)
    markup = InlineKeyboardMarkup(rows) if rows else None
    att = message.attachment
    if att:
        return Rendered(
            text,
            markup,
            att.get("kind", "document"),
            att.get("filename"),
            base64.b64decode(att["b64"]),
        )
    return Rendered(text, markup)

"""Turn an outbox message into Telegram text and buttons, in the recipient's language."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile
from telegram.constants import ParseMode

from core.outbox.model import Action, OutgoingMessage
from handlers.i18n import Safe, Translator
from handlers.routes import ROUTES


@dataclass(frozen=True, slots=True)
class Rendered:
    """Ready to send: HTML text, optional keyboard and optional file."""

    text: str
    markup: InlineKeyboardMarkup | None
    attachment_kind: str | None = None
    filename: str | None = None
    data: bytes | None = None
    #: A file Telegram already has (e.g. the photo an organiser sent for a broadcast).
    file_id: str | None = None


def params_for(
    t: Translator, params: dict[str, Any], tz: tzinfo | None, own: tzinfo | None = None
) -> dict[str, Any]:
    """Time parameters ({"dt": iso}) become local times in the reader's language."""
    out: dict[str, Any] = {}
    for name, value in params.items():
        if isinstance(value, dict) and "dt" in value:
            out[name] = t.when(datetime.fromisoformat(value["dt"]), tz, own)
        elif isinstance(value, list) and all(isinstance(i, dict) and "key" in i for i in value):
            # A list of catalogue items (e.g. the digest's lines), one line each.
            out[name] = Safe(
                "\n".join(t(i["key"], **params_for(t, i.get("params", {}), tz, own)) for i in value)
            )
        else:
            out[name] = value
    return out


def render(
    message: OutgoingMessage, t: Translator, tz: tzinfo | None = None, own: tzinfo | None = None
) -> Rendered:
    """Catalogue keys are rendered now, so a language change before sending is honoured."""
    text: str = (
        t(message.key, **params_for(t, message.params, tz, own))
        if message.key is not None
        else message.text or ""
    )
    rows = []
    for row in message.buttons:
        built = []
        for b in row:
            button_params = {k[2:]: v for k, v in b.items() if k[:2] == "p_"}
            label = (
                t(
                    b["key"],
                    **params_for(t, button_params, tz, own),
                )
                if "key" in b
                else b.get("text", "")
            )
            if "url" in b:
                built.append(InlineKeyboardButton(label, url=b["url"]))
            elif "action" in b:
                data = ROUTES.pack(Action(b["action"], tuple(b.get("args") or ())))
                built.append(InlineKeyboardButton(label, callback_data=data))
            else:  # queued before core spoke in actions
                built.append(InlineKeyboardButton(label, callback_data=b["data"]))
        if built:
            rows.append(built)
    markup = InlineKeyboardMarkup(rows) if rows else None
    att = message.attachment
    if att and "file_id" in att:
        return Rendered(text, markup, att.get("kind", "document"), file_id=att["file_id"])
    if att:
        return Rendered(
            text,
            markup,
            att.get("kind", "document"),
            att.get("filename"),
            base64.b64decode(att["b64"]),
        )
    return Rendered(text, markup)


async def send_rendered(bot: Bot, chat_id: int, rendered: Rendered, *, paid: bool = False) -> None:
    """Send a rendered message: text, an uploaded file, or a file Telegram already has.
    `paid` uses Telegram's paid broadcast mode (up to 1,000 messages a second)."""
    document: str | InputFile | None = rendered.file_id
    if rendered.data is not None:
        document = InputFile(rendered.data, filename=rendered.filename)
    if document is None:
        await bot.send_message(
            chat_id,
            rendered.text,
            parse_mode=ParseMode.HTML,
            reply_markup=rendered.markup,
            allow_paid_broadcast=paid or None,
        )
    else:
        send_file = bot.send_photo if rendered.attachment_kind == "photo" else bot.send_document
        await send_file(
            chat_id,
            document,
            caption=rendered.text or None,
            parse_mode=ParseMode.HTML,
            reply_markup=rendered.markup,
            allow_paid_broadcast=paid or None,
        )

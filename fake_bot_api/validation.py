"""Checks on what a request carries: parameters, chat and message ids, text, markup, images."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import IO, Any

from fake_bot_api.entities import EntityParseError, ParsedText, parse_html, utf16_len
from fake_bot_api.errors import bad
from fake_bot_api.limits import (
    INLINE_BUTTON_ACTIONS,
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_INLINE_BUTTONS,
    MAX_TEXT_LENGTH,
    STRING_PARAMS,
    JSONDict,
    Rows,
)


def decode_param(name: str, value: Any) -> Any:
    """Decode one form value the way the Bot API reads it: JSON where a JSON type is expected."""
    if not isinstance(value, str) or name in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def decode_params(raw: Mapping[str, Any]) -> JSONDict:
    """Decode a whole parameter mapping (form fields or PTB's json_parameters)."""
    return {name: decode_param(name, value) for name, value in raw.items()}


def read_content(content: bytes | IO[bytes]) -> bytes:
    """Multipart content may be bytes or an open binary file handle."""
    return content if isinstance(content, bytes) else content.read()


def chat_id_param(params: JSONDict) -> int:
    """The target chat, refused like Telegram when missing or not an integer."""
    value = params.get("chat_id")
    if value is None or value == "":
        raise bad("chat_id is empty")
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad("chat not found")
    return value


def message_id_param(params: JSONDict) -> int:
    """The target message id, refused like Telegram when missing or not an integer."""
    value = params.get("message_id")
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad("message identifier is not specified")
    return value


def format_text(text: Any, parse_mode: Any, *, caption: bool, strict: bool) -> ParsedText:
    """Parse text like Telegram and enforce the emptiness and length limits."""
    if text is None:
        text = ""
    if not isinstance(text, str):
        text = str(text)
    mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
    if mode == "html":
        try:
            parsed = parse_html(text, strict=strict)
        except EntityParseError as exc:
            raise bad(f"can't parse entities: {exc}") from exc
    elif mode in ("", "markdown", "markdownv2"):
        parsed = ParsedText(text, [])
    else:
        raise bad("unsupported parse_mode")
    visible = parsed.text.strip()
    if caption:
        if utf16_len(visible) > MAX_CAPTION_LENGTH:
            raise bad("message caption is too long")
    else:
        if not visible:
            raise bad("message text is empty")
        if utf16_len(visible) > MAX_TEXT_LENGTH:
            raise bad("message is too long")
    return parsed


def parse_markup(raw: Any) -> tuple[str | None, Rows, JSONDict | None]:
    """Validate reply_markup; returns (kind, rows as sent, dict Telegram echoes back)."""
    if raw is None or raw == "":
        return None, [], None
    if not isinstance(raw, dict):
        raise bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in raw:
        rows = raw["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
        count = 0
        for row in rows:
            for button in row:
                count += 1
                check_inline_button(button)
        if count > MAX_INLINE_BUTTONS:
            raise bad("reply markup is too long")
        return "inline", [list(row) for row in rows], {"inline_keyboard": rows}
    if "keyboard" in raw:
        rows = raw["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
        normalized = [[b if isinstance(b, dict) else {"text": str(b)} for b in row] for row in rows]
        return "reply", normalized, None
    if raw.get("remove_keyboard"):
        return "remove", [], None
    if raw.get("force_reply"):
        return "force_reply", [], None
    raise bad("can't parse reply keyboard markup JSON object")


def check_inline_button(button: Any) -> None:
    """Refuse an inline button Telegram would refuse (no action, bad callback data or URL)."""
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad('can\'t parse inline keyboard button: Field "text" must be of type String')
    actions = INLINE_BUTTON_ACTIONS & button.keys()
    if not actions:
        raise bad(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if (
            not isinstance(data, str)
            or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES
        ):
            raise bad("BUTTON_DATA_INVALID")
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or not re.match(r"(?i)^(https?|tg)://\S+$", url):
            raise bad("BUTTON_URL_INVALID")


def looks_like_image(data: bytes) -> bool:
    """Telegram re-encodes photos and rejects bytes that aren't an image."""
    return data.startswith(
        (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
    ) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG header; a plausible default for other formats."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 512, 512

"""An in-memory Telegram Bot API so tests exercise PTB's real request path without the network."""

from __future__ import annotations

import asyncio
import json
import math
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

JSONDict = dict[str, Any]
Rows = list[list[JSONDict]]

BOT_ID = 777000111
DEFAULT_BOT_USERNAME = "forumbot_test_bot"

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_BUTTONS = 100
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
LONG_POLL_CAP_SECONDS = 2.0

SEND_METHODS = frozenset({"sendMessage", "sendDocument", "sendPhoto"})
CHAT_METHODS = SEND_METHODS | frozenset(
    {"sendChatAction", "editMessageText", "editMessageCaption", "editMessageReplyMarkup"}
)
KNOWN_METHODS = frozenset(
    {
        "getMe",
        "getUpdates",
        "deleteWebhook",
        "getWebhookInfo",
        "setMyCommands",
        "deleteMyCommands",
        "getMyCommands",
        "setMyDescription",
        "getMyDescription",
        "setMyShortDescription",
        "getMyShortDescription",
        "setChatMenuButton",
        "getChatMenuButton",
        "sendMessage",
        "editMessageText",
        "editMessageCaption",
        "editMessageReplyMarkup",
        "deleteMessage",
        "answerCallbackQuery",
        "sendDocument",
        "sendPhoto",
        "sendChatAction",
        "getFile",
    }
)

# Parameters whose value is free text or an opaque string id: never JSON-decoded, like Telegram.
STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "parse_mode",
        "caption_parse_mode",
        "callback_query_id",
        "inline_message_id",
        "file_id",
        "url",
        "description",
        "short_description",
        "language_code",
        "action",
        "business_connection_id",
        "message_effect_id",
        "emoji",
        "title",
        "name",
        "query",
        "switch_pm_text",
        "switch_pm_parameter",
        "secret_token",
        "ip_address",
        "certificate",
        "document",
        "photo",
        "thumbnail",
    }
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
INLINE_BUTTON_ACTIONS = frozenset(
    {
        "url",
        "callback_data",
        "web_app",
        "login_url",
        "switch_inline_query",
        "switch_inline_query_current_chat",
        "switch_inline_query_chosen_chat",
        "copy_text",
        "callback_game",
        "pay",
    }
)
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"


# --------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------


@dataclass
class SentFile:
    """A file as the fake stores it, so tests can read back exactly what the bot uploaded."""

    name: str
    data: bytes
    mime: str
    file_id: str = ""
    file_unique_id: str = ""
    file_path: str = ""


@dataclass
class ApiCall:
    """One request as the server decoded it, kept so tests can assert on the exact traffic."""

    method: str
    params: JSONDict
    files: dict[str, SentFile]
    at: float


@dataclass
class Rejection:
    """An error answer the fake gave, kept so tests can assert nothing invalid was sent."""

    method: str
    params: JSONDict
    status: int
    description: str
    at: float


@dataclass
class SentMessage:
    """A bot message in a chat; edits mutate it in place so tests see the chat as a user would."""

    message_id: int
    chat_id: int
    text: str
    parse_mode: str | None
    reply_markup: Rows
    document: SentFile | None = None
    photo: SentFile | None = None
    edited: bool = False
    deleted: bool = False
    plain: str = ""
    entities: list[JSONDict] = field(default_factory=list)
    markup_kind: str | None = None
    date: int = 0
    edit_count: int = 0
    history: list[str] = field(default_factory=list)
    raw: JSONDict = field(default_factory=dict)

    @property
    def buttons(self) -> list[str]:
        """Flat button labels, because most assertions only care what the user can tap."""
        return [str(button.get("text", "")) for row in self.reply_markup for button in row]

    @property
    def inline_buttons(self) -> list[JSONDict]:
        """Inline buttons only, since only those can produce callback queries."""
        if self.markup_kind != "inline":
            return []
        return [button for row in self.reply_markup for button in row]


@dataclass
class _Fault:
    """A pending injected failure."""

    method: str | None
    chat_id: int | None
    status: int
    description: str
    retry_after: int | None
    times: int


class ApiError(Exception):
    """An error answer with Telegram's status code and description."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JSONDict:
        """The JSON body Telegram would send for this error."""
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    """Shorthand for the most common answer, a 400 Bad Request."""
    return ApiError(400, f"Bad Request: {description}")


# --------------------------------------------------------------------------------------------
# Telegram's HTML parse mode (mirrors tdlib's parse_html, optionally stricter about "&")
# --------------------------------------------------------------------------------------------


class EntityParseError(ValueError):
    """Raised with tdlib's wording when text can't be parsed in HTML mode."""


_SUPPORTED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "a": "text_link",
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_SPACES = " \t\r\n\v\f\0"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram uses for limits and entity offsets."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass
class ParsedText:
    """Visible text plus entities, i.e. what Telegram stores after parsing."""

    text: str
    entities: list[JSONDict]


@dataclass
class _OpenTag:
    name: str
    attrs: dict[str, str]
    offset: int
    out_index: int
    begin: int


def _decode_entity(source: str, pos: int, strict: bool) -> tuple[str | None, int]:
    """Decode an HTML character reference at pos like tdlib; returns (char or None, end)."""
    n = len(source)
    end = pos + 1
    if end < n and source[end] == "#":
        end += 1
        code = 0
        digits = 0
        if end < n and source[end] == "x":
            end += 1
            while end < n and source[end] in "0123456789abcdefABCDEF":
                code = code * 16 + int(source[end], 16)
                end += 1
                digits += 1
        else:
            while end < n and source[end].isascii() and source[end].isdigit():
                code = code * 10 + int(source[end])
                end += 1
                digits += 1
        if digits == 0 or code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None, pos
        if 0xD800 <= code <= 0xDFFF:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        decoded = chr(code)
    else:
        while end < n and source[end].isascii() and source[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(source[pos + 1 : end])
        if named is None:
            return None, pos
        decoded = named
    if end < n and source[end] == ";":
        return decoded, end + 1
    if strict:
        return None, pos
    return decoded, end


def parse_html(source: str, *, strict: bool = True) -> ParsedText:
    """Parse Telegram HTML into visible text and entities, raising EntityParseError like tdlib.

    With strict=True (the default) an "&" that doesn't start a complete entity (with ";") is an
    error, as Telegram's docs demand; real Telegram shows such an "&" literally instead. Strict
    mode also requires href on <a>. strict=False follows tdlib exactly.
    """
    n = len(source)
    out: list[str] = []
    utf16 = 0
    stack: list[_OpenTag] = []
    entities: list[JSONDict] = []

    def at(pos: int) -> int:
        return len(source[:pos].encode("utf-8", "surrogatepass"))

    i = 0
    while i < n:
        ch = source[i]
        if ch == "&":
            decoded, end = _decode_entity(source, i, strict)
            if decoded is not None:
                out.append(decoded)
                utf16 += utf16_len(decoded)
                i = end
                continue
            if strict:
                raise EntityParseError(
                    f'Unescaped "&" at byte offset {at(i)}: write &amp; '
                    "(real Telegram would show it literally; this fake is strict)"
                )
        if ch != "<":
            out.append(ch)
            utf16 += utf16_len(ch)
            i += 1
            continue

        begin = i
        i += 1
        if i < n and source[i] == "/":
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {at(begin)}")
            j = i + 1
            while j < n and source[j] not in _SPACES and source[j] != ">":
                j += 1
            end_name = source[i + 1 : j].lower()
            while j < n and source[j] in _SPACES:
                j += 1
            if j >= n or source[j] != ">":
                raise EntityParseError(f"Unclosed end tag at byte offset {at(begin)}")
            top = stack[-1]
            if end_name and end_name != top.name:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {at(begin)}, expected "</{top.name}>", '
                    f'found "</{end_name}>"'
                )
            if utf16 > top.offset:
                _close_entity(top, utf16 - top.offset, "".join(out[top.out_index :]), entities)
            stack.pop()
            i = j + 1
            continue

        j = i
        while j < n and source[j] not in _SPACES and source[j] != ">":
            j += 1
        if j >= n:
            raise EntityParseError(f"Unclosed start tag at byte offset {at(begin)}")
        name = source[i:j].lower()
        if name not in _SUPPORTED_TAGS:
            raise EntityParseError(f'Unsupported start tag "{name}" at byte offset {at(begin)}')
        i = j
        attrs: dict[str, str] = {}
        while True:
            while i < n and source[i] in _SPACES:
                i += 1
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {at(begin)}")
            if source[i] == ">":
                break
            attr_begin = i
            while i < n and source[i] not in _SPACES and source[i] not in "=>":
                i += 1
            attr_name = source[attr_begin:i]
            if not attr_name:
                raise EntityParseError(
                    f'Empty attribute name in the tag "{name}" at byte offset {at(begin)}'
                )
            while i < n and source[i] in _SPACES:
                i += 1
            if i >= n:
                raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {at(begin)}')
            if source[i] != "=":
                if name == "blockquote" and attr_name.lower() == "expandable":
                    attrs["expandable"] = ""
                    continue
                raise EntityParseError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{name}" at byte offset {at(begin)}'
                )
            i += 1
            while i < n and source[i] in _SPACES:
                i += 1
            if i >= n:
                raise EntityParseError(f'Unclosed start tag "{name}" at byte offset {at(begin)}')
            if source[i] not in "'\"":
                token_begin = i
                while i < n and source[i].isascii() and (source[i].isalnum() or source[i] in ".-"):
                    i += 1
                value = source[token_begin:i].lower()
                if i >= n or (source[i] not in _SPACES and source[i] != ">"):
                    raise EntityParseError(
                        f"Unexpected end of name token at byte offset {at(token_begin)}"
                    )
            else:
                quote = source[i]
                i += 1
                chars: list[str] = []
                while i < n and source[i] != quote:
                    if source[i] == "&":
                        decoded, end = _decode_entity(source, i, strict)
                        if decoded is not None:
                            chars.append(decoded)
                            i = end
                            continue
                        if strict:
                            raise EntityParseError(
                                f'Unescaped "&" at byte offset {at(i)} in an attribute of the tag '
                                f'"{name}": write &amp; (real Telegram would accept it)'
                            )
                    chars.append(source[i])
                    i += 1
                if i < n:
                    i += 1
                value = "".join(chars)
            if i >= n:
                raise EntityParseError(f"Unclosed start tag at byte offset {at(begin)}")
            attrs[attr_name] = value
        i += 1  # skip ">"
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {at(begin)}'
            )
        if strict and name == "a" and not attrs.get("href"):
            raise EntityParseError(
                f'Tag "a" must have a non-empty "href" attribute at byte offset {at(begin)} '
                "(this fake is strict; Telegram would use the link text)"
            )
        stack.append(_OpenTag(name, attrs, utf16, len(out), begin))

    if stack:
        raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def _close_entity(tag: _OpenTag, length: int, inner: str, entities: list[JSONDict]) -> None:
    """Append the entity produced by a closed tag, following tdlib's pre/code merging."""
    entity: JSONDict = {"type": _TAG_ENTITY[tag.name], "offset": tag.offset, "length": length}
    last = entities[-1] if entities else None
    same_range = last is not None and last["offset"] == tag.offset and last["length"] == length
    if tag.name == "a":
        url = tag.attrs.get("href") or inner
        if not url:
            return
        entity["url"] = url
    elif tag.name == "tg-emoji":
        emoji_id = tag.attrs.get("emoji-id", "")
        if not emoji_id.isdigit() or int(emoji_id) == 0:
            raise EntityParseError("Invalid custom emoji identifier specified")
        entity["custom_emoji_id"] = emoji_id
    elif tag.name == "blockquote" and "expandable" in tag.attrs:
        entity["type"] = "expandable_blockquote"
    elif tag.name == "code":
        css = tag.attrs.get("class", "")
        language = css[len("language-") :] if css.startswith("language-") else ""
        if last is not None and same_range and last["type"] == "pre" and language:
            last["language"] = language
            return
        if language:
            entity["language"] = language
    elif (
        tag.name == "pre"
        and last is not None
        and same_range
        and last["type"] == "code"
        and last.get("language")
    ):
        last["type"] = "pre"
        return
    entities.append(entity)


# --------------------------------------------------------------------------------------------
# Parameter decoding (shared with the HTTP server)
# --------------------------------------------------------------------------------------------


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


def _read_content(content: bytes | IO[bytes]) -> bytes:
    """Multipart content may be bytes or an open binary file handle."""
    return content if isinstance(content, bytes) else content.read()


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------


class FakeBotApi(BaseRequest):
    """PTB request backend answering like the Bot API from memory, with checks and faults."""

    def __init__(
        self,
        *,
        username: str = DEFAULT_BOT_USERNAME,
        first_name: str = "Forumbot Test",
        rate_limit_per_second: float | None = None,
        strict_html: bool = True,
    ) -> None:
        self.username = username
        self.first_name = first_name
        self.rate_limit_per_second = rate_limit_per_second
        self.strict_html = strict_html

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)

        self.calls: list[ApiCall] = []
        self.rejections: list[Rejection] = []
        self.faults: list[Rejection] = []
        self.problems: list[str] = []
        self.callback_answers: list[JSONDict] = []
        self.too_many_requests = 0
        self.chat_actions: list[tuple[int, str]] = []

        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}

        self._chats: dict[int, JSONDict] = {}
        self._messages: dict[int, list[SentMessage]] = {}
        self._all_messages: list[SentMessage] = []
        self._by_id: dict[tuple[int, int], SentMessage] = {}
        self._existing_ids: set[tuple[int, int]] = set()
        self._deleted_ids: set[tuple[int, int]] = set()
        self._next_message_id: dict[int, int] = {}
        self._files: dict[str, SentFile] = {}
        self._files_by_path: dict[str, SentFile] = {}
        self._file_counter = 0
        self._blocked: set[int] = set()
        self._faults: list[_Fault] = []
        self._send_times: deque[float] = deque()
        self._known_queries: set[str] = set()
        self._answered_queries: set[str] = set()

        self._updates: list[JSONDict] = []
        self._last_update_id = 0
        self._wake_generation = 0
        self._poll_generation = 0

        self._handlers: dict[str, Callable[[JSONDict, dict[str, SentFile]], Any]] = {
            "getMe": lambda p, f: self.bot_user(full=True),
            "deleteWebhook": lambda p, f: True,
            "getWebhookInfo": lambda p, f: {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            },
            "setMyCommands": self._set_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "getMyCommands": self._get_my_commands,
            "setMyDescription": self._set_my_description,
            "getMyDescription": lambda p, f: {
                "description": self.descriptions.get(str(p.get("language_code", "")), "")
            },
            "setMyShortDescription": self._set_my_short_description,
            "getMyShortDescription": lambda p, f: {
                "short_description": self.short_descriptions.get(
                    str(p.get("language_code", "")), ""
                )
            },
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": lambda p, f: self.menu_buttons.get(
                p.get("chat_id"), self.menu_buttons.get(None, {"type": "default"})
            ),
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
        }

    # ---- BaseRequest interface ------------------------------------------------------------

    @property
    def read_timeout(self) -> float | None:
        """No network, so no default read timeout."""
        return None

    async def initialize(self) -> None:
        """Nothing to open: everything lives in memory."""

    async def shutdown(self) -> None:
        """Nothing to close; records stay readable after the application stops."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Decode PTB's request exactly as a server would see it and answer from memory."""
        path = unquote(urlsplit(url).path)
        if "/file/bot" in path:
            data = self.file_bytes(path)
            if data is None:
                return 404, json.dumps(
                    {"ok": False, "error_code": 404, "description": "Not Found"}
                ).encode()
            return 200, data
        api_method = path.rstrip("/").rsplit("/", 1)[-1]
        params = decode_params(request_data.json_parameters) if request_data else {}
        files: dict[str, SentFile] = {}
        if request_data is not None and request_data.contains_files:
            files = self.decode_files(request_data.multipart_data)
        if api_method == "getUpdates" and float(params.get("timeout") or 0) > 0:
            status, payload = await asyncio.to_thread(self.handle, api_method, params, files)
        else:
            status, payload = self.handle(api_method, params, files)
        return status, json.dumps(payload).encode()

    @staticmethod
    def decode_files(
        multipart: Mapping[str, tuple[str, bytes | IO[bytes], str]],
    ) -> dict[str, SentFile]:
        """Turn PTB's multipart tuples (filename, content, mime) into SentFile records."""
        return {
            part: SentFile(name=filename, data=_read_content(content), mime=mime)
            for part, (filename, content, mime) in multipart.items()
        }

    # ---- the transport-independent core ---------------------------------------------------

    def handle(
        self, method: str, params: JSONDict, files: Mapping[str, SentFile] | None = None
    ) -> tuple[int, JSONDict]:
        """Answer one Bot API call: (HTTP status, JSON body). Thread-safe."""
        files = dict(files or {})
        with self._lock:
            self.calls.append(ApiCall(method, dict(params), files, time.time()))
            if method not in KNOWN_METHODS:
                self.problems.append(
                    f"unknown Bot API method {method!r} (params: {sorted(params)})"
                )
                return 404, {
                    "ok": False,
                    "error_code": 404,
                    "description": "Not Found: method not found",
                }
            try:
                self._check_faults(method, params)
            except ApiError as exc:
                self.faults.append(
                    Rejection(method, dict(params), exc.status, exc.description, time.time())
                )
                return exc.status, exc.payload()
            if method == "getUpdates":
                return self._get_updates(params)
            try:
                result = self._handlers[method](params, files)
            except ApiError as exc:
                self.rejections.append(
                    Rejection(method, dict(params), exc.status, exc.description, time.time())
                )
                return exc.status, exc.payload()
            return 200, {"ok": True, "result": result}

    def _check_faults(self, method: str, params: JSONDict) -> None:
        """Raise an injected failure, a block, or a rate-limit answer if one applies."""
        chat_id = params.get("chat_id")
        for fault in self._faults:
            if fault.method is None and method == "getUpdates":
                continue
            if fault.method is not None and fault.method != method:
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            fault.times -= 1
            if fault.times <= 0:
                self._faults.remove(fault)
            if fault.retry_after is not None:
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    {"retry_after": fault.retry_after},
                )
            raise ApiError(fault.status, fault.description)
        if method in CHAT_METHODS and chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if method in SEND_METHODS and self.rate_limit_per_second:
            rate = self.rate_limit_per_second
            window = max(1.0, 1.0 / rate)
            allowed = max(1, math.floor(rate * window))
            now = time.monotonic()
            while self._send_times and now - self._send_times[0] >= window:
                self._send_times.popleft()
            if len(self._send_times) >= allowed:
                self.too_many_requests += 1
                raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self._send_times.append(now)

    # ---- fault injection -------------------------------------------------------------------

    def block(self, chat_id: int) -> None:
        """Make the user at chat_id have blocked the bot: sends answer 403."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        """Undo block()."""
        with self._lock:
            self._blocked.discard(chat_id)

    def fail_next(
        self,
        method: str | None = None,
        *,
        chat_id: int | None = None,
        retry_after: int | None = None,
        status: int = 400,
        description: str = "Bad Request: injected",
        times: int = 1,
    ) -> None:
        """Make the next `times` matching calls fail (429 with retry_after if given)."""
        with self._lock:
            self._faults.append(_Fault(method, chat_id, status, description, retry_after, times))

    # ---- chats, ids, files, updates ---------------------------------------------------------

    def bot_user(self, *, full: bool = False) -> JSONDict:
        """The bot as a User object (full=True adds the getMe-only fields)."""
        user: JSONDict = {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }
        if full:
            user.update(
                can_join_groups=True,
                can_read_all_group_messages=False,
                supports_inline_queries=False,
                can_connect_to_business=False,
                has_main_web_app=False,
            )
        return user

    def register_chat(self, chat: JSONDict) -> None:
        """Remember a chat's Chat object so bot messages to it carry the right names."""
        with self._lock:
            self._chats[int(chat["id"])] = dict(chat)

    def chat(self, chat_id: int) -> JSONDict:
        """The Chat object for chat_id (a private chat unless registered or negative)."""
        with self._lock:
            if chat_id in self._chats:
                return dict(self._chats[chat_id])
        if chat_id < 0:
            return {"id": chat_id, "type": "supergroup", "title": f"Group {chat_id}"}
        return {"id": chat_id, "type": "private", "first_name": "User"}

    def next_message_id(self, chat_id: int) -> int:
        """Allocate a message id in chat_id; users' and bot's messages share one sequence."""
        with self._lock:
            message_id = self._next_message_id.get(chat_id, 0) + 1
            self._next_message_id[chat_id] = message_id
            self._existing_ids.add((chat_id, message_id))
            return message_id

    def next_update_id(self) -> int:
        """Allocate an update id (shared by push_update and the in-process client)."""
        with self._lock:
            self._last_update_id += 1
            return self._last_update_id

    def register_file(
        self, name: str, data: bytes, mime: str, *, kind: str = "document"
    ) -> SentFile:
        """Store bytes under a new file_id so getFile and downloads work for them."""
        with self._lock:
            self._file_counter += 1
            number = self._file_counter
            safe = re.sub(r"[^A-Za-z0-9._-]", "_", name) or "file"
            folder = "photos" if kind == "photo" else "documents"
            stored = SentFile(
                name=name,
                data=data,
                mime=mime,
                file_id=f"{kind}-file-{number}",
                file_unique_id=f"u{kind}{number}",
                file_path=f"{folder}/file_{number}_{safe}",
            )
            self._files[stored.file_id] = stored
            self._files_by_path[stored.file_path] = stored
            return stored

    def file(self, file_id: str) -> SentFile | None:
        """Look up a stored file by file_id."""
        with self._lock:
            return self._files.get(file_id)

    def file_bytes(self, url_path: str) -> bytes | None:
        """Bytes for a download path like /file/bot<token>/<file_path>, or None."""
        rest = url_path.split("/file/bot", 1)[-1]
        _token, _, file_path = rest.partition("/")
        with self._lock:
            stored = self._files_by_path.get(file_path)
            return stored.data if stored else None

    def register_callback_query(self, query_id: str) -> None:
        """Mark a callback query id as issued, so answering it twice is rejected like Telegram."""
        with self._lock:
            self._known_queries.add(query_id)

    def push_update(self, update: JSONDict) -> int:
        """Queue an update for getUpdates (assigning update_id if missing); returns its id."""
        with self._cond:
            if "update_id" in update:
                self._last_update_id = max(self._last_update_id, int(update["update_id"]))
            else:
                self._last_update_id += 1
                update = {"update_id": self._last_update_id, **update}
            self._updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def pending_updates(self) -> list[JSONDict]:
        """Updates queued and not yet confirmed by an offset."""
        with self._lock:
            return list(self._updates)

    def interrupt_waiters(self) -> None:
        """Release any long-polling getUpdates immediately (used when a server stops)."""
        with self._cond:
            self._wake_generation += 1
            self._cond.notify_all()

    def _get_updates(self, params: JSONDict) -> tuple[int, JSONDict]:
        """Long polling: confirm by offset, wait up to min(timeout, 2 s) for new updates."""
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), LONG_POLL_CAP_SECONDS)
        deadline = time.monotonic() + timeout
        with self._cond:
            self._poll_generation += 1
            my_poll = self._poll_generation
            wake = self._wake_generation
            self._cond.notify_all()  # an older long poll is now superseded: wake it for its 409
            while True:
                if my_poll != self._poll_generation:
                    description = (
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running"
                    )
                    self.faults.append(
                        Rejection("getUpdates", params, 409, description, time.time())
                    )
                    return 409, {"ok": False, "error_code": 409, "description": description}
                if offset > 0:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                    ready = self._updates[:limit]
                elif offset < 0:
                    ready = self._updates[offset:][:limit]
                else:
                    ready = self._updates[:limit]
                if ready:
                    return 200, {"ok": True, "result": [dict(u) for u in ready]}
                remaining = deadline - time.monotonic()
                if remaining <= 0 or wake != self._wake_generation:
                    return 200, {"ok": True, "result": []}
                self._cond.wait(remaining)

    # ---- reading the model ----------------------------------------------------------------

    def sent(self, chat_id: int) -> list[SentMessage]:
        """Everything the bot sent to chat_id, in order (deleted ones flagged, not removed)."""
        with self._lock:
            return list(self._messages.get(chat_id, []))

    def all_sent(self) -> list[SentMessage]:
        """Everything the bot sent, across chats, in sending order."""
        with self._lock:
            return list(self._all_messages)

    def message(self, chat_id: int, message_id: int) -> SentMessage | None:
        """A bot message by id, or None."""
        with self._lock:
            return self._by_id.get((chat_id, message_id))

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls of one method, for assertions on traffic."""
        with self._lock:
            return [call for call in self.calls if call.method == method]

    # ---- validation helpers ---------------------------------------------------------------

    @staticmethod
    def _chat_id(params: JSONDict) -> int:
        value = params.get("chat_id")
        if value is None or value == "":
            raise _bad("chat_id is empty")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad("chat not found")
        return value

    @staticmethod
    def _message_id(params: JSONDict) -> int:
        value = params.get("message_id")
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad("message identifier is not specified")
        return value

    def _format(self, text: Any, parse_mode: Any, *, caption: bool) -> ParsedText:
        """Parse text like Telegram and enforce the emptiness and length limits."""
        if text is None:
            text = ""
        if not isinstance(text, str):
            text = str(text)
        mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
        if mode == "html":
            try:
                parsed = parse_html(text, strict=self.strict_html)
            except EntityParseError as exc:
                raise _bad(f"can't parse entities: {exc}") from exc
        elif mode in ("", "markdown", "markdownv2"):
            parsed = ParsedText(text, [])
        else:
            raise _bad("unsupported parse_mode")
        visible = parsed.text.strip()
        if caption:
            if utf16_len(visible) > MAX_CAPTION_LENGTH:
                raise _bad("message caption is too long")
        else:
            if not visible:
                raise _bad("message text is empty")
            if utf16_len(visible) > MAX_TEXT_LENGTH:
                raise _bad("message is too long")
        return parsed

    @staticmethod
    def _markup(raw: Any) -> tuple[str | None, Rows, JSONDict | None]:
        """Validate reply_markup; returns (kind, rows as sent, dict Telegram echoes back)."""
        if raw is None or raw == "":
            return None, [], None
        if not isinstance(raw, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in raw:
            rows = raw["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
            count = 0
            for row in rows:
                for button in row:
                    count += 1
                    FakeBotApi._check_inline_button(button)
            if count > MAX_INLINE_BUTTONS:
                raise _bad("reply markup is too long")
            return "inline", [list(row) for row in rows], {"inline_keyboard": rows}
        if "keyboard" in raw:
            rows = raw["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
            normalized = [
                [b if isinstance(b, dict) else {"text": str(b)} for b in row] for row in rows
            ]
            return "reply", normalized, None
        if raw.get("remove_keyboard"):
            return "remove", [], None
        if raw.get("force_reply"):
            return "force_reply", [], None
        raise _bad("can't parse reply keyboard markup JSON object")

    @staticmethod
    def _check_inline_button(button: Any) -> None:
        if not isinstance(button, dict) or not isinstance(button.get("text"), str):
            raise _bad('can\'t parse inline keyboard button: Field "text" must be of type String')
        actions = INLINE_BUTTON_ACTIONS & button.keys()
        if not actions:
            raise _bad(
                "can't parse inline keyboard button: Text buttons are unallowed in the inline "
                "keyboard"
            )
        if "callback_data" in button:
            data = button["callback_data"]
            if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
                raise _bad("BUTTON_DATA_INVALID")
        if "url" in button:
            url = button["url"]
            if not isinstance(url, str) or not re.match(r"(?i)^(https?|tg)://\S+$", url):
                raise _bad("BUTTON_URL_INVALID")

    def _stored_file(self, name: str, params: JSONDict, files: dict[str, SentFile]) -> SentFile:
        """Resolve a file parameter (upload, attach://, file_id or URL) to a stored file."""
        kind = "photo" if name == "photo" else "document"
        upload = files.get(name)
        value = params.get(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise _bad(f"file of field {value} not found in the request")
        if upload is not None:
            if not upload.data:
                raise _bad("file must be non-empty")
            if len(upload.data) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            if kind == "photo" and not _looks_like_image(upload.data):
                raise _bad("IMAGE_PROCESS_FAILED")
            return self.register_file(upload.name, upload.data, upload.mime, kind=kind)
        if isinstance(value, str) and value:
            known = self._files.get(value)
            if known is not None:
                return known
            if re.match(r"(?i)^https?://", value):
                filename = urlsplit(value).path.rsplit("/", 1)[-1] or "file"
                return self.register_file(filename, b"", "application/octet-stream", kind=kind)
            raise _bad("wrong file identifier/HTTP URL specified")
        raise _bad(f"there is no {name} in the request")

    # ---- message model -------------------------------------------------------------------

    def _store(
        self,
        chat_id: int,
        *,
        text: str,
        parse_mode: str | None,
        parsed: ParsedText,
        markup: tuple[str | None, Rows, JSONDict | None],
        caption: bool,
        document: SentFile | None = None,
        photo: SentFile | None = None,
    ) -> SentMessage:
        """Create a bot message in chat_id and return it (its raw dict is the API result)."""
        kind, rows, echo = markup
        message_id = self.next_message_id(chat_id)
        raw: JSONDict = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": self.chat(chat_id),
            "from": self.bot_user(),
        }
        if document is not None:
            raw["document"] = {
                "file_id": document.file_id,
                "file_unique_id": document.file_unique_id,
                "file_name": document.name,
                "mime_type": document.mime,
                "file_size": len(document.data),
            }
        if photo is not None:
            width, height = _image_size(photo.data)
            raw["photo"] = [
                {
                    "file_id": photo.file_id,
                    "file_unique_id": photo.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": len(photo.data),
                }
            ]
        message = SentMessage(
            message_id=message_id,
            chat_id=chat_id,
            text=text,
            parse_mode=parse_mode,
            reply_markup=rows,
            document=document,
            photo=photo,
            plain=parsed.text,
            entities=parsed.entities,
            markup_kind=kind,
            date=raw["date"],
            raw=raw,
        )
        self._apply_text(message, parsed, caption=caption)
        self._apply_markup(message, kind, rows, echo)
        self._messages.setdefault(chat_id, []).append(message)
        self._by_id[(chat_id, message_id)] = message
        self._all_messages.append(message)
        return message

    @staticmethod
    def _apply_text(message: SentMessage, parsed: ParsedText, *, caption: bool) -> None:
        key, entities_key = ("caption", "caption_entities") if caption else ("text", "entities")
        message.plain = parsed.text
        message.entities = parsed.entities
        if parsed.text or not caption:
            message.raw[key] = parsed.text
        else:
            message.raw.pop(key, None)
        if parsed.entities:
            message.raw[entities_key] = parsed.entities
        else:
            message.raw.pop(entities_key, None)

    @staticmethod
    def _apply_markup(
        message: SentMessage, kind: str | None, rows: Rows, echo: JSONDict | None
    ) -> None:
        message.markup_kind = kind
        message.reply_markup = rows
        if echo is not None:
            message.raw["reply_markup"] = echo
        else:
            message.raw.pop("reply_markup", None)

    @staticmethod
    def _result(message: SentMessage) -> JSONDict:
        return json.loads(json.dumps(message.raw))  # type: ignore[no-any-return]

    def _editable(self, params: JSONDict) -> SentMessage:
        if params.get("inline_message_id"):
            self.problems.append("inline_message_id edits are not modelled by the fake")
            raise _bad("message to edit not found")
        chat_id = self._chat_id(params)
        message_id = self._message_id(params)
        message = self._by_id.get((chat_id, message_id))
        if message is None or message.deleted:
            if (chat_id, message_id) in self._existing_ids and (
                chat_id,
                message_id,
            ) not in self._deleted_ids:
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return message

    # ---- method handlers -------------------------------------------------------------------

    def _send_message(self, params: JSONDict, files: dict[str, SentFile]) -> JSONDict:
        chat_id = self._chat_id(params)
        parse_mode = params.get("parse_mode")
        parsed = self._format(params.get("text"), parse_mode, caption=False)
        markup = self._markup(params.get("reply_markup"))
        message = self._store(
            chat_id,
            text=str(params.get("text")),
            parse_mode=parse_mode,
            parsed=parsed,
            markup=markup,
            caption=False,
        )
        return self._result(message)

    def _send_media(self, kind: str, params: JSONDict, files: dict[str, SentFile]) -> JSONDict:
        chat_id = self._chat_id(params)
        parse_mode = params.get("parse_mode")
        caption = params.get("caption")
        parsed = self._format(caption, parse_mode, caption=True)
        markup = self._markup(params.get("reply_markup"))
        stored = self._stored_file(kind, params, files)
        message = self._store(
            chat_id,
            text="" if caption is None else str(caption),
            parse_mode=parse_mode,
            parsed=parsed,
            markup=markup,
            caption=True,
            document=stored if kind == "document" else None,
            photo=stored if kind == "photo" else None,
        )
        return self._result(message)

    def _send_document(self, params: JSONDict, files: dict[str, SentFile]) -> JSONDict:
        return self._send_media("document", params, files)

    def _send_photo(self, params: JSONDict, files: dict[str, SentFile]) -> JSONDict:
        return self._send_media("photo", params, files)

    def _edit_message_text(self, params: JSONDict, files: dict[str, SentFile]) -> JSONDict:
        message = self._editable(params)
        if message.document is not None or message.photo is not None:
            raise _bad("there is no text in the message to edit")
        parse_mode = params.get("parse_mode")
        parsed = self._format(params.get("text"), parse_mode, caption=False)
        markup = self._markup(params.get("reply_markup"))
        self._apply_edit(
            message,
            text=str(params.get("text")),
            parse_mode=parse_mode,
            parsed=parsed,
            markup=markup,
            caption=False,
        )
        return self._result(message)

    def _edit_message_caption(self, params: JSONDict, files: dict[str, SentFile]) -> JSONDict:
        message = self._editable(params)
        if message.document is None and message.photo is None:
            raise _bad("there is no caption in the message to edit")
        parse_mode = params.get("parse_mode")
        caption = params.get("caption")
        parsed = self._format(caption, parse_mode, caption=True)
        markup = self._markup(params.get("reply_markup"))
        text = "" if caption is None else str(caption)
        self._apply_edit(
            message, text=text, parse_mode=parse_mode, parsed=parsed, markup=markup, caption=True
        )
        return self._result(message)

    def _apply_edit(
        self,
        message: SentMessage,
        *,
        text: str,
        parse_mode: str | None,
        parsed: ParsedText,
        markup: tuple[str | None, Rows, JSONDict | None],
        caption: bool,
    ) -> None:
        """Edit in place; an edit without reply_markup drops the inline keyboard, as in Telegram."""
        kind, rows, echo = markup
        if kind not in (None, "inline"):
            raise _bad("inline keyboard expected")
        old_rows = message.reply_markup if message.markup_kind == "inline" else []
        new_rows = rows if kind == "inline" else []
        if (parsed.text, parsed.entities, old_rows) == (message.plain, message.entities, new_rows):
            raise _bad(NOT_MODIFIED[len("Bad Request: ") :])
        message.history.append(message.text)
        message.text = text
        message.parse_mode = parse_mode
        self._apply_text(message, parsed, caption=caption)
        self._apply_markup(message, kind, new_rows, echo)
        self._mark_edited(message)

    @staticmethod
    def _mark_edited(message: SentMessage) -> None:
        message.edited = True
        message.edit_count += 1
        message.raw["edit_date"] = int(time.time())

    def _edit_message_reply_markup(self, params: JSONDict, files: dict[str, SentFile]) -> JSONDict:
        message = self._editable(params)
        kind, rows, echo = self._markup(params.get("reply_markup"))
        if kind not in (None, "inline"):
            raise _bad("inline keyboard expected")
        old_rows = message.reply_markup if message.markup_kind == "inline" else []
        if rows == old_rows:
            raise _bad(NOT_MODIFIED[len("Bad Request: ") :])
        self._apply_markup(message, kind, rows, echo)
        self._mark_edited(message)
        return self._result(message)

    def _delete_message(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        chat_id = self._chat_id(params)
        message_id = self._message_id(params)
        key = (chat_id, message_id)
        if key not in self._existing_ids or key in self._deleted_ids:
            raise _bad("message to delete not found")
        self._deleted_ids.add(key)
        message = self._by_id.get(key)
        if message is not None:
            message.deleted = True
        return True

    def _answer_callback_query(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        query_id = params.get("callback_query_id")
        if not query_id:
            raise _bad("query_id is empty")
        text = params.get("text")
        if isinstance(text, str) and utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        query = str(query_id)
        if query in self._answered_queries:
            raise ApiError(400, QUERY_TOO_OLD)
        if query in self._known_queries:
            self._answered_queries.add(query)
        self.callback_answers.append(dict(params))
        return True

    def _send_chat_action(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        chat_id = self._chat_id(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self.chat_actions.append((chat_id, str(action)))
        return True

    def _get_file(self, params: JSONDict, files: dict[str, SentFile]) -> JSONDict:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise _bad("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    @staticmethod
    def _scope_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        scope_key = json.dumps(scope, sort_keys=True) if isinstance(scope, dict) else str(scope)
        return scope_key, str(params.get("language_code") or "")

    def _set_my_commands(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise _bad("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._scope_key(params)] = [dict(c) for c in commands]
        return True

    def _delete_my_commands(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    def _get_my_commands(self, params: JSONDict, files: dict[str, SentFile]) -> list[JSONDict]:
        return list(self.commands.get(self._scope_key(params), []))

    def commands_for(
        self, scope: JSONDict | None = None, language_code: str = ""
    ) -> list[JSONDict]:
        """Commands set for a scope (default scope if None) and language."""
        params: JSONDict = {"language_code": language_code}
        if scope is not None:
            params["scope"] = scope
        with self._lock:
            return list(self.commands.get(self._scope_key(params), []))

    def _set_my_description(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        description = str(params.get("description") or "")
        if len(description) > 512:
            raise _bad("BOT_DESCRIPTION_INVALID")
        self.descriptions[str(params.get("language_code") or "")] = description
        return True

    def _set_my_short_description(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        description = str(params.get("short_description") or "")
        if len(description) > 120:
            raise _bad("BOT_ABOUT_INVALID")
        self.short_descriptions[str(params.get("language_code") or "")] = description
        return True

    def _set_chat_menu_button(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise _bad("can't parse menu button JSON object")
        chat_id = params.get("chat_id")
        self.menu_buttons[chat_id if isinstance(chat_id, int) else None] = dict(button)
        return True


def _looks_like_image(data: bytes) -> bool:
    """Telegram re-encodes photos and rejects bytes that aren't an image."""
    return data.startswith(
        (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
    ) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _image_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG header; a plausible default for other formats."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return 512, 512

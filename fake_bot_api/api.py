"""FakeBotApi: a PTB request backend answering like the Telegram Bot API from memory."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import IO, Any
from urllib.parse import unquote, urlsplit

from telegram._utils.types import ODVInput
from telegram.request import BaseRequest, RequestData

from fake_bot_api.bot_profile import BotProfileMethods
from fake_bot_api.errors import ApiError
from fake_bot_api.faults import FaultInjection
from fake_bot_api.limits import KNOWN_METHODS, JSONDict
from fake_bot_api.messages import MessageMethods
from fake_bot_api.records import ApiCall, Rejection, SentFile
from fake_bot_api.updates import UpdateQueue
from fake_bot_api.validation import decode_params, read_content


class FakeBotApi(MessageMethods, BotProfileMethods, UpdateQueue, FaultInjection, BaseRequest):
    """PTB request backend answering like the Bot API from memory, with checks and faults.

    Keyword options (the constructor is FakeState's):

    - ``username``, ``first_name``: the bot as getMe describes it.
    - ``strict_html`` (True): False tolerates a bare "&" in HTML, as tdlib does.
    - ``rate_limit_per_second`` (None: off): the bot's global limit, a sliding window of
      max(1, 1/rate) seconds over ``limits.GLOBAL_LIMITED_METHODS`` (new messages).
    - ``per_chat_burst`` (None: off) and ``per_chat_per_second`` (1.0): Telegram's "about one
      message a second per chat, short bursts allowed", a token bucket per chat_id holding
      ``per_chat_burst`` tokens refilled at ``per_chat_per_second``, spent by
      ``limits.CHAT_LIMITED_METHODS`` (new messages and edits).
    - ``callback_answer_seconds`` (15.0; None: never late): an answerCallbackQuery this long after
      the query was issued (``register_callback_query`` or an update carrying it) is refused
      with 400 "query is too old", as is a second answer.
    - ``monotonic`` (time.monotonic): the clock every time-based rule reads, so tests can drive
      time by hand.

    A call over a limit answers 429 "Too Many Requests: retry after N" with
    ``parameters.retry_after`` N (whole seconds until it would pass, at least 1); it spends
    nothing and sends nothing. Counters: ``too_many_requests`` (all such 429s),
    ``too_many_global``, ``too_many_per_chat`` and ``late_callback_answers``.
    """

    @cached_property
    def _handlers(self) -> dict[str, Callable[[JSONDict, dict[str, SentFile]], Any]]:
        """The methods answered from memory, by name (getUpdates waits, so handle() runs it)."""
        return {
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
            part: SentFile(name=filename, data=read_content(content), mime=mime)
            for part, (filename, content, mime) in multipart.items()
        }

    # ---- the transport-independent core ---------------------------------------------------

    def handle(
        self, method: str, params: JSONDict, files: Mapping[str, SentFile] | None = None
    ) -> tuple[int, JSONDict]:
        """Answer one Bot API call: (HTTP status, JSON body). Thread-safe."""
        files = dict(files or {})
        with self._lock:
            self.calls.append(ApiCall(method, dict(params), files, self.monotonic()))
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
                    Rejection(method, dict(params), exc.status, exc.description, self.monotonic())
                )
                return exc.status, exc.payload()
            if method == "getUpdates":
                return self._get_updates(params)
            try:
                result = self._handlers[method](params, files)
            except ApiError as exc:
                self.rejections.append(
                    Rejection(method, dict(params), exc.status, exc.description, self.monotonic())
                )
                return exc.status, exc.payload()
            return 200, {"ok": True, "result": result}

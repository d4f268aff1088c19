"""The fake's memory: the bot, its chats and messages, stored files, and what was called."""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable

from fake_bot_api.limits import BOT_ID, CALLBACK_ANSWER_SECONDS, DEFAULT_BOT_USERNAME, JSONDict
from fake_bot_api.records import ApiCall, Fault, Rejection, SentFile, SentMessage


class FakeState:
    """Everything the fake remembers, behind one lock, plus the lookups tests read it with."""

    def __init__(
        self,
        *,
        username: str = DEFAULT_BOT_USERNAME,
        first_name: str = "Forumbot Test",
        rate_limit_per_second: float | None = None,
        per_chat_burst: int | None = None,
        per_chat_per_second: float = 1.0,
        callback_answer_seconds: float | None = CALLBACK_ANSWER_SECONDS,
        strict_html: bool = True,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_chat_burst is not None and (per_chat_burst < 1 or per_chat_per_second <= 0):
            raise ValueError("per_chat_burst must be >= 1 and per_chat_per_second > 0")
        self.username = username
        self.first_name = first_name
        self.rate_limit_per_second = rate_limit_per_second
        self.per_chat_burst = per_chat_burst
        self.per_chat_per_second = per_chat_per_second
        self.callback_answer_seconds = callback_answer_seconds
        self.strict_html = strict_html
        self.monotonic = monotonic

        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)

        self.calls: list[ApiCall] = []
        self.rejections: list[Rejection] = []
        self.faults: list[Rejection] = []
        self.problems: list[str] = []
        self.callback_answers: list[JSONDict] = []
        self.too_many_requests = 0
        self.too_many_global = 0
        self.too_many_per_chat = 0
        self.late_callback_answers = 0
        self.chat_actions: list[tuple[int, str]] = []

        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}

        self._chats: dict[int, JSONDict] = {}
        self._opened: set[int] = set()
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
        self._faults: list[Fault] = []
        self._send_times: deque[float] = deque()
        self._chat_buckets: dict[int | str, tuple[float, float]] = {}
        self._query_issued: dict[str, float] = {}
        self._answered_queries: set[str] = set()

        self._updates: list[JSONDict] = []
        self._last_update_id = 0
        self._wake_generation = 0
        self._poll_generation = 0

    # ---- chats, ids, files, callback queries ----------------------------------------------

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

    def open_chat(self, chat_id: int) -> None:
        """Note that chat_id has a chat with the bot, as when its user has written to the bot."""
        with self._lock:
            self._opened.add(chat_id)

    def note_update(self, update: JSONDict) -> None:
        """Open every chat an update comes from, and issue its callback query now, like Telegram."""
        for event in update.values():
            if not isinstance(event, dict):
                continue
            chat = event.get("chat")
            message = event.get("message")
            if not isinstance(chat, dict) and isinstance(message, dict):
                chat = message.get("chat")
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                self.open_chat(chat["id"])
        query = update.get("callback_query")
        if isinstance(query, dict) and isinstance(query.get("id"), str):
            self.register_callback_query(query["id"])

    def has_chat(self, chat_id: object) -> bool:
        """True once chat_id has opened the bot (Telegram answers "chat not found" before)."""
        with self._lock:
            return isinstance(chat_id, int) and chat_id in self._opened

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
        """Note when a query was issued, so a second or a late answer is refused like Telegram."""
        with self._lock:
            self._query_issued.setdefault(query_id, self.monotonic())

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

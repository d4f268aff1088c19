"""A simulated Telegram user for flow tests: type text, tap buttons, read what the bot said."""

from __future__ import annotations

import itertools
import json
import re
import time
from typing import Protocol

from telegram import Bot, Update

from fake_bot_api import FakeBotApi, JSONDict, SentFile, SentMessage, utf16_len

_query_ids = itertools.count(1)
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/<>])")


class UpdateTarget(Protocol):
    """What the client needs from an Application: its bot and process_update (duck-typed)."""

    @property
    def bot(self) -> Bot:
        """The bot that Update.de_json binds objects to."""
        ...

    async def process_update(self, update: object) -> None:
        """Run handlers for one update to completion."""
        ...

    async def deliver(self, update: object) -> None:
        """As polling hands it over: through the update processor (person by person, flood
        limits), then the handlers."""
        ...


class UserClient:
    """One private-chat user talking to the bot; updates go straight into app.process_update."""

    def __init__(
        self,
        app: UpdateTarget,
        fake: FakeBotApi,
        user_id: int,
        first_name: str = "Test",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        live: bool = False,
    ) -> None:
        self.app = app
        #: Deliver updates as polling does (concurrently with other people, flood-limited).
        self.live = live
        self.fake = fake
        self.user_id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self._cursor = 0
        self._fed_at = 0
        self._query_ids: list[str] = []
        fake.register_chat(self.chat_dict())

    # ---- JSON builders ------------------------------------------------------------------

    def user_dict(self) -> JSONDict:
        """This user as a Bot API User object."""
        user: JSONDict = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            user["last_name"] = self.last_name
        if self.username is not None:
            user["username"] = self.username
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user

    def chat_dict(self) -> JSONDict:
        """The private chat with this user as a Bot API Chat object."""
        chat: JSONDict = {"id": self.user_id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            chat["last_name"] = self.last_name
        if self.username is not None:
            chat["username"] = self.username
        return chat

    def _message(self) -> JSONDict:
        return {
            "message_id": self.fake.next_message_id(self.user_id),
            "date": int(time.time()),
            "chat": self.chat_dict(),
            "from": self.user_dict(),
        }

    def text_update(self, text: str) -> JSONDict:
        """An update carrying a text message (commands get a bot_command entity at offset 0)."""
        message = self._message()
        message["text"] = text
        match = _COMMAND.match(text)
        if match:
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(match.group(0))}
            ]
        return {"update_id": self.fake.next_update_id(), "message": message}

    def document_update(
        self,
        filename: str,
        data: bytes,
        mime_type: str = "text/csv",
        caption: str | None = None,
    ) -> JSONDict:
        """An update carrying a document; its bytes are registered so getFile/download work."""
        stored = self.fake.register_file(filename, data, mime_type)
        message = self._message()
        message["document"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        if caption is not None:
            message["caption"] = caption
        return {"update_id": self.fake.next_update_id(), "message": message}

    def callback_update(self, data: str, message: SentMessage | None) -> JSONDict:
        """An update carrying a callback query from this user, optionally on a bot message."""
        query_id = f"cbq-{self.user_id}-{next(_query_ids)}"
        self.fake.register_callback_query(query_id)
        self._query_ids.append(query_id)
        query: JSONDict = {
            "id": query_id,
            "from": self.user_dict(),
            "chat_instance": f"ci-{self.user_id}",
            "data": data,
        }
        if message is not None:
            query["message"] = json.loads(json.dumps(message.raw))
        return {"update_id": self.fake.next_update_id(), "callback_query": query}

    # ---- actions ------------------------------------------------------------------------

    async def feed(self, update: JSONDict) -> None:
        """Run one raw update through the application, handlers included, to completion."""
        self.fake.note_update(update)
        self._fed_at = len(self.fake.sent(self.user_id))
        parsed = Update.de_json(update, self.app.bot)
        if self.live:
            await self.app.deliver(parsed)
        else:
            await self.app.process_update(parsed)

    async def send(self, text: str) -> None:
        """Type a message in the private chat."""
        await self.feed(self.text_update(text))

    async def command(self, name: str, args: str = "") -> None:
        """Send "/name args"."""
        name = name.removeprefix("/")
        await self.send(f"/{name} {args}" if args else f"/{name}")

    async def send_document(
        self,
        filename: str,
        data: bytes,
        mime_type: str = "text/csv",
        caption: str | None = None,
    ) -> None:
        """Upload a document to the bot."""
        await self.feed(self.document_update(filename, data, mime_type, caption))

    async def press(self, label: str, *, message_id: int | None = None) -> None:
        """Tap an inline button by label (exact match first, then substring) on the newest fit."""
        message, button = self._find_button(label, message_id)
        data = button.get("callback_data")
        if not isinstance(data, str):
            raise AssertionError(
                f"button {button.get('text')!r} in message {message.message_id} has no "
                f"callback_data (it is {sorted(k for k in button if k != 'text')})"
            )
        await self.feed(self.callback_update(data, message))

    async def press_data(self, data: str, *, message_id: int | None = None) -> None:
        """Send a callback query with arbitrary (possibly forged) data."""
        candidates = self._live_messages()
        if message_id is not None:
            candidates = [m for m in candidates if m.message_id == message_id]
            if not candidates:
                raise AssertionError(f"no live bot message {message_id} in chat {self.user_id}")
        with_keyboard = [m for m in candidates if m.inline_buttons]
        pool = with_keyboard or candidates
        await self.feed(self.callback_update(data, pool[-1] if pool else None))

    # ---- reading the chat ---------------------------------------------------------------

    def _live_messages(self) -> list[SentMessage]:
        return [m for m in self.fake.sent(self.user_id) if not m.deleted]

    def _find_button(self, label: str, message_id: int | None) -> tuple[SentMessage, JSONDict]:
        candidates = [m for m in self._live_messages() if m.inline_buttons]
        if message_id is not None:
            candidates = [m for m in candidates if m.message_id == message_id]
        for message in reversed(candidates):
            for button in message.inline_buttons:
                if button.get("text") == label:
                    return message, button
        for message in reversed(candidates):
            partial = [b for b in message.inline_buttons if label in str(b.get("text", ""))]
            if len(partial) > 1:
                raise AssertionError(
                    f"label {label!r} is ambiguous in message {message.message_id}: "
                    f"{[b.get('text') for b in partial]}"
                )
            if partial:
                return message, partial[0]
        available = {m.message_id: m.buttons for m in candidates[-5:]}
        raise AssertionError(
            f"no inline button labelled {label!r} for user {self.user_id}; "
            f"available (message_id: labels): {available or 'no inline keyboards'}"
        )

    def messages(self) -> list[SentMessage]:
        """Everything the bot sent to this chat since the last clear() (deleted ones flagged)."""
        return self.fake.sent(self.user_id)[self._cursor :]

    def message(self, message_id: int) -> SentMessage:
        """A bot message in this chat by id (seeing edits made after clear() too)."""
        found = self.fake.message(self.user_id, message_id)
        if found is None:
            raise AssertionError(f"the bot sent no message {message_id} to {self.user_id}")
        return found

    def last(self) -> SentMessage:
        """The newest not-deleted bot message since clear()."""
        live = [m for m in self.messages() if not m.deleted]
        if not live:
            raise AssertionError(f"the bot sent nothing (new) to user {self.user_id}")
        return live[-1]

    def texts(self) -> list[str]:
        """Texts (or captions) as sent, markup included, of not-deleted messages since clear()."""
        return [m.text for m in self.messages() if not m.deleted]

    def plain_texts(self) -> list[str]:
        """Visible texts (HTML parsed away) of not-deleted messages since clear()."""
        return [m.plain for m in self.messages() if not m.deleted]

    def last_document(self) -> SentFile:
        """The newest document the bot sent to this user (since clear())."""
        for message in reversed(self.messages()):
            if message.document is not None and not message.deleted:
                return message.document
        raise AssertionError(f"the bot sent no document to user {self.user_id}")

    def last_answer(self) -> JSONDict | None:
        """The bot's answerCallbackQuery parameters for this user's newest callback query."""
        if not self._query_ids:
            return None
        wanted = self._query_ids[-1]
        for answer in reversed(self.fake.callback_answers):
            if answer.get("callback_query_id") == wanted:
                return answer
        return None

    def press_reply(self) -> str:
        """The visible text of the newest chat message the last press led to, after checking
        that the press itself was answered at once without a pop-up (what a handler decides
        after that answer, refusals included, arrives in the chat)."""
        answer = self.last_answer()
        assert answer is not None, f"the newest press of user {self.user_id} was not answered"
        assert not answer.get("text"), f"the press got a pop-up, not a message: {answer['text']!r}"
        new = [m for m in self.fake.sent(self.user_id)[self._fed_at :] if not m.deleted]
        assert new, f"the newest press of user {self.user_id} led to no new message"
        return new[-1].plain

    def clear(self) -> None:
        """Forget what was seen so far: messages() then returns only newer ones."""
        self._cursor = len(self.fake.sent(self.user_id))

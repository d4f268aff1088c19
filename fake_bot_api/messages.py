"""Messages in chats: send, edit, delete, files, callback answers and chat actions."""

from __future__ import annotations

import json
import re
import time
from urllib.parse import urlsplit

from fake_bot_api.entities import ParsedText, utf16_len
from fake_bot_api.errors import ApiError, bad
from fake_bot_api.limits import (
    CHAT_ACTIONS,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_UPLOAD_BYTES,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    JSONDict,
    Rows,
)
from fake_bot_api.records import SentFile, SentMessage
from fake_bot_api.state import FakeState
from fake_bot_api.validation import (
    chat_id_param,
    format_text,
    image_size,
    looks_like_image,
    message_id_param,
    parse_markup,
)


class MessageMethods(FakeState):
    """The Bot API methods that create, change or act on messages in a chat."""

    def _stored_file(self, name: str, params: JSONDict, files: dict[str, SentFile]) -> SentFile:
        """Resolve a file parameter (upload, attach://, file_id or URL) to a stored file."""
        kind = "photo" if name == "photo" else "document"
        upload = files.get(name)
        value = params.get(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = files.get(value[len("attach://") :])
            if upload is None:
                raise bad(f"file of field {value} not found in the request")
        if upload is not None:
            if not upload.data:
                raise bad("file must be non-empty")
            if len(upload.data) > MAX_UPLOAD_BYTES:
                raise ApiError(413, "Request Entity Too Large")
            if kind == "photo" and not looks_like_image(upload.data):
                raise bad("IMAGE_PROCESS_FAILED")
            return self.register_file(upload.name, upload.data, upload.mime, kind=kind)
        if isinstance(value, str) and value:
            known = self._files.get(value)
            if known is not None:
                return known
            if re.match(r"(?i)^https?://", value):
                filename = urlsplit(value).path.rsplit("/", 1)[-1] or "file"
                return self.register_file(filename, b"", "application/octet-stream", kind=kind)
            raise bad("wrong file identifier/HTTP URL specified")
        raise bad(f"there is no {name} in the request")

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
            width, height = image_size(photo.data)
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
            raise bad("message to edit not found")
        chat_id = chat_id_param(params)
        message_id = message_id_param(params)
        message = self._by_id.get((chat_id, message_id))
        if message is None or message.deleted:
            if (chat_id, message_id) in self._existing_ids and (
                chat_id,
                message_id,
            ) not in self._deleted_ids:
                raise bad("message can't be edited")
            raise bad("message to edit not found")
        return message

    # ---- method handlers -------------------------------------------------------------------

    def _send_message(self, params: JSONDict, files: dict[str, SentFile]) -> JSONDict:
        chat_id = chat_id_param(params)
        parse_mode = params.get("parse_mode")
        parsed = format_text(params.get("text"), parse_mode, caption=False, strict=self.strict_html)
        markup = parse_markup(params.get("reply_markup"))
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
        chat_id = chat_id_param(params)
        parse_mode = params.get("parse_mode")
        caption = params.get("caption")
        parsed = format_text(caption, parse_mode, caption=True, strict=self.strict_html)
        markup = parse_markup(params.get("reply_markup"))
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
            raise bad("there is no text in the message to edit")
        parse_mode = params.get("parse_mode")
        parsed = format_text(params.get("text"), parse_mode, caption=False, strict=self.strict_html)
        markup = parse_markup(params.get("reply_markup"))
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
            raise bad("there is no caption in the message to edit")
        parse_mode = params.get("parse_mode")
        caption = params.get("caption")
        parsed = format_text(caption, parse_mode, caption=True, strict=self.strict_html)
        markup = parse_markup(params.get("reply_markup"))
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
            raise bad("inline keyboard expected")
        old_rows = message.reply_markup if message.markup_kind == "inline" else []
        new_rows = rows if kind == "inline" else []
        if (parsed.text, parsed.entities, old_rows) == (message.plain, message.entities, new_rows):
            raise bad(NOT_MODIFIED[len("Bad Request: ") :])
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
        kind, rows, echo = parse_markup(params.get("reply_markup"))
        if kind not in (None, "inline"):
            raise bad("inline keyboard expected")
        old_rows = message.reply_markup if message.markup_kind == "inline" else []
        if rows == old_rows:
            raise bad(NOT_MODIFIED[len("Bad Request: ") :])
        self._apply_markup(message, kind, rows, echo)
        self._mark_edited(message)
        return self._result(message)

    def _delete_message(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        chat_id = chat_id_param(params)
        message_id = message_id_param(params)
        key = (chat_id, message_id)
        if key not in self._existing_ids or key in self._deleted_ids:
            raise bad("message to delete not found")
        self._deleted_ids.add(key)
        message = self._by_id.get(key)
        if message is not None:
            message.deleted = True
        return True

    def _answer_callback_query(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        query_id = params.get("callback_query_id")
        if not query_id:
            raise bad("query_id is empty")
        text = params.get("text")
        if isinstance(text, str) and utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise bad("MESSAGE_TOO_LONG")
        query = str(query_id)
        if query in self._answered_queries:
            raise ApiError(400, QUERY_TOO_OLD)
        issued = self._query_issued.get(query)
        if issued is not None:
            limit = self.callback_answer_seconds
            if limit is not None and self.monotonic() - issued > limit:
                self.late_callback_answers += 1
                raise ApiError(400, QUERY_TOO_OLD)
            self._answered_queries.add(query)
        self.callback_answers.append(dict(params))
        return True

    def _send_chat_action(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        chat_id = chat_id_param(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise bad("wrong parameter action in request")
        self.chat_actions.append((chat_id, str(action)))
        return True

    def _get_file(self, params: JSONDict, files: dict[str, SentFile]) -> JSONDict:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise bad("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

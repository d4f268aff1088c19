"""What the Bot API accepts: size limits, known methods, parameter kinds and error wording."""

from __future__ import annotations

from typing import Any

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
EDIT_METHODS = frozenset({"editMessageText", "editMessageCaption", "editMessageReplyMarkup"})
CHAT_METHODS = SEND_METHODS | EDIT_METHODS | frozenset({"sendChatAction"})
# Under load Telegram counts new messages against the bot's global rate, and new messages and
# edits alike against each chat's "about one message a second, short bursts allowed".
GLOBAL_LIMITED_METHODS = SEND_METHODS
CHAT_LIMITED_METHODS = SEND_METHODS | EDIT_METHODS
# How long a callback query waits for its answer before Telegram calls it too old.
CALLBACK_ANSWER_SECONDS = 15.0
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

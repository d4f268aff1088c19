"""A fake Telegram Bot API for tests and benchmarks: strict like Telegram, in memory or over HTTP.

A development tool: the product (core, storage, handlers, bot) never imports it.
"""

from fake_bot_api.api import FakeBotApi
from fake_bot_api.entities import EntityParseError, ParsedText, parse_html, utf16_len
from fake_bot_api.errors import ApiError
from fake_bot_api.limits import BOT_ID, DEFAULT_BOT_USERNAME, JSONDict, Rows
from fake_bot_api.records import ApiCall, Rejection, SentFile, SentMessage
from fake_bot_api.server import FakeBotApiServer

__all__ = [
    "BOT_ID",
    "DEFAULT_BOT_USERNAME",
    "ApiCall",
    "ApiError",
    "EntityParseError",
    "FakeBotApi",
    "FakeBotApiServer",
    "JSONDict",
    "ParsedText",
    "Rejection",
    "Rows",
    "SentFile",
    "SentMessage",
    "parse_html",
    "utf16_len",
]

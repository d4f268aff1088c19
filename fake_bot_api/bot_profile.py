"""The bot's own profile: command menus per scope and language, descriptions, menu button."""

from __future__ import annotations

import json
import re

from fake_bot_api.errors import bad
from fake_bot_api.limits import JSONDict
from fake_bot_api.records import SentFile
from fake_bot_api.state import FakeState

#: Scopes that name one chat: Telegram refuses them for a chat that never opened the bot.
CHAT_SCOPES = ("chat", "chat_member", "chat_administrators")


class BotProfileMethods(FakeState):
    """setMyCommands and friends, validated like Telegram and kept per scope and language."""

    @staticmethod
    def _scope_key(params: JSONDict) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        scope_key = json.dumps(scope, sort_keys=True) if isinstance(scope, dict) else str(scope)
        return scope_key, str(params.get("language_code") or "")

    def _known_scope_key(self, params: JSONDict) -> tuple[str, str]:
        """The scope's key, refused like Telegram when it names a chat that never opened the bot."""
        scope = params.get("scope")
        names_chat = isinstance(scope, dict) and scope.get("type") in CHAT_SCOPES
        if names_chat and not self.has_chat(scope.get("chat_id")):
            raise bad("chat not found")
        return self._scope_key(params)

    def _set_my_commands(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad("can't parse commands JSON object")
        if len(commands) > 100:
            raise bad("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            if not isinstance(command, dict):
                raise bad("can't parse BotCommand JSON object")
            name = command.get("command")
            description = command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise bad("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._known_scope_key(params)] = [dict(c) for c in commands]
        return True

    def _delete_my_commands(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        self.commands.pop(self._known_scope_key(params), None)
        return True

    def _get_my_commands(self, params: JSONDict, files: dict[str, SentFile]) -> list[JSONDict]:
        return list(self.commands.get(self._known_scope_key(params), []))

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
            raise bad("BOT_DESCRIPTION_INVALID")
        self.descriptions[str(params.get("language_code") or "")] = description
        return True

    def _set_my_short_description(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        description = str(params.get("short_description") or "")
        if len(description) > 120:
            raise bad("BOT_ABOUT_INVALID")
        self.short_descriptions[str(params.get("language_code") or "")] = description
        return True

    def _set_chat_menu_button(self, params: JSONDict, files: dict[str, SentFile]) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if not isinstance(button, dict) or button.get("type") not in (
            "default",
            "commands",
            "web_app",
        ):
            raise bad("can't parse menu button JSON object")
        chat_id = params.get("chat_id")
        self.menu_buttons[chat_id if isinstance(chat_id, int) else None] = dict(button)
        return True

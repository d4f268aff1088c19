"""Telegram's command menu: attendees by default, organisers in their own chats, en and ko."""

from __future__ import annotations

import json


async def test_menus_are_set_per_role_and_language(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [4242, 4343]})
    calls = [c.params for c in bot.fake.calls if c.method == "setMyCommands"]
    seen = {}
    for params in calls:
        scope = params.get("scope")
        scope = json.loads(scope) if isinstance(scope, str) else scope
        key = (scope.get("type"), scope.get("chat_id"), params.get("language_code"))
        commands = params["commands"]
        commands = json.loads(commands) if isinstance(commands, str) else commands
        seen[key] = {c["command"]: c["description"] for c in commands}
    assert seen[("default", None, None)]["profile"] == "Your profile"
    assert seen[("default", None, "ko")]["profile"] == "내 프로필"
    for organiser in (4242, 4343):
        assert ("chat", organiser, None) in seen and ("chat", organiser, "ko") in seen
    assert len(calls) == 6

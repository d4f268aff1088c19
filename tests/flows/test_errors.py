"""When something breaks inside, the user gets a polite answer and the log names the update."""

from __future__ import annotations

import logging

from core.people.editing import ProfileEditing


async def test_unexpected_error_is_logged_with_update_id_and_user_is_answered(
    make_bot, monkeypatch, caplog
):
    bot = await make_bot()
    user = bot.client(8001, language_code="ko")
    await user.command("start")
    await user.press("동의합니다")

    async def broken(*_args, **_kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(ProfileEditing, "load", broken)
    with caplog.at_level(logging.ERROR, logger="handlers.help"):
        await user.command("profile")
    assert user.last().text.startswith("죄송합니다. 저희 쪽에 문제가 생겼습니다.")
    record = next(r for r in caplog.records if r.name == "handlers.help")
    assert "error while handling update" in record.getMessage()
    assert any(char.isdigit() for char in record.getMessage())
    assert "database on fire" in str(record.exc_info[1])
    assert [str(e) for e in bot.errors] == ["database on fire"]
    bot.errors.clear()

"""Invite-only events: codes bind to the first account that uses them."""

from __future__ import annotations


async def test_invite_mode_admits_only_invited_accounts(make_bot):
    bot = await make_bot(access={"mode": "invite"}, organisers={"telegram_ids": [9000]})
    code, other_code = await bot.services.people.create_invites(2, now=bot.clock.now())

    stranger = bot.client(3001)
    await stranger.command("start")
    assert "by invitation only" in stranger.last().text
    await stranger.command("start", "not-a-valid-code-xyz")
    assert "invite link is not valid" in stranger.last().text
    await stranger.command("profile")
    assert "please read and accept the privacy notice" in stranger.last().text
    assert "Privacy notice" in stranger.last().text
    await stranger.press("I accept")
    assert "by invitation only" in stranger.last().text
    async with bot.uow() as uow:
        assert await uow.people.get(3001) is None

    invited = bot.client(3002)
    await invited.command("start", code)
    assert invited.last().buttons == ["✅ I accept", "No, thanks"]
    await invited.press("I accept")
    assert "full name" in invited.last().text

    thief = bot.client(3003)
    await thief.command("start", code)
    assert "already been used by another Telegram account" in thief.last().text

    await invited.command("start")  # later, without the code: still admitted
    assert "continue your profile" in invited.last().text  # with the open question
    assert "full name" in invited.last().text

    organiser = bot.client(9000)
    await organiser.command("start")
    assert organiser.last().buttons == ["✅ I accept", "No, thanks"]

    async with bot.uow() as uow:
        bound = await uow.invites.get(code)
        unused = await uow.invites.get(other_code)
    assert bound is not None and bound.used_by == 3002
    assert unused is not None and unused.used_by is None


async def test_open_mode_ignores_missing_codes(make_bot):
    bot = await make_bot()
    user = bot.client(3004)
    await user.command("start", "whatever-payload")
    assert user.last().buttons == ["✅ I accept", "No, thanks"]

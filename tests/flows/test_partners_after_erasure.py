"""Someone erased by another process (a retention purge, /deleteme in a second bot) is gone from
the running bot's suggestions at once: never shown, never saved, never recorded as seen."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select

from bot.__main__ import main
from storage.partners.rows import ImpressionRow, InterestRow
from storage.people.rows import PersonRow
from tests.support.journeys import cohort

ANNA = 2


def name_on(card_text: str) -> str | None:
    return card_text.split("<b>", 1)[1].split("</b>", 1)[0] if "👤" in card_text else None


async def names_in_a_round(user) -> list[str | None]:
    """/partners, then Next until the end: every name suggested in one round."""
    await user.command("partners")
    names = []
    while "👤" in user.last().text:
        names.append(name_on(user.last().text))
        await user.press("➡️ Next")
    return names


async def rows_naming(bot, person: int) -> int:
    async with bot.uow() as uow:
        interests = await uow.session.scalar(
            select(func.count()).where(InterestRow.target_id == person)
        )
        seen = await uow.session.scalar(
            select(func.count()).where(ImpressionRow.target_id == person)
        )
    return int(interests or 0) + int(seen or 0)


async def test_someone_erased_by_another_process_is_never_suggested_again(make_bot):
    running = await make_bot()
    other = await make_bot(fake=running.fake, timer=running.timer)  # a second process, same DB
    users = await cohort(running)
    jiwoo = users[1]
    await jiwoo.command("partners")
    old_card = jiwoo.last()
    assert name_on(old_card.text) == "Anna de Vries"  # the running bot's index holds Anna

    await other.services.privacy.erase(ANNA, now=other.clock.now())

    # No refresh job has run: the next card is already someone else.
    await jiwoo.command("partners")
    assert "👤" in jiwoo.last().text and name_on(jiwoo.last().text) != "Anna de Vries"
    assert "Anna de Vries" not in await names_in_a_round(jiwoo)
    # Her old card's buttons refuse politely and store nothing about her.
    for label in ("⭐ Save", "⏭ Skip"):
        await jiwoo.press(label, message_id=old_card.message_id)
        assert jiwoo.press_reply() == "This person is no longer available."
    assert await rows_naming(running, ANNA) == 0
    await jiwoo.command("saved")
    assert "haven't saved anyone" in jiwoo.last().text


async def test_the_retention_purge_on_the_command_line_reaches_the_running_bot(
    make_bot, clock, tmp_path, capsys
):
    clock.set(datetime.now(UTC))  # the command line purges by the real clock
    running = await make_bot()
    users = await cohort(running)
    jiwoo = users[1]
    assert "Anna de Vries" in await names_in_a_round(jiwoo)
    async with running.uow() as uow:  # Anna consented long ago, everyone else just now
        person = await uow.people.get(ANNA)
        assert person is not None and person.consented_at is not None
        person.consented_at -= timedelta(days=400)
        await uow.people.save(person)
        await uow.commit()

    config = tmp_path / "purge.toml"
    config.write_text(f'[database]\nurl = "{running.settings.database.url}"\n', encoding="utf-8")
    argv = ["--config", str(config), "--log-level", "WARNING", "privacy", "purge"]
    status = await asyncio.to_thread(main, [*argv, "--older-than", "365"])  # its own event loop
    assert status == 0
    assert "1 people were erased (consent older than 365 days)" in capsys.readouterr().out

    assert "Anna de Vries" not in await names_in_a_round(jiwoo)
    assert await rows_naming(running, ANNA) == 0


async def test_a_person_gone_between_building_and_showing_is_skipped_not_recorded(make_bot):
    """Deleted behind the counter's back (the race it cannot close): the write path refuses."""
    bot = await make_bot()
    users = await cohort(bot)
    jiwoo = users[1]
    await jiwoo.command("partners")
    await jiwoo.press("➡️ Next")
    assert "👤" in jiwoo.last().text
    async with bot.uow() as uow:
        await uow.session.execute(delete(PersonRow).where(PersonRow.telegram_id == ANNA))
        await uow.commit()

    assert "Anna de Vries" not in await names_in_a_round(jiwoo)
    assert await rows_naming(bot, ANNA) == 0
    async with bot.uow() as uow:  # recording about someone missing is a quiet no-op
        assert await uow.interests.record_impression(1, ANNA, bot.clock.now()) is False
        await uow.commit()
    assert await rows_naming(bot, ANNA) == 0

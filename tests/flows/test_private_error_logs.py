"""A database error inside a handler is logged without the statement's parameters: the log never
holds a name, a bio or a note someone typed."""

from __future__ import annotations

import logging

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.support.journeys import DEFAULT_ANSWERS, onboard

BIO = "Private bio of Dr. Secretia Hiddenfield, ask about my medical leave"

SQLITE_TRIGGER = (
    "CREATE TRIGGER refuse_bio BEFORE UPDATE OF bio ON profiles WHEN NEW.bio IS NOT NULL "
    "BEGIN SELECT RAISE(ABORT, 'bio refused by a constraint'); END"
)
PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION refuse_bio() RETURNS trigger AS $$ BEGIN "
    "RAISE EXCEPTION 'bio refused by a constraint' USING ERRCODE = 'check_violation'; "
    "END $$ LANGUAGE plpgsql"
)
PG_TRIGGER = (
    "CREATE TRIGGER refuse_bio BEFORE UPDATE OF bio ON profiles FOR EACH ROW "
    "WHEN (NEW.bio IS NOT NULL) EXECUTE FUNCTION refuse_bio()"
)


async def _refuse_bios(bot, on: bool) -> None:
    """A constraint that refuses any bio: the handler's own UPDATE fails with IntegrityError."""
    async with bot.uow() as uow:
        postgres = uow.session.bind.dialect.name == "postgresql"
        if on:
            for sql in (PG_FUNCTION, PG_TRIGGER) if postgres else (SQLITE_TRIGGER,):
                await uow.session.execute(text(sql))
        else:
            suffix = " ON profiles" if postgres else ""
            await uow.session.execute(text(f"DROP TRIGGER IF EXISTS refuse_bio{suffix}"))
        await uow.commit()


async def test_an_integrity_error_in_a_handler_logs_no_personal_data(make_bot, caplog):
    bot = await make_bot()
    user = bot.client(8101, "Secretia")
    await onboard(user, bio=None)  # everything but the bio
    await _refuse_bios(bot, on=True)
    try:
        caplog.set_level(logging.INFO)  # what `forumbot run` logs by default
        await user.command("profile")
        await user.press("✏️ Bio")
        await user.send(BIO)
    finally:
        await _refuse_bios(bot, on=False)

    assert user.last().text.startswith("Sorry — something went wrong on our side.")
    (error,) = bot.errors
    bot.errors.clear()  # provoked on purpose
    assert isinstance(error, IntegrityError)
    logged = caplog.text  # messages and formatted tracebacks, as a log file would hold them
    assert "error while handling update" in logged
    assert "bio refused by a constraint" in logged  # the error itself is there to debug
    assert "[SQL parameters hidden due to hide_parameters=True]" in logged
    for private in ("Secretia", "Hiddenfield", "medical leave", DEFAULT_ANSWERS["full_name"]):
        assert private not in logged, private

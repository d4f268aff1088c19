"""/privacy, /mydata, /deleteme and /visibility: the person's rights, exercised in the chat."""

from __future__ import annotations

from telegram import InputFile

from core.people.editing import HIDEABLE
from core.people.person import NOTICE_VERSION
from core.people.profile import VISIBILITIES
from core.reference.errors import InvalidAnswer, NotConsented
from handlers.common import Button
from handlers.routes import ERASE_CONFIRM, ERASE_KEEP, VISIBILITY_FIELD, VISIBILITY_LEVEL
from handlers.turns import ErrorKeys, Handler, Turn, button, command

#: A choice that no longer exists (an old keyboard) is treated as an expired button.
VISIBILITY_ERRORS: ErrorKeys = {InvalidAnswer: "buttons.expired"}


async def privacy_command(turn: Turn) -> None:
    """What is stored, who sees it, for how long, who is responsible, and the commands."""
    services = turn.services
    await turn.reply(
        turn.t(
            "privacy.details",
            event=services.event_name,
            contact=services.privacy_contact or services.event_name,
            days=services.retention_days,
            version=NOTICE_VERSION,
        )
    )


async def mydata_command(turn: Turn) -> None:
    """A JSON file with everything stored about the asker, and only that."""
    chat = turn.update.effective_chat
    if chat is None:
        return
    try:
        data = await turn.services.privacy.my_data(turn.user_id)
    except NotConsented:  # nothing is stored, so there is nothing to consent to first
        await turn.reply(turn.t("privacy.nothing_stored"))
        return
    await chat.send_document(
        InputFile(data, filename="my-forumbot-data.json"), caption=turn.t("privacy.mydata_caption")
    )


async def deleteme_command(turn: Turn) -> None:
    """Ask for confirmation before erasing."""
    t = turn.t
    await turn.reply(
        t("privacy.confirm_delete"),
        [
            [
                (t("privacy.button.delete"), ERASE_CONFIRM.pack(turn.user_id)),
                (t("privacy.button.keep"), ERASE_KEEP.pack(turn.user_id)),
            ]
        ],
    )


async def erase(turn: Turn) -> None:
    """dm:y:<id>: erase (core re-checks that the id is the presser's own)."""
    services = turn.services
    try:
        result = await services.privacy.erase_mine(turn.user_id, turn.int_arg(), now=turn.now())
    except NotConsented:
        await turn.reply(turn.t("privacy.nothing_stored"), edit=True)
        return
    services.partners.invalidate()
    services.wake_outbox()
    if turn.ctx.user_data is not None:
        turn.ctx.user_data.clear()
    turn.ctx.languages.forget(turn.user_id)
    await turn.reply(turn.t.plural("privacy.deleted", result.meetings_cancelled), edit=True)


async def keep(turn: Turn) -> None:
    """dm:n:<id>: keep everything (still only for the asker's own button)."""
    turn.services.privacy.keep_mine(turn.user_id, turn.int_arg())
    await turn.reply(turn.t("privacy.kept"), edit=True)


async def _visibility_view(turn: Turn, *, edit: bool) -> None:
    t = turn.t
    try:
        _, profile = await turn.services.people.profiles.load(turn.user_id)
    except NotConsented:
        await turn.reply(t("privacy.nothing_stored"), edit=edit)
        return
    rows: list[list[Button]] = [
        [
            (
                ("✓ " if profile.visibility == v else "") + t(f"visibility.{v}"),
                VISIBILITY_LEVEL.pack(v, turn.user_id),
            )
        ]
        for v in VISIBILITIES
    ]
    rows += [
        [
            (
                ("🙈 " if f in profile.hidden_fields else "👁 ") + t(f"field.{f}"),
                VISIBILITY_FIELD.pack(f, turn.user_id),
            )
        ]
        for f in HIDEABLE
    ]
    await turn.reply(t("visibility.title"), rows, edit=edit)


async def visibility_command(turn: Turn) -> None:
    """/visibility: who sees my card, and which fields stay private."""
    await _visibility_view(turn, edit=False)


async def choose_visibility(turn: Turn) -> None:
    """vi:o:<level>:<id>: who sees my card (only one's own profile, re-checked in core)."""
    profiles = turn.services.people.profiles
    try:
        profile = await profiles.set_visibility(
            turn.user_id, turn.str_arg(0), owner=turn.int_arg(1)
        )
    except NotConsented:
        await turn.reply(turn.t("privacy.nothing_stored"))
        return
    turn.services.partners.refresh(profile)
    await _visibility_view(turn, edit=True)


async def toggle_field(turn: Turn) -> None:
    """vi:f:<field>:<id>: hide a field from others, or show it again (one's own only)."""
    profiles = turn.services.people.profiles
    try:
        profile = await profiles.toggle_hidden(turn.user_id, turn.str_arg(0), owner=turn.int_arg(1))
    except NotConsented:
        await turn.reply(turn.t("privacy.nothing_stored"))
        return
    turn.services.partners.refresh(profile)
    await _visibility_view(turn, edit=True)


def handlers() -> list[Handler]:
    """Privacy commands."""
    return [
        command("privacy", privacy_command),
        command("mydata", mydata_command),
        command("deleteme", deleteme_command),
        button(ERASE_CONFIRM, erase),
        button(ERASE_KEEP, keep),
        command("visibility", visibility_command),
        button(VISIBILITY_LEVEL, choose_visibility, errors=VISIBILITY_ERRORS),
        button(VISIBILITY_FIELD, toggle_field, errors=VISIBILITY_ERRORS),
    ]

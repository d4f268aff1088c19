"""The profile: typed answers to the open question, the card, and its edit buttons."""

from __future__ import annotations

from telegram.ext import filters

from core.people.editing import AnswerResult
from core.people.profile import FIELD_NAMES, Kind, spec
from core.reference.errors import InvalidAnswer, NotConsented, NotFound
from handlers.i18n import Safe
from handlers.people.card import country_name, keyword_labels
from handlers.people.questions import (
    after_answer,
    ask_field,
    confirmation,
    question,
    question_buttons,
    show_card,
)
from handlers.prompts import Prompt, close, close_any, current, taken
from handlers.routes import PROFILE_CHOOSE, PROFILE_CONTINUE, PROFILE_EDIT, PROFILE_SKIP
from handlers.turns import PRIVATE, ErrorKeys, Handler, Turn, button, command, message

#: A refused button choice is explained by its reason (`invalid.bad_choice`, …).
BUTTON_ERRORS: ErrorKeys = {InvalidAnswer: "invalid."}


async def _invalid(turn: Turn, err: InvalidAnswer) -> None:
    """Explain what was wrong, and ask the same question again."""
    t = turn.t
    reason = str(err.params.get("reason", "empty"))
    name = str(err.params.get("field", ""))
    text = t(
        f"invalid.{reason}", **{k: v for k, v in err.params.items() if k in ("limit", "length")}
    )
    if name in FIELD_NAMES and reason not in ("required", "unknown_field"):
        try:
            person, profile = await turn.services.people.profiles.load(turn.user_id)
        except NotConsented:
            return
        mode = person.awaiting_mode or "edit"
        await turn.reply(
            Safe(f"{text}\n\n{question(t, profile, name, mode)}"),
            question_buttons(t, name, turn.user_id, mode),
        )
        return
    await turn.reply(text)


async def text_answer(turn: Turn) -> None:
    """Any plain text: the answer to the open question, or a hint when there is none."""
    if taken(turn):
        return
    try:
        result = await turn.services.people.profiles.answer(turn.user_id, turn.text)
    except NotFound:
        close(turn, Prompt.PROFILE)
        await turn.reply(turn.t("help.unknown_text"))
        return
    except InvalidAnswer as err:
        await _invalid(turn, err)
        return
    await after_answer(turn, result, confirmation(turn.t, result.field, result.profile))


async def other_message(turn: Turn) -> None:
    """Stickers, photos, voice…: ask for text when a prompt is open (a profile question, or
    another flow's that takes text only)."""
    opened = current(turn)
    if opened is not None and opened.kind is not Prompt.PROFILE:
        await turn.reply(turn.t("invalid.not_text"))
        return
    person, _ = await turn.services.people.profiles.load(turn.user_id)
    await turn.reply(
        turn.t("invalid.not_text") if person.awaiting_field else turn.t("help.unknown_text")
    )


async def continue_profile(turn: Turn) -> None:
    """pf:c:<owner>: the next unanswered question, or the card when there is none."""
    _, profile = await turn.services.people.profiles.load(turn.user_id, owner=turn.int_arg(0))
    nxt = profile.next_unanswered()
    if nxt is None:
        await show_card(turn, profile)
    else:
        await ask_field(turn, nxt, "onboarding")


async def edit_field(turn: Turn) -> None:
    """pf:e:<field>:<owner>: ask one field again, showing its current value."""
    name, owner = turn.str_arg(0), turn.int_arg(1)
    await ask_field(turn, name, "edit", owner=owner)


async def skip_field(turn: Turn) -> None:
    """pf:s:<field>:<owner>: skip an optional question (or clear it when editing)."""
    name, owner = turn.str_arg(0), turn.int_arg(1)
    if name not in FIELD_NAMES:
        await turn.reply(turn.t("buttons.expired"))
        return
    result = await turn.services.people.profiles.skip(turn.user_id, name, owner=owner)
    await after_answer(turn, result, turn.t("answer.skipped"), edit=_in_place(result))


async def choose_value(turn: Turn) -> None:
    """pf:v:<field>:<value>:<owner>: a country, sector or career stage chosen by button."""
    name, value, owner = turn.str_arg(0), turn.str_arg(1), turn.int_arg(2)
    if name not in FIELD_NAMES or spec(name).kind not in (Kind.CHOICE, Kind.COUNTRY):
        await turn.reply(turn.t("buttons.expired"))
        return
    result = await turn.services.people.profiles.answer(turn.user_id, value, name, owner=owner)
    await after_answer(
        turn, result, confirmation(turn.t, name, result.profile), edit=_in_place(result)
    )


def _in_place(result: AnswerResult) -> bool:
    """While onboarding, a pressed answer turns its question into the next one (no new message);
    editing from /profile keeps its flow: the updated card comes as a new message."""
    return result.mode == "onboarding"


async def profile_command(turn: Turn) -> None:
    """/profile: the card with edit buttons (consent first)."""
    _, profile = await turn.services.people.profiles.load(turn.user_id)
    await show_card(turn, profile)


async def cancel(turn: Turn) -> None:
    """/cancel: close the open prompt, whichever flow it is; nothing answered is lost."""
    await turn.reply(await close_any(turn))


def handlers() -> list[Handler]:
    """Profile handlers; the free-text handler must come after every command handler."""
    return [
        command("profile", profile_command),
        command("cancel", cancel),
        button(PROFILE_CONTINUE, continue_profile),
        button(PROFILE_EDIT, edit_field),
        button(PROFILE_SKIP, skip_field, errors=BUTTON_ERRORS),
        button(PROFILE_CHOOSE, choose_value, errors=BUTTON_ERRORS),
    ]


def answer_handlers() -> list[Handler]:
    """Catch-alls for typed answers; registered last so commands win."""
    return [
        message(text_answer),
        message(
            other_message, PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL
        ),
    ]


#: The card's pieces, also read by the partner cards.
__all__ = ["answer_handlers", "country_name", "handlers", "keyword_labels", "other_message"]

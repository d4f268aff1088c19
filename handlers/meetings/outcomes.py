"""After-meeting outcome questions: the answer buttons, and an optional comment for organisers."""

from __future__ import annotations

from telegram.ext import ApplicationHandlerStop

from core.meetings.outcomes import Outcome
from handlers.meetings.replies import ERRORS
from handlers.prompts import Prompt, close, open_prompt, waiting, with_aside
from handlers.routes import OUTCOME_ANSWER, OUTCOME_COMMENT
from handlers.turns import Handler, Turn, button, message


async def answer(turn: Turn) -> None:
    """oc:<meeting>:<outcome>: record how the meeting went (only people in it may answer)."""
    meeting_id = turn.int_arg()
    try:
        choice = Outcome(turn.str_arg(1))
    except ValueError:
        await turn.reply(turn.t("buttons.expired"))
        return
    await turn.services.meetings.outcomes.record(meeting_id, turn.user_id, choice, now=turn.now())
    await turn.reply(
        turn.t("outcomes.thanks", answer=turn.t(f"outcomes.option.{choice.value}")),
        [[(turn.t("outcomes.add_comment"), OUTCOME_COMMENT.pack(meeting_id))]],
        edit=True,
    )


async def ask_comment(turn: Turn) -> None:
    """ocm:<meeting>: the next text is a comment on my answer (refused without an answer)."""
    meeting_id = turn.int_arg()
    await turn.services.meetings.outcomes.may_comment(meeting_id, turn.user_id)
    put_aside = await open_prompt(turn, Prompt.OUTCOME_COMMENT, meeting_id)
    await turn.reply(with_aside(put_aside, turn.t("outcomes.type_comment")))


async def comment_text(turn: Turn) -> None:
    """The next text after 'Add a comment' is the comment, while that is the open prompt (its
    own early group, then stop)."""
    opened = waiting(turn, Prompt.OUTCOME_COMMENT)
    if opened is None or not turn.text:
        return
    close(turn, Prompt.OUTCOME_COMMENT)
    await turn.services.meetings.outcomes.comment(
        int(str(opened.ref)), turn.user_id, turn.text.strip(), now=turn.now()
    )
    await turn.reply(turn.t("outcomes.comment_saved"))
    raise ApplicationHandlerStop


def handlers() -> list[Handler]:
    """The outcome buttons."""
    return [
        button(OUTCOME_ANSWER, answer, errors=ERRORS),
        button(OUTCOME_COMMENT, ask_comment, errors=ERRORS),
    ]


def comment_handlers() -> list[Handler]:
    """A pending outcome comment is caught before profile answers (its own group)."""
    return [message(comment_text, errors=ERRORS)]

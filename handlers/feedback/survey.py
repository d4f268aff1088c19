"""The event survey (/feedback, one question at a time)."""

from __future__ import annotations

import html
from typing import Any

from telegram.ext import (
    ApplicationHandlerStop,
    filters,
)

from core.feedback.survey import Question
from core.feedback.survey_flow import Progress, SurveyClosed
from core.reference.errors import InvalidAnswer
from handlers.common import Button, clip
from handlers.i18n import Safe, Translator
from handlers.prompts import Prompt, close, open_prompt, waiting, with_aside
from handlers.routes import (
    SURVEY_ANSWER,
    SURVEY_CHANGE,
    SURVEY_DONE,
    SURVEY_NEVER,
    SURVEY_SKIP,
    SURVEY_START,
    SURVEY_TOGGLE,
)
from handlers.turns import ErrorKeys, Handler, Turn, button, command, message

PRIVATE = filters.ChatType.PRIVATE
MULTI_KEY = "survey_multi"
#: Refusals of the survey's use cases, in the person's language (the reason picks the text).
ERRORS: ErrorKeys = {InvalidAnswer: "survey.invalid.", SurveyClosed: "survey.closed"}


def _question_view(
    t: Translator, progress: Progress, question: Question
) -> tuple[Safe, list[list[Button]]]:
    survey, lang = progress.survey, t.language
    index = [q.key for q in survey.questions].index(question.key) + 1
    lines = [
        t("survey.progress", n=index, total=len(survey.questions)),
        f"<b>{html.escape(question.text(lang))}</b>",
    ]
    current = progress.answers.get(question.key)
    rows: list[list[Button]] = []
    if question.kind == "rating":
        rows = [
            [
                (
                    ("✓ " if current == n else "") + "⭐" * n,
                    SURVEY_ANSWER.pack(question.key, str(n)),
                )
                for n in range(1, 6)
            ]
        ]
    elif question.kind == "single":
        rows = [
            [
                (
                    ("✓ " if current == o.key else "") + o.label(lang),
                    SURVEY_ANSWER.pack(question.key, o.key),
                )
            ]
            for o in question.options
        ]
    elif question.kind == "multi":
        chosen = set(current or [])
        rows = [
            [
                (
                    ("☑️ " if o.key in chosen else "⬜ ") + o.label(lang),
                    SURVEY_TOGGLE.pack(question.key, o.key),
                )
            ]
            for o in question.options
        ]
        rows.append([(t("survey.button.done"), SURVEY_DONE.pack(question.key))])
    else:
        lines.append(t("survey.type_answer"))
    if not question.required:
        rows.append([(t("survey.button.skip"), SURVEY_SKIP.pack(question.key))])
    return Safe("\n".join(lines)), rows


def _user_data(turn: Turn) -> dict[str, Any]:
    return turn.ctx.user_data if turn.ctx.user_data is not None else {}


async def _show(
    turn: Turn, progress: Progress, *, edit: bool, question: Question | None = None
) -> None:
    """The next (or a chosen) question, or the summary with edit buttons when all are done.
    A shown question is the open prompt: typed text answers it (or is refused clearly)."""
    t, data = turn.t, _user_data(turn)
    question = question or progress.next
    if question is None:
        close(turn, Prompt.SURVEY)
        lines: list[str] = [t("survey.finished")]
        rows: list[list[Button]] = []
        for q in progress.survey.questions:
            value = progress.answers.get(q.key)
            shown = _answer_text(q, value, t.language) if value not in (None, [], "") else "—"
            lines.append(f"• {html.escape(q.text(t.language))}: <i>{html.escape(shown)}</i>")
            rows.append([(t("survey.button.change", n=len(rows) + 1), SURVEY_CHANGE.pack(q.key))])
        await turn.reply(Safe("\n".join(lines)), rows, edit=edit)
        return
    put_aside = await open_prompt(turn, Prompt.SURVEY, question.key)
    if question.kind == "multi":
        data[MULTI_KEY] = list(progress.answers.get(question.key) or [])
    text, rows = _question_view(t, progress, question)
    await turn.reply(with_aside(put_aside, text), rows, edit=edit)


def _answer_text(question: Question, value: Any, lang: str) -> str:
    if question.kind == "rating":
        return "⭐" * int(value)
    if question.kind == "single":
        return question.option_label(str(value), lang)
    if question.kind == "multi":
        return ", ".join(question.option_label(str(v), lang) for v in value)
    return clip(str(value), 200)


async def feedback_command(turn: Turn) -> None:
    """/feedback: continue where you left off (or review your answers)."""
    progress = await turn.services.feedback.survey.progress(turn.user_id, now=turn.now())
    await _show(turn, progress, edit=False)


async def start_survey(turn: Turn) -> None:
    """sv:s (the invitation's Start): the first unanswered question."""
    progress = await turn.services.feedback.survey.progress(turn.user_id, now=turn.now())
    await _show(turn, progress, edit=True)


async def never(turn: Turn) -> None:
    """sv:o: never ask again."""
    await turn.services.feedback.survey.opt_out(turn.user_id, now=turn.now())
    await turn.reply(turn.t("survey.opted_out"), edit=True)


async def answer(turn: Turn) -> None:
    """sv:a:<question>:<choice>: a rating or a single choice."""
    flow = turn.services.feedback.survey
    progress = await flow.answer(turn.user_id, turn.str_arg(0), turn.str_arg(1), now=turn.now())
    await _show(turn, progress, edit=True)


async def toggle(turn: Turn) -> None:
    """sv:t:<question>:<option>: tick or untick one choice of a multiple choice question."""
    progress = await turn.services.feedback.survey.progress(turn.user_id, now=turn.now())
    key, option = turn.str_arg(0), turn.str_arg(1)
    question = progress.survey.question(key)
    if question is None or question.option(option) is None:
        await turn.reply(turn.t("survey.invalid.option"))
        return
    chosen: list[str] = _user_data(turn).setdefault(MULTI_KEY, [])
    chosen.remove(option) if option in chosen else chosen.append(option)
    view = Progress(
        progress.survey, question, {**progress.answers, question.key: chosen}, progress.status
    )
    text, rows = _question_view(turn.t, view, question)
    await turn.reply(text, rows, edit=True)


async def done(turn: Turn) -> None:
    """sv:d:<question>: save the ticked choices."""
    raw = list(_user_data(turn).get(MULTI_KEY) or [])
    flow = turn.services.feedback.survey
    progress = await flow.answer(turn.user_id, turn.str_arg(), raw, now=turn.now())
    await _show(turn, progress, edit=True)


async def skip(turn: Turn) -> None:
    """sv:k:<question>: leave an optional question unanswered."""
    flow = turn.services.feedback.survey
    progress = await flow.answer(turn.user_id, turn.str_arg(), [], now=turn.now(), skip=True)
    await _show(turn, progress, edit=True)


async def change(turn: Turn) -> None:
    """sv:e:<question>: ask an answered question again."""
    progress = await turn.services.feedback.survey.progress(turn.user_id, now=turn.now())
    question = progress.survey.question(turn.str_arg())
    if question is None:
        await turn.reply(turn.t("buttons.expired"))
        return
    await _show(turn, progress, edit=False, question=question)


async def survey_text(turn: Turn) -> None:
    """A typed answer to the open survey question, when the survey is the open prompt (its own
    early group, then stop)."""
    opened = waiting(turn, Prompt.SURVEY)
    if opened is None or not turn.text:
        return
    key = opened.ref
    t, flow = turn.t, turn.services.feedback.survey
    try:
        progress = await flow.answer(turn.user_id, str(key), turn.text, now=turn.now())
    except InvalidAnswer as err:
        problem = t(
            f"survey.invalid.{err.params.get('reason', 'empty')}",
            limit=err.params.get("limit", 0),
            length=err.params.get("length", 0),
        )
        progress = await flow.progress(turn.user_id, now=turn.now())
        question = progress.survey.question(str(key))
        text, rows = _question_view(t, progress, question) if question else (Safe(""), [])
        await turn.reply(Safe(f"{problem}\n\n{text}"), rows)
        raise ApplicationHandlerStop from None
    except SurveyClosed:
        close(turn, Prompt.SURVEY)
        await turn.reply(t("survey.closed"))
        raise ApplicationHandlerStop from None
    await _show(turn, progress, edit=False)
    raise ApplicationHandlerStop


def handlers() -> list[Handler]:
    """/feedback and the survey buttons."""
    return [
        command("feedback", feedback_command, errors=ERRORS),
        button(SURVEY_START, start_survey, errors=ERRORS),
        button(SURVEY_NEVER, never, errors=ERRORS),
        button(SURVEY_ANSWER, answer, errors=ERRORS),
        button(SURVEY_TOGGLE, toggle, errors=ERRORS),
        button(SURVEY_DONE, done, errors=ERRORS),
        button(SURVEY_SKIP, skip, errors=ERRORS),
        button(SURVEY_CHANGE, change, errors=ERRORS),
    ]


def survey_text_handlers() -> list[Handler]:
    """A typed survey answer is caught before profile answers (its own group)."""
    return [message(survey_text, errors=ERRORS)]

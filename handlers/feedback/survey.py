"""The event survey (/feedback, one question at a time) and after-meeting outcome questions."""

from __future__ import annotations

import html
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from core.feedback import followup
from core.feedback.survey import Question
from core.feedback.survey_flow import Progress, SurveyClosed
from core.meetings import outcomes
from core.reference.errors import InvalidAnswer, NotAllowed, NotConsented, NotFound
from handlers.callbacks import as_int, pack, unpack
from handlers.common import Button, ack, alert, clip, reply
from handlers.context import BotContext
from handlers.i18n import Safe, Translator
from handlers.people.notice import consent_first

PRIVATE = filters.ChatType.PRIVATE
COMMENT_KEY = "outcome_comment"


async def outcome_button(update: Update, ctx: BotContext) -> None:
    """oc:<meeting>:<outcome> answers; ocm:<meeting> asks for a comment for the organisers."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    meeting_id = as_int(parts[1]) if len(parts) >= 2 else None
    if meeting_id is None:
        await alert(update, t("buttons.expired"))
        return
    if parts[0] == "ocm" and len(parts) == 2:
        async with ctx.services.uow() as uow:
            mine = await uow.outcomes.get(meeting_id, user.id)
        if mine is None:
            await alert(update, t("buttons.not_yours"))
            return
        if ctx.user_data is not None:
            ctx.user_data[COMMENT_KEY] = meeting_id
        await ack(update)
        await reply(update, t("outcomes.type_comment"))
        return
    try:
        choice = outcomes.Outcome(parts[2]) if len(parts) == 3 else None
    except ValueError:
        choice = None
    if choice is None:
        await alert(update, t("buttons.expired"))
        return
    try:
        await outcomes.record(
            ctx.services.uow, meeting_id, user.id, choice, now=ctx.services.clock.now()
        )
    except NotAllowed:
        await alert(update, t("buttons.not_yours"))
        return
    except (NotFound, NotConsented):
        await alert(update, t("meetings.error.gone"))
        return
    await ack(update)
    await reply(
        update,
        t("outcomes.thanks", answer=t(f"outcomes.option.{choice.value}")),
        [[(t("outcomes.add_comment"), pack("ocm", meeting_id))]],
        edit=True,
    )


async def comment_text(update: Update, ctx: BotContext) -> None:
    """The next text after 'Add a comment' is the comment (group -1, then stop)."""
    data: dict[str, Any] = ctx.user_data if ctx.user_data is not None else {}
    meeting_id = data.get(COMMENT_KEY)
    message, user = update.effective_message, update.effective_user
    if meeting_id is None or message is None or not message.text or user is None:
        return
    data.pop(COMMENT_KEY, None)
    t = await ctx.translator(update)
    await outcomes.comment(
        ctx.services.uow,
        int(meeting_id),
        user.id,
        message.text.strip(),
        now=ctx.services.clock.now(),
    )
    await reply(update, t("outcomes.comment_saved"))
    raise ApplicationHandlerStop


SURVEY_KEY = "survey_question"
MULTI_KEY = "survey_multi"


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
                (("✓ " if current == n else "") + "⭐" * n, pack("sv", "a", question.key, n))
                for n in range(1, 6)
            ]
        ]
    elif question.kind == "single":
        rows = [
            [
                (
                    ("✓ " if current == o.key else "") + o.label(lang),
                    pack("sv", "a", question.key, o.key),
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
                    pack("sv", "t", question.key, o.key),
                )
            ]
            for o in question.options
        ]
        rows.append([(t("survey.button.done"), pack("sv", "d", question.key))])
    else:
        lines.append(t("survey.type_answer"))
    if not question.required:
        rows.append([(t("survey.button.skip"), pack("sv", "k", question.key))])
    return Safe("\n".join(lines)), rows


async def _show(
    update: Update,
    ctx: BotContext,
    t: Translator,
    progress: Progress,
    *,
    edit: bool,
    question: Question | None = None,
) -> None:
    """The next (or a chosen) question, or the summary with edit buttons when all are done."""
    data: dict[str, Any] = ctx.user_data if ctx.user_data is not None else {}
    question = question or progress.next
    if question is None:
        data.pop(SURVEY_KEY, None)
        lines: list[str] = [t("survey.finished")]
        rows: list[list[Button]] = []
        for q in progress.survey.questions:
            value = progress.answers.get(q.key)
            shown = _answer_text(q, value, t.language) if value not in (None, [], "") else "—"
            lines.append(f"• {html.escape(q.text(t.language))}: <i>{html.escape(shown)}</i>")
            rows.append([(t("survey.button.change", n=len(rows) + 1), pack("sv", "e", q.key))])
        await reply(update, Safe("\n".join(lines)), rows, edit=edit)
        return
    data[SURVEY_KEY] = question.key  # typed text answers it (or is refused clearly)
    if question.kind == "multi":
        data[MULTI_KEY] = list(progress.answers.get(question.key) or [])
    text, rows = _question_view(t, progress, question)
    await reply(update, text, rows, edit=edit)


def _answer_text(question: Question, value: Any, lang: str) -> str:
    if question.kind == "rating":
        return "⭐" * int(value)
    if question.kind == "single":
        return question.option_label(str(value), lang)
    if question.kind == "multi":
        return ", ".join(question.option_label(str(v), lang) for v in value)
    return clip(str(value), 200)


async def feedback_command(update: Update, ctx: BotContext) -> None:
    """/feedback: continue where you left off (or review your answers)."""
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    try:
        progress = await ctx.services.survey.progress(user.id, now=ctx.services.clock.now())
    except NotConsented:
        await consent_first(update, ctx, t)
        return
    except SurveyClosed:
        await reply(update, t("survey.closed"))
        return
    await _show(update, ctx, t, progress, edit=False)


async def survey_button(update: Update, ctx: BotContext) -> None:
    """sv:s start · sv:o never · sv:a answer · sv:t toggle · sv:d done · sv:k skip · sv:e edit."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    flow, now = ctx.services.survey, ctx.services.clock.now()
    data: dict[str, Any] = ctx.user_data if ctx.user_data is not None else {}
    verb = parts[1] if len(parts) >= 2 else ""
    try:
        if verb == "o" and len(parts) == 2:
            await flow.opt_out(user.id, now=now)
            await ack(update)
            await reply(update, t("survey.opted_out"), edit=True)
            return
        progress = await flow.progress(user.id, now=now)
        if verb == "s" and len(parts) == 2:
            await ack(update)
            await _show(update, ctx, t, progress, edit=True)
        elif verb == "a" and len(parts) == 4:
            progress = await flow.answer(user.id, parts[2], parts[3], now=now)
            await ack(update)
            await _show(update, ctx, t, progress, edit=True)
        elif verb == "t" and len(parts) == 4:
            question = progress.survey.question(parts[2])
            if question is None or question.option(parts[3]) is None:
                await alert(update, t("survey.invalid.option"))
                return
            chosen: list[str] = data.setdefault(MULTI_KEY, [])
            chosen.remove(parts[3]) if parts[3] in chosen else chosen.append(parts[3])
            await ack(update)
            view = Progress(
                progress.survey,
                question,
                {**progress.answers, question.key: chosen},
                progress.status,
            )
            text, rows = _question_view(t, view, question)
            await reply(update, text, rows, edit=True)
        elif verb in ("d", "k") and len(parts) == 3:
            raw = list(data.get(MULTI_KEY) or []) if verb == "d" else []
            progress = await flow.answer(user.id, parts[2], raw, now=now, skip=verb == "k")
            await ack(update)
            await _show(update, ctx, t, progress, edit=True)
        elif verb == "e" and len(parts) == 3:
            question = progress.survey.question(parts[2])
            if question is None:
                await alert(update, t("buttons.expired"))
                return
            await ack(update)
            await _show(update, ctx, t, progress, edit=False, question=question)
        else:
            await alert(update, t("buttons.expired"))
    except InvalidAnswer as err:
        await alert(
            update,
            t(
                f"survey.invalid.{err.params.get('reason', 'option')}",
                limit=err.params.get("limit", 0),
                length=err.params.get("length", 0),
            ),
        )
    except SurveyClosed:
        await alert(update, t("survey.closed"))
    except NotConsented:
        await ack(update)
        await consent_first(update, ctx, t)


async def survey_text(update: Update, ctx: BotContext) -> None:
    """A typed answer to the open free-text question (group -3, then stop)."""
    data: dict[str, Any] = ctx.user_data if ctx.user_data is not None else {}
    key = data.get(SURVEY_KEY)
    message, user = update.effective_message, update.effective_user
    if not key or message is None or not message.text or user is None:
        return
    t = await ctx.translator(update)
    try:
        progress = await ctx.services.survey.answer(
            user.id, str(key), message.text, now=ctx.services.clock.now()
        )
    except InvalidAnswer as err:
        problem = t(
            f"survey.invalid.{err.params.get('reason', 'empty')}",
            limit=err.params.get("limit", 0),
            length=err.params.get("length", 0),
        )
        progress = await ctx.services.survey.progress(user.id, now=ctx.services.clock.now())
        question = progress.survey.question(str(key))
        text, rows = _question_view(t, progress, question) if question else (Safe(""), [])
        await reply(update, Safe(f"{problem}\n\n{text}"), rows)
        raise ApplicationHandlerStop from None
    except SurveyClosed:
        data.pop(SURVEY_KEY, None)
        await reply(update, t("survey.closed"))
        raise ApplicationHandlerStop from None
    await _show(update, ctx, t, progress, edit=False)
    raise ApplicationHandlerStop


FOLLOW_KEY = "followup_partners"


async def followup_button(update: Update, ctx: BotContext) -> None:
    """fu:t:<n>:<id> toggle a partner · fu:d:<n> done · fu:0:<n> nobody · fu:p:<n>:<status>."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    n = as_int(parts[2]) if len(parts) >= 3 else None
    if n is None or parts[1] not in ("t", "d", "0", "p"):
        await alert(update, t("buttons.expired"))
        return
    services, now = ctx.services, ctx.services.clock.now()
    data: dict[str, Any] = ctx.user_data if ctx.user_data is not None else {}
    chosen: list[int] = data.setdefault(FOLLOW_KEY, {}).setdefault(n, [])
    try:
        met = await followup.met_by(services.uow, user.id, now=now)
        if parts[1] == "t" and len(parts) == 4:
            pid = as_int(parts[3])
            if pid not in met:
                await alert(update, t("buttons.not_yours"))
                return
            chosen.remove(pid) if pid in chosen else chosen.append(pid)
            await ack(update)
            rows: list[list[Button]] = [
                [(("☑️ " if p in chosen else "⬜ ") + clip(name, 40), pack("fu", "t", n, p))]
                for p, name in list(met.items())[:20]
            ]
            rows.append(
                [
                    (t("followup.button.done"), pack("fu", "d", n)),
                    (t("followup.button.none"), pack("fu", "0", n)),
                ]
            )
            await reply(update, t("followup.ask", days=n), rows, edit=True)
            return
        if parts[1] in ("d", "0"):
            if parts[1] == "0":
                chosen.clear()
            await followup.record(services.uow, user.id, n, list(chosen), None, now=now)
            await ack(update)
            rows = [
                [(t(f"followup.proposal.{s}"), pack("fu", "p", n, s))] for s in followup.PROPOSAL
            ]
            await reply(update, t("followup.proposal_question"), rows, edit=True)
            return
        if parts[1] == "p" and len(parts) == 4:
            await followup.record(services.uow, user.id, n, list(chosen), parts[3], now=now)
            data.get(FOLLOW_KEY, {}).pop(n, None)
            await ack(update)
            await reply(update, t("followup.thanks"), edit=True)
            return
        await alert(update, t("buttons.expired"))
    except NotAllowed:
        await alert(update, t("buttons.not_yours"))
    except (NotFound, NotConsented):
        await alert(update, t("buttons.expired"))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """/feedback, survey buttons and outcome buttons."""
    return [
        CommandHandler("feedback", feedback_command, filters=PRIVATE),
        CallbackQueryHandler(survey_button, pattern=r"^sv:"),
        CallbackQueryHandler(outcome_button, pattern=r"^ocm?:"),
        CallbackQueryHandler(followup_button, pattern=r"^fu:"),
    ]


def comment_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """A pending outcome comment is caught before profile answers (its own group)."""
    return [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, comment_text)]


def survey_text_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """A typed survey answer is caught before profile answers (its own group)."""
    return [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, survey_text)]

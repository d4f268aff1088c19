"""/survey_results for organisers: response rate, per-question figures, charts and the CSV."""

from __future__ import annotations

from telegram import InputFile

from handlers.feedback.exports import send_export
from handlers.i18n import Safe
from handlers.turns import ORGANISER_ERRORS, Handler, Turn, command


async def survey_results_command(turn: Turn) -> None:
    """/survey_results: response rate, per-question figures, a chart per question, and the CSV."""
    services, t = turn.services, turn.t
    results = await services.feedback.results(turn.user_id)
    if results is None:
        await turn.reply(t("results.none"))
        return
    rate = round(100 * results.finished / results.invited) if results.invited else 0
    lines = [
        t(
            "results.title",
            finished=results.finished,
            invited=results.invited,
            rate=rate,
            started=results.started,
        )
    ]
    for n, summary in enumerate(results.summaries, 1):
        q = summary.question
        detail: str
        if q.kind == "text":
            detail = t("results.texts", count=len(summary.texts))
        elif q.kind == "rating":
            mean = "—" if summary.mean is None else f"{summary.mean:.2f}"
            detail = t(
                "results.rating",
                mean=mean,
                counts=" · ".join(f"{k}★ {v}" for k, v in summary.counts.items()),
            )
        else:
            detail = " · ".join(
                f"{q.option_label(k, t.language)}: {v}" for k, v in summary.counts.items()
            )
        lines.append(
            t(
                "results.question",
                n=n,
                text=q.text(t.language),
                answered=summary.answered,
                detail=detail,
            )
        )
    await turn.reply(Safe("\n".join(lines)))
    chat = turn.update.effective_chat
    if chat is None:
        return
    for name, png in services.survey_charts(results, t.language):
        await chat.send_photo(InputFile(png, filename=name))
    await send_export(turn, "survey")


def handlers() -> list[Handler]:
    """/survey_results."""
    return [
        command("survey_results", survey_results_command, organiser=True, errors=ORGANISER_ERRORS)
    ]

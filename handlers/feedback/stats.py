"""/stats for organisers: the matchmaking figures and three charts."""

from __future__ import annotations

from telegram import InputFile

from handlers.i18n import Safe
from handlers.turns import ORGANISER_ERRORS, Handler, Turn, command


async def stats_command(turn: Turn) -> None:
    """/stats: the matchmaking figures and three charts."""
    services, t = turn.services, turn.t
    overview = await services.feedback.stats(turn.user_id, now=turn.now())
    stats, results = overview.stats, overview.survey
    collaborations, submitted, planned = overview.followup
    r = stats.requests
    survey = (
        f"{round(100 * results.finished / results.invited)}%"
        if results is not None and results.invited
        else "—"
    )
    share = "—" if stats.eu_kr_share is None else f"{round(100 * stats.eu_kr_share)}%"
    figures = await services.consortia.figures(turn.user_id, now=turn.now())
    topics = ", ".join(f"{topic} ({n})" for topic, n in list(figures.by_topic.items())[:5]) or "—"
    consortia = t(
        "consortium.stats",
        formed=figures.formed,
        eligible=figures.eligible,
        share=f"{figures.eu_korea_share}%",
        topics=topics,
    )
    main = t(
        "stats.text",
        registered=stats.registered,
        complete=stats.complete,
        shown=stats.suggestions_shown,
        sent=r.get("sent", 0),
        accepted=r.get("accepted", 0),
        declined=r.get("declined", 0),
        expired=r.get("expired", 0),
        booked=stats.booked,
        held=stats.held,
        cancelled=stats.cancelled,
        no_show=stats.no_show,
        survey=survey,
        collaborations=collaborations,
        submitted=submitted,
        planned=planned,
        share=share,
    )
    await turn.reply(Safe(f"{main}\n{consortia}"))
    chat = turn.update.effective_chat
    if chat is None:
        return
    for name, png in services.charts(stats, services.event_timezone.key):
        await chat.send_photo(InputFile(png, filename=name))


def handlers() -> list[Handler]:
    """/stats."""
    return [command("stats", stats_command, organiser=True, errors=ORGANISER_ERRORS)]

"""/stats for organisers: the matchmaking figures and three charts."""

from __future__ import annotations

from telegram import InputFile

from handlers.i18n import Safe
from handlers.turns import ORGANISER_ERRORS, Handler, Turn, command


async def stats_command(turn: Turn) -> None:
    """/stats: the matchmaking figures and three charts."""
    services, t = turn.services, turn.t
    overview = await services.feedback.stats(turn.user_id, now=turn.now())
    figures = await services.consortia.figures(turn.user_id, now=turn.now())
    topics = ", ".join(f"{topic} ({n})" for topic, n in list(figures.by_topic.items())[:5]) or "—"
    consortia = t(
        "consortium.stats",
        formed=figures.formed,
        eligible=figures.eligible,
        share=f"{figures.eu_korea_share}%",
        topics=topics,
    )
    main = t("stats.text", **overview.figures())
    await turn.reply(Safe(f"{main}\n{consortia}"))
    chat = turn.update.effective_chat
    if chat is None:
        return
    for name, png in services.charts(overview.stats, services.event_timezone.key):
        await chat.send_photo(InputFile(png, filename=name))


def handlers() -> list[Handler]:
    """/stats."""
    return [command("stats", stats_command, organiser=True, errors=ORGANISER_ERRORS)]

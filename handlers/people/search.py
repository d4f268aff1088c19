"""/find for organisers: attendees by name, in Hangul or Latin, tolerant of romanisation."""

from __future__ import annotations

from handlers.i18n import Safe
from handlers.turns import ORGANISER_ERRORS, Handler, Turn, command


async def find_command(turn: Turn) -> None:
    """/find NAME: attendees by name, in Hangul or Latin, tolerant of romanisation variants."""
    t = turn.t
    query = " ".join(turn.ctx.args or []).strip()
    if not query:
        await turn.reply(t("find.usage"))
        return
    found = await turn.services.people.find(turn.user_id, query)
    lines = [t("find.title", query=query[:100])]
    lines += [
        t("find.line", name=f.name, organisation=f.organisation or "—", id=f.telegram_id)
        for f in found
    ]
    if not found:
        lines.append(t("find.none"))
    await turn.reply(Safe("\n".join(lines)))


def handlers() -> list[Handler]:
    """/find (organisers; re-checked in core)."""
    return [command("find", find_command, organiser=True, errors=ORGANISER_ERRORS)]

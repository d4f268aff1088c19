"""/dashboard for organisers: a one-time link that opens the web desk (valid ten minutes)."""

from __future__ import annotations

from core.desk.model import DeskNotConfigured
from handlers.turns import ORGANISER_ERRORS, Handler, Turn, command

ERRORS = {**ORGANISER_ERRORS, DeskNotConfigured: "desk.not_configured"}


async def dashboard_command(turn: Turn) -> None:
    """/dashboard: a fresh login link, bound to this organiser, for one use."""
    services = turn.services
    if services.desk is None or not services.desk_url:
        await turn.reply(turn.t("desk.not_configured"))
        return
    token = await services.desk.login.issue(turn.user_id, now=turn.now())
    link = f"{services.desk_url.rstrip('/')}/login/{token}"
    await turn.reply(turn.t("desk.link", link=link, minutes=10))


def handlers() -> list[Handler]:
    """/dashboard."""
    return [command("dashboard", dashboard_command, organiser=True, errors=ERRORS)]

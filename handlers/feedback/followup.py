"""The follow-up weeks after the event: tick the partners you work with, then the proposal."""

from __future__ import annotations

from typing import Any

from core.feedback.followup import PROPOSAL
from handlers.common import Button, clip
from handlers.routes import FOLLOWUP_DONE, FOLLOWUP_NONE, FOLLOWUP_PROPOSAL, FOLLOWUP_TOGGLE
from handlers.turns import Handler, Turn, button

FOLLOW_KEY = "followup_partners"


def _chosen(turn: Turn, n: int) -> list[int]:
    """The partners ticked so far in this follow-up (kept in the chat's session)."""
    data: dict[str, Any] = turn.ctx.user_data if turn.ctx.user_data is not None else {}
    chosen: list[int] = data.setdefault(FOLLOW_KEY, {}).setdefault(n, [])
    return chosen


async def toggle(turn: Turn) -> None:
    """fu:t:<n>:<id>: tick or untick a partner (only someone they met)."""
    n, partner = turn.int_arg(0), turn.int_arg(1)
    met = await turn.services.feedback.followups.choose(turn.user_id, partner, now=turn.now())
    chosen = _chosen(turn, n)
    chosen.remove(partner) if partner in chosen else chosen.append(partner)
    t = turn.t
    rows: list[list[Button]] = [
        [(("☑️ " if p in chosen else "⬜ ") + clip(name, 40), FOLLOWUP_TOGGLE.pack(n, p))]
        for p, name in list(met.items())[:20]
    ]
    rows.append(
        [
            (t("followup.button.done"), FOLLOWUP_DONE.pack(n)),
            (t("followup.button.none"), FOLLOWUP_NONE.pack(n)),
        ]
    )
    await turn.reply(t("followup.ask", days=n), rows, edit=True)


async def done(turn: Turn) -> None:
    """fu:d:<n>: save the ticked partners, then ask about a proposal."""
    await _save_partners(turn, _chosen(turn, turn.int_arg()))


async def nobody(turn: Turn) -> None:
    """fu:0:<n>: nobody yet, then ask about a proposal."""
    chosen = _chosen(turn, turn.int_arg())
    chosen.clear()
    await _save_partners(turn, chosen)


async def _save_partners(turn: Turn, chosen: list[int]) -> None:
    n = turn.int_arg()
    followups = turn.services.feedback.followups
    await followups.record(turn.user_id, n, list(chosen), None, now=turn.now())
    rows = [[(turn.t(f"followup.proposal.{s}"), FOLLOWUP_PROPOSAL.pack(n, s))] for s in PROPOSAL]
    await turn.reply(turn.t("followup.proposal_question"), rows, edit=True)


async def proposal(turn: Turn) -> None:
    """fu:p:<n>:<status>: the proposal status; the follow-up is complete."""
    n = turn.int_arg(0)
    followups = turn.services.feedback.followups
    await followups.record(turn.user_id, n, list(_chosen(turn, n)), turn.str_arg(1), now=turn.now())
    if turn.ctx.user_data is not None:
        turn.ctx.user_data.get(FOLLOW_KEY, {}).pop(n, None)
    await turn.reply(turn.t("followup.thanks"), edit=True)


def handlers() -> list[Handler]:
    """The follow-up's buttons (sent by the follow-up job through the outbox)."""
    return [
        button(FOLLOWUP_TOGGLE, toggle),
        button(FOLLOWUP_DONE, done),
        button(FOLLOWUP_NONE, nobody),
        button(FOLLOWUP_PROPOSAL, proposal),
    ]

"""/schedule ROUND: preview the optimised schedule of a round, and its Apply button."""

from __future__ import annotations

from core.reference.errors import NotFound
from core.schedule.builder import BuildResult
from handlers.i18n import Safe, Translator
from handlers.routes import SCHEDULE_APPLY
from handlers.turns import ORGANISER_ERRORS, Handler, Turn, button, command

#: Round keys are cut to this length (the Apply button carries the key).
ROUND_KEY_MAX = 40


def figures(t: Translator, result: BuildResult) -> Safe:
    """The optimiser's plan next to greedy first-come."""
    lines = [t("schedule.title", round=result.round_key)]
    for label, r in (
        ("schedule.optimised", result.optimised),
        ("schedule.first_come", result.first_come),
    ):
        fill = round(100 * r.scheduled / r.upper_bound) if r.upper_bound else 100
        lines.append(
            t(
                label,
                scheduled=r.scheduled,
                requested=r.requested,
                fill=fill,
                bound=r.upper_bound,
                idle=round(r.idle_slots_mean, 2),
            )
        )
    return Safe("\n".join(lines))


async def _run(turn: Turn, round_key: str, *, apply: bool) -> None:
    t = turn.t
    try:
        result = await turn.services.schedule.build(
            turn.user_id, round_key, now=turn.now(), apply=apply
        )
    except NotFound:
        await turn.reply(t("schedule.no_round", round=round_key[:ROUND_KEY_MAX]))
        return
    text = figures(t, result)
    if apply:
        turn.services.wake_outbox()
        applied = t("schedule.applied", count=len(result.booked))
        await turn.reply(Safe(f"{text}\n\n{applied}"), edit=True)
        return
    rows = []
    if result.optimised.scheduled:
        rows = [[(t("schedule.apply"), SCHEDULE_APPLY.pack(round_key))]]
    await turn.reply(Safe(f"{text}\n\n{t('schedule.preview')}"), rows)


async def schedule_command(turn: Turn) -> None:
    """/schedule ROUND: preview the optimised schedule for a round, with an Apply button."""
    args = turn.ctx.args or []
    if not args:
        await turn.reply(turn.t("schedule.usage"))
        return
    await _run(turn, args[0][:ROUND_KEY_MAX], apply=False)


async def apply_schedule(turn: Turn) -> None:
    """sc:a:<round>: book the previewed schedule (organiser re-checked here and in core)."""
    await _run(turn, turn.str_arg(), apply=True)


def handlers() -> list[Handler]:
    """/schedule and its Apply button, for organisers only."""
    return [
        command("schedule", schedule_command, organiser=True, errors=ORGANISER_ERRORS),
        button(SCHEDULE_APPLY, apply_schedule, organiser=True, errors=ORGANISER_ERRORS),
    ]

"""/profile → Import from ORCID: the iD typed, the public record read, each part offered with
Use / Use and edit / Skip, and only what was confirmed saved at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from telegram.ext import ApplicationHandlerStop

from core.people.orcid import OrcidProposal, OrcidUnavailable
from core.reference.errors import InvalidAnswer
from handlers.common import Button, clip
from handlers.i18n import Safe, Translator
from handlers.people.card import country_name, keyword_labels
from handlers.people.questions import ask_field, show_card
from handlers.prompts import Prompt, close, open_prompt, waiting, with_aside
from handlers.routes import ORCID_EDIT, ORCID_FORGET, ORCID_SKIP, ORCID_START, ORCID_USE
from handlers.turns import Handler, Turn, button, message

#: The chat session's key for the proposal being confirmed.
PROPOSAL_KEY = "orcid_proposal"
#: The profile field a part's "Use and edit" opens.
EDIT_FIELD = {
    "full_name": "full_name",
    "employment": "organisation",
    "expertise": "expertise",
    "publications": "publications",
}


@dataclass(slots=True)
class Pending:
    """A proposal being walked through: the parts offered, the answers so far."""

    proposal: OrcidProposal
    parts: list[str]
    chosen: list[str] = field(default_factory=list)
    edit: list[str] = field(default_factory=list)
    step: int = 0


def _session(turn: Turn) -> dict[Any, Any]:
    return turn.ctx.user_data if turn.ctx.user_data is not None else {}


async def start(turn: Turn) -> None:
    """or:s:<owner>: ask for the iD (the press is refused for anyone but the card's owner)."""
    _, profile = await turn.services.people.profiles.load(turn.user_id, owner=turn.int_arg())
    _session(turn).pop(PROPOSAL_KEY, None)
    put_aside = await open_prompt(turn, Prompt.ORCID)
    text = turn.t("orcid.ask")
    rows: list[list[Button]] = []
    if profile.orcid:
        text = Safe(f"{text}\n{turn.t('orcid.current', orcid=profile.orcid)}")
        rows = [[(turn.t("orcid.forget"), ORCID_FORGET.pack(turn.user_id))]]
    await turn.reply(with_aside(put_aside, text), rows)


async def forget(turn: Turn) -> None:
    """or:x:<owner>: the iD off the card (core refuses anyone but the owner)."""
    profile = await turn.services.people.orcid.forget(turn.user_id, owner=turn.int_arg())
    close(turn, Prompt.ORCID)
    await show_card(turn, profile, intro=turn.t("orcid.forgotten"), edit=True)


async def orcid_text(turn: Turn) -> None:
    """The typed iD: checked before any request; then the record's first part is offered."""
    if waiting(turn, Prompt.ORCID) is None or not turn.text:
        return
    t = turn.t
    try:
        proposal = await turn.services.people.orcid.propose(turn.user_id, turn.text)
    except InvalidAnswer as err:
        key = "orcid.bad_check" if err.params.get("reason") == "orcid_check" else "orcid.bad_format"
        await turn.reply(t(key))  # the prompt stays open for another try
        raise ApplicationHandlerStop from None
    except OrcidUnavailable as err:
        close(turn, Prompt.ORCID)
        reason = str(err.params.get("reason", "unreachable"))
        await turn.reply(t(f"orcid.{reason}"))
        raise ApplicationHandlerStop from None
    close(turn, Prompt.ORCID)
    pending = Pending(proposal, proposal.offered())
    _session(turn)[PROPOSAL_KEY] = pending
    await _offer_or_finish(turn, pending, edit=False)
    raise ApplicationHandlerStop


def _value(t: Translator, proposal: OrcidProposal, part: str) -> str:
    """The part as the person reads it."""
    if part == "full_name":
        return proposal.full_name or ""
    if part == "employment":
        where = country_name(t, proposal.country) if proposal.country else ""
        return f"{proposal.organisation} ({where})" if where else proposal.organisation or ""
    if part == "expertise":
        return keyword_labels(t, proposal.expertise)
    return "\n".join(f"• {clip(p.title, 150)}" for p in proposal.publications)


def _offer(t: Translator, pending: Pending) -> tuple[Safe, list[list[Button]]]:
    part = pending.parts[pending.step]
    text = Safe(
        f"{t('orcid.step', n=pending.step + 1, total=len(pending.parts))}\n"
        + t(
            f"orcid.offer_{part}",
            value=_value(t, pending.proposal, part),
            count=len(pending.proposal.publications),
        )
    )
    rows: list[list[Button]] = [
        [(t("orcid.use"), ORCID_USE.pack(part)), (t("orcid.edit"), ORCID_EDIT.pack(part))],
        [(t("orcid.skip"), ORCID_SKIP.pack(part))],
    ]
    return text, rows


async def _offer_or_finish(turn: Turn, pending: Pending, *, edit: bool) -> None:
    """The next part, or (after the last) save what was confirmed and show the card."""
    if pending.step < len(pending.parts):
        text, rows = _offer(turn.t, pending)
        await turn.reply(text, rows, edit=edit)
        return
    _session(turn).pop(PROPOSAL_KEY, None)
    profile = await turn.services.people.orcid.save(turn.user_id, pending.proposal, pending.chosen)
    turn.services.partners.refresh(profile)
    t = turn.t
    if not pending.parts:
        intro = t("orcid.nothing_offered")
    elif pending.chosen:
        parts = ", ".join(str(t(f"orcid.part_{p}")) for p in pending.chosen)
        intro = t("orcid.saved", parts=parts)
    else:
        intro = t("orcid.saved_nothing")
    if pending.edit:
        first, *others = (str(t(f"orcid.part_{p}")) for p in pending.edit)
        if others:  # one question at a time: the rest from the card's ✏️ buttons
            intro = Safe(f"{intro}\n{t('orcid.edit_later', first=first, others=', '.join(others))}")
        await turn.reply(intro, edit=edit)
        await ask_field(turn, EDIT_FIELD[pending.edit[0]], "edit")
        return
    await show_card(turn, profile, intro=intro, edit=edit)


def _current(turn: Turn) -> Pending | None:
    """The proposal this press answers: its part must be the one on offer now."""
    pending = _session(turn).get(PROPOSAL_KEY)
    if not isinstance(pending, Pending) or pending.step >= len(pending.parts):
        return None
    return pending if pending.parts[pending.step] == turn.str_arg() else None


async def _answer(turn: Turn, *, take: bool, then_edit: bool) -> None:
    pending = _current(turn)
    if pending is None:
        await turn.reply(turn.t("buttons.expired"))
        return
    part = pending.parts[pending.step]
    if take:
        pending.chosen.append(part)
    if then_edit:
        pending.edit.append(part)
    pending.step += 1
    await _offer_or_finish(turn, pending, edit=True)


async def use(turn: Turn) -> None:
    """or:y:<part>: take this part."""
    await _answer(turn, take=True, then_edit=False)


async def use_and_edit(turn: Turn) -> None:
    """or:e:<part>: take this part, and open its question afterwards to change it."""
    await _answer(turn, take=True, then_edit=True)


async def skip(turn: Turn) -> None:
    """or:n:<part>: leave this part out."""
    await _answer(turn, take=False, then_edit=False)


def handlers() -> list[Handler]:
    """The Import from ORCID button and the answers to each offered part."""
    return [
        button(ORCID_START, start),
        button(ORCID_USE, use),
        button(ORCID_EDIT, use_and_edit),
        button(ORCID_SKIP, skip),
        button(ORCID_FORGET, forget),
    ]


def text_handlers() -> list[Handler]:
    """The typed iD (an early group, before profile answers)."""
    return [message(orcid_text)]

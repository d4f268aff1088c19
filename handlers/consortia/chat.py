"""/consortium: the list of one's consortia, a new one (title, topic, type of action,
description), the status card, and every typed answer of the feature."""

from __future__ import annotations

from typing import Any

from telegram.ext import ApplicationHandlerStop

from core.consortia.cards import Card, ConsortiumError
from core.consortia.fields import check_description, check_title, check_topic
from core.consortia.model import MemberStatus
from core.consortia.programme import ActionType
from core.reference.errors import DomainError, NotAllowed, NotFound
from handlers.common import Button, clip, keyboard
from handlers.consortia.live import card_buttons, card_text, fingerprint
from handlers.consortia.render import topic_lines
from handlers.i18n import Safe
from handlers.prompts import Prompt, close, open_prompt, waiting, with_aside
from handlers.routes import (
    CONSORTIUM_ACTION,
    CONSORTIUM_LIST,
    CONSORTIUM_NEW,
    CONSORTIUM_SHOW,
)
from handlers.turns import ErrorKeys, Handler, Turn, button, command, message

ERRORS: ErrorKeys = {
    ConsortiumError: "consortium.error.",
    NotAllowed: "buttons.not_yours",
    NotFound: "consortium.gone",
}
DRAFT_KEY = "consortium_draft"
#: Typed answers of a new consortium, in order (then entity fields and @usernames, by prefix).
STEPS = ("title", "topic", "description")


HANDLE_KEY = "consortium_handle"


def _session(turn: Turn) -> dict[Any, Any]:
    return turn.ctx.user_data if turn.ctx.user_data is not None else {}


async def remember_handle(turn: Turn) -> None:
    """Keep the person's @username (once per change) so members can invite them by it."""
    user = turn.update.effective_user
    username = user.username if user is not None else None
    if username and _session(turn).get(HANDLE_KEY) != username:
        await turn.services.consortia.remember(turn.user_id, username, now=turn.now())
        _session(turn)[HANDLE_KEY] = username


async def show_card(turn: Turn, card: Card, *, edit: bool, intro: str = "") -> None:
    """The status card with its buttons (an intro line on top, e.g. what just changed); the
    message is remembered as the person's card, which every change edits in place."""
    text = card_text(turn.t, card, intro)
    rows = card_buttons(turn.t, card)
    shown = await turn.reply(Safe(text), rows, edit=edit)
    if shown is not None:
        mark = fingerprint(text, keyboard(rows))
        await turn.services.consortia.shown(
            turn.user_id, card.id, shown.message_id, mark, now=turn.now()
        )


async def list_view(turn: Turn, *, edit: bool) -> None:
    """My consortia, one tap each, and New."""
    t = turn.t
    cards = await turn.services.consortia.mine(turn.user_id, now=turn.now())
    lines = [t("consortium.list.title")]
    rows: list[list[Button]] = []
    for card in cards:
        c = card.consortium
        state = "✅" if card.verdict.eligible else "⏳"
        if c.closed:
            state = "🔒"
        invited = card.mine is not None and card.mine.status is MemberStatus.INVITED
        lines.append(
            t(
                "consortium.list.line",
                state=state,
                title=c.title,
                topic=c.topic_id,
                role=_role(turn, card, invited),
            )
        )
        rows.append([(f"{state} {clip(c.title, 40)}", CONSORTIUM_SHOW.pack(card.id))])
    if not cards:
        lines.append(t("consortium.list.empty"))
    rows.append([(t("consortium.button.new"), CONSORTIUM_NEW.pack())])
    await turn.reply(Safe("\n".join(lines)), rows, edit=edit)


def _role(turn: Turn, card: Card, invited: bool) -> Safe:
    if invited:
        return turn.t("consortium.role.invited")
    if card.coordinating:
        return turn.t("consortium.role.coordinator")
    return turn.t("consortium.role.member")


async def consortium_command(turn: Turn) -> None:
    """/consortium: the list and New."""
    await list_view(turn, edit=False)
    await remember_handle(turn)


async def list_button(turn: Turn) -> None:
    """co:ls: back to the list."""
    await list_view(turn, edit=True)


async def show(turn: Turn) -> None:
    """co:v:<id>: the status card (members and invitees only)."""
    card = await turn.services.consortia.card(turn.user_id, turn.int_arg(), now=turn.now())
    await show_card(turn, card, edit=False)
    await remember_handle(turn)


async def new(turn: Turn) -> None:
    """co:n: start a new consortium: the working title first."""
    _session(turn)[DRAFT_KEY] = {}
    aside = await open_prompt(turn, Prompt.CONSORTIUM, "title")
    await turn.reply(with_aside(aside, turn.t("consortium.ask.title")))


async def choose_action(turn: Turn) -> None:
    """co:t:<type>: the type of action; then the description."""
    draft = _session(turn).get(DRAFT_KEY)
    value = turn.str_arg()
    if not isinstance(draft, dict) or "topic" not in draft or value not in set(ActionType):
        await turn.reply(turn.t("buttons.expired"))
        return
    draft["action"] = value
    aside = await open_prompt(turn, Prompt.CONSORTIUM, "description")
    await turn.reply(with_aside(aside, turn.t("consortium.ask.description")), edit=False)


def _action_buttons(turn: Turn, declared: ActionType | None) -> list[list[Button]]:
    t = turn.t
    order = [declared] if declared else []
    order += [a for a in ActionType if a is not declared]
    labels = [
        (
            ("✓ " if a is declared else "") + t(f"consortium.action.{a.value}"),
            CONSORTIUM_ACTION.pack(a.value),
        )
        for a in order
    ]
    return [labels[i : i + 2] for i in range(0, len(labels), 2)]


async def _typed_step(turn: Turn, step: str) -> None:
    """One answer of the New flow, checked; the next question, or the new consortium."""
    t, text = turn.t, turn.text
    draft = _session(turn).setdefault(DRAFT_KEY, {})
    if step == "title":
        draft["title"] = check_title(text)
        await open_prompt(turn, Prompt.CONSORTIUM, "topic")
        lines = [t("consortium.ask.topic")]
        declared = await turn.services.consortia.topics()
        if declared:
            lines.append(t("consortium.ask.declared"))
            lines += [
                t("consortium.ask.declared_line", id=x.id, title=clip(x.title, 80))
                for x in declared
            ]
        await turn.reply(Safe("\n".join(lines)))
    elif step == "topic":
        draft["topic"] = check_topic(text)
        close(turn, Prompt.CONSORTIUM)
        topic = await turn.services.consortia.topic(draft["topic"])
        if topic is not None:
            info = Safe("\n".join([t("consortium.topic.declared"), *topic_lines(t, topic)]))
        else:
            info = t("consortium.topic.unknown", id=draft["topic"])
        suggested = topic.action if topic is not None else None
        await turn.reply(
            Safe(f"{info}\n\n{t('consortium.ask.action')}"), _action_buttons(turn, suggested)
        )
    elif step == "description" and "action" in draft:
        description = check_description(text)
        close(turn, Prompt.CONSORTIUM)
        card = await turn.services.consortia.create(
            turn.user_id,
            title=draft["title"],
            topic_id=draft["topic"],
            action=ActionType(draft["action"]),
            description=description,
            now=turn.now(),
        )
        _session(turn).pop(DRAFT_KEY, None)
        await show_card(turn, card, edit=False, intro=t("consortium.created"))


async def typed(turn: Turn) -> None:
    """While the feature's prompt is open, the next text answers it (then stop)."""
    opened = waiting(turn, Prompt.CONSORTIUM)
    if opened is None or not turn.text:
        return
    ref = str(opened.ref)
    try:
        if ref in STEPS:
            await _typed_step(turn, ref)
        elif ref.startswith("handle:"):
            cid = int(ref.split(":")[1])
            name = await turn.services.consortia.invite_by_handle(
                turn.user_id, cid, turn.text, now=turn.now()
            )
            close(turn, Prompt.CONSORTIUM)
            turn.services.wake_outbox()
            back = [[(turn.t("consortium.button.card"), CONSORTIUM_SHOW.pack(cid))]]
            await turn.reply(turn.t("consortium.invite.sent", name=name), back)
        elif ref.startswith("entity:"):
            _, field, raw = ref.split(":")
            await set_entity_field(turn, int(raw), field, turn.text)
    except ConsortiumError as exc:
        await turn.explain(exc, ERRORS)  # the prompt stays open: type it again
    except DomainError as exc:
        close(turn, Prompt.CONSORTIUM)  # not a typo: gone, or not theirs
        await turn.explain(exc, ERRORS)
    raise ApplicationHandlerStop


async def set_entity_field(turn: Turn, cid: int, field: str, value: str) -> None:
    """A typed field of one's own legal entity (name, country or PIC)."""
    consortia = turn.services.consortia
    now = turn.now()
    if field == "name":
        card = await consortia.set_entity(turn.user_id, cid, now=now, name=value)
    elif field == "country":
        card = await consortia.set_entity(turn.user_id, cid, now=now, country=value)
    else:
        card = await consortia.set_entity(turn.user_id, cid, now=now, pic=value)
    close(turn, Prompt.CONSORTIUM)
    turn.services.wake_outbox()
    await show_card(turn, card, edit=False, intro=turn.t("consortium.entity.saved"))


def handlers() -> list[Handler]:
    """/consortium, the list, New and the card."""
    return [
        command("consortium", consortium_command, errors=ERRORS),
        button(CONSORTIUM_LIST, list_button, errors=ERRORS),
        button(CONSORTIUM_NEW, new, errors=ERRORS),
        button(CONSORTIUM_ACTION, choose_action, errors=ERRORS),
        button(CONSORTIUM_SHOW, show, errors=ERRORS),
    ]


def text_handlers() -> list[Handler]:
    """Typed answers of the feature (an early group, before the profile answers)."""
    return [message(typed, errors=ERRORS)]


__all__ = ["ERRORS", "handlers", "remember_handle", "show_card", "text_handlers"]

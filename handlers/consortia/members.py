"""The card's actions: invite (people met, saved, suggested, or who fill the gap), answer an
invitation, one's own legal entity, and the coordinator's remove / hand over / close."""

from __future__ import annotations

from core.consortia.cards import Card, entity_names, parents
from core.consortia.model import EntityType, MemberStatus
from handlers.common import Button, clip
from handlers.consortia.chat import ERRORS, remember_handle, show_card
from handlers.consortia.render import entity_line, render_gap
from handlers.i18n import Safe
from handlers.prompts import Prompt, open_prompt, with_aside
from handlers.routes import (
    CONSORTIUM_ACCEPT,
    CONSORTIUM_AFFILIATE,
    CONSORTIUM_AFFILIATED,
    CONSORTIUM_CLOSE,
    CONSORTIUM_DECLINE,
    CONSORTIUM_ENTITY,
    CONSORTIUM_ENTITY_ASK,
    CONSORTIUM_ENTITY_KIND,
    CONSORTIUM_GAP,
    CONSORTIUM_HAND_OVER,
    CONSORTIUM_HANDLE,
    CONSORTIUM_INVITE,
    CONSORTIUM_INVITE_MENU,
    CONSORTIUM_LEAVE,
    CONSORTIUM_LIST,
    CONSORTIUM_MANAGE,
    CONSORTIUM_REMOVE,
    CONSORTIUM_SHOW,
)
from handlers.turns import Handler, Turn, button

ENTITY_FIELDS = ("name", "country", "pic")


def _back(turn: Turn, cid: int) -> list[Button]:
    return [(turn.t("consortium.button.card"), CONSORTIUM_SHOW.pack(cid))]


async def invite_menu(turn: Turn) -> None:
    """co:i:<id>: people I met, saved or was suggested, one tap each."""
    t, cid = turn.t, turn.int_arg()
    people = await turn.services.consortia.candidates(turn.user_id, cid)
    rows: list[list[Button]] = [
        [(f"➕ {clip(p.full_name or '?', 40)}", CONSORTIUM_INVITE.pack(cid, p.telegram_id))]
        for p in people
    ]
    rows.append([(t("consortium.button.by_handle"), CONSORTIUM_HANDLE.pack(cid))])
    rows.append([(t("consortium.button.gap"), CONSORTIUM_GAP.pack(cid))])
    rows.append(_back(turn, cid))
    text = t("consortium.invite.title") if people else t("consortium.invite.nobody")
    await turn.reply(text, rows)


async def ask_handle(turn: Turn) -> None:
    """co:u:<id>: the next text typed is the @username of the person to invite."""
    cid = turn.int_arg()
    await turn.services.consortia.candidates(turn.user_id, cid)  # members of an open one only
    aside = await open_prompt(turn, Prompt.CONSORTIUM, f"handle:{cid}")
    await turn.reply(with_aside(aside, turn.t("consortium.ask.handle")))


async def invite(turn: Turn) -> None:
    """co:ip:<id>:<person>: invite one person (re-checked: a member, someone they may see)."""
    cid, target = turn.int_arg(0), turn.int_arg(1)
    name = await turn.services.consortia.invite(turn.user_id, cid, target, now=turn.now())
    turn.services.wake_outbox()
    await turn.reply(turn.t("consortium.invite.sent", name=name), [_back(turn, cid)])


async def gap(turn: Turn) -> None:
    """co:g:<id>: who at the event would fill what is missing, ranked with reasons."""
    t, cid = turn.t, turn.int_arg()
    gaps = await turn.services.consortia.fill_gap(turn.user_id, cid, now=turn.now())
    if not gaps:
        await turn.reply(t("consortium.gap.nobody"), [_back(turn, cid)])
        return
    rows: list[list[Button]] = [
        [
            (
                t("consortium.button.invite_person", name=clip(g.profile.full_name or "?", 40)),
                CONSORTIUM_INVITE.pack(cid, g.profile.telegram_id),
            )
        ]
        for g in gaps
    ]
    rows.append(_back(turn, cid))
    await turn.reply(render_gap(t, gaps), rows)


async def accept(turn: Turn) -> None:
    """co:a:<id>: the invitee joins (only the person invited)."""
    card = await turn.services.consortia.answer(
        turn.user_id, turn.int_arg(), accept=True, now=turn.now()
    )
    turn.services.wake_outbox()
    await show_card(turn, card, edit=False, intro=turn.t("consortium.joined"))
    await remember_handle(turn)


async def decline(turn: Turn) -> None:
    """co:d:<id>: the invitee says no, politely."""
    await turn.services.consortia.answer(turn.user_id, turn.int_arg(), accept=False, now=turn.now())
    turn.services.wake_outbox()
    await turn.reply(turn.t("consortium.declined"), edit=True)


async def _as_member(turn: Turn, cid: int) -> Card | None:
    """The card, for an accepted member only (anyone else is told the button is not theirs)."""
    card = await turn.services.consortia.card(turn.user_id, cid, now=turn.now())
    if card.mine is None or card.mine.status is not MemberStatus.MEMBER:
        await turn.reply(turn.t("buttons.not_yours"))
        return None
    return card


async def entity_menu(turn: Turn) -> None:
    """co:e:<id>: my legal entity and how to change it."""
    t, cid = turn.t, turn.int_arg()
    card = await _as_member(turn, cid)
    mine = card.mine if card is not None else None
    if card is None or mine is None:
        return
    parents = entity_names(card.consortium)
    entity = mine.entity
    parent = parents.get(entity.affiliated_with or 0) if entity else None
    kinds = [
        (
            ("✓ " if mine.entity and mine.entity.kind is k else "")
            + t(f"consortium.kind.{k.value}"),
            CONSORTIUM_ENTITY_KIND.pack(cid, k.value),
        )
        for k in EntityType
    ]
    rows: list[list[Button]] = [
        [
            (t(f"consortium.entity.edit_{f}"), CONSORTIUM_ENTITY_ASK.pack(cid, f))
            for f in ENTITY_FIELDS
        ],
        kinds[:3],
        kinds[3:],
        [
            (
                t("consortium.entity.affiliated_on", parent=clip(parent, 60))
                if parent
                else t("consortium.entity.affiliated_off"),
                CONSORTIUM_AFFILIATED.pack(cid),
            )
        ],
        _back(turn, cid),
    ]
    parts = (
        t("consortium.entity.title"),
        entity_line(t, mine.entity, parents),
        "",
        t("consortium.entity.help"),
    )
    text = Safe("\n".join(parts))
    await turn.reply(text, rows)


async def entity_ask(turn: Turn) -> None:
    """co:ef:<id>:<field>: the next text typed is that field of my entity."""
    cid, field = turn.int_arg(0), turn.str_arg(1)
    if field not in ENTITY_FIELDS:
        await turn.reply(turn.t("buttons.expired"))
        return
    await turn.services.consortia.card(turn.user_id, cid, now=turn.now())  # a member's own only
    aside = await open_prompt(turn, Prompt.CONSORTIUM, f"entity:{field}:{cid}")
    await turn.reply(with_aside(aside, turn.t(f"consortium.ask.entity_{field}")))


async def entity_kind(turn: Turn) -> None:
    """co:ek:<id>:<kind>: the type of my legal entity."""
    cid, value = turn.int_arg(0), turn.str_arg(1)
    if value not in {k.value for k in EntityType}:
        await turn.reply(turn.t("buttons.expired"))
        return
    card = await turn.services.consortia.set_entity(
        turn.user_id, cid, now=turn.now(), kind=EntityType(value)
    )
    turn.services.wake_outbox()
    await show_card(turn, card, edit=False, intro=turn.t("consortium.entity.saved"))


async def affiliated(turn: Turn) -> None:
    """co:ea:<id>: with which member's entity mine is affiliated (or none)."""
    t, cid = turn.t, turn.int_arg()
    card = await _as_member(turn, cid)
    mine = card.mine if card is not None else None
    if card is None or mine is None:
        return
    current = mine.entity.affiliated_with if mine.entity and mine.entity.affiliated else 0
    rows: list[list[Button]] = []
    for member in parents(card.consortium, turn.user_id):
        assert member.entity is not None
        label = t("consortium.entity.parent", entity=clip(member.entity.name, 60), name=member.name)
        mark = "✓ " if member.telegram_id == current else ""
        rows.append([(f"{mark}{label}", CONSORTIUM_AFFILIATE.pack(cid, member.telegram_id))])
    none = ("✓ " if not current else "") + t("consortium.entity.independent")
    rows.append([(none, CONSORTIUM_AFFILIATE.pack(cid, 0))])
    rows.append(_back(turn, cid))
    await turn.reply(t("consortium.entity.affiliation"), rows)


async def affiliate(turn: Turn) -> None:
    """co:ew:<id>:<member>: mine is affiliated with that member's entity (0: independent)."""
    card = await turn.services.consortia.set_entity(
        turn.user_id, turn.int_arg(0), now=turn.now(), affiliated_with=turn.int_arg(1)
    )
    turn.services.wake_outbox()
    await show_card(turn, card, edit=False, intro=turn.t("consortium.entity.saved"))


async def manage(turn: Turn) -> None:
    """co:m:<id>: the coordinator's tools (re-checked in core on every press)."""
    t, cid = turn.t, turn.int_arg()
    card = await turn.services.consortia.card(turn.user_id, cid, now=turn.now())
    if not card.coordinating:
        await turn.reply(t("buttons.not_yours"))
        return
    rows: list[list[Button]] = []
    for member in card.consortium.members:
        if member.telegram_id == turn.user_id or member.status is MemberStatus.DECLINED:
            continue
        name = clip(member.name, 30)
        row: list[Button] = [
            (
                t("consortium.button.remove", name=name),
                CONSORTIUM_REMOVE.pack(cid, member.telegram_id),
            )
        ]
        if member.status is MemberStatus.MEMBER:
            row.append(
                (
                    t("consortium.button.hand_over", name=name),
                    CONSORTIUM_HAND_OVER.pack(cid, member.telegram_id),
                )
            )
        rows.append(row)
    rows.append([(t("consortium.button.close"), CONSORTIUM_CLOSE.pack(cid))])
    rows.append(_back(turn, cid))
    await turn.reply(t("consortium.manage.title"), rows)


async def remove(turn: Turn) -> None:
    """co:r:<id>:<person>: take someone out (coordinator only)."""
    card = await turn.services.consortia.remove(
        turn.user_id, turn.int_arg(0), turn.int_arg(1), now=turn.now()
    )
    turn.services.wake_outbox()
    await show_card(turn, card, edit=False, intro=turn.t("consortium.removed"))


async def hand_over(turn: Turn) -> None:
    """co:h:<id>:<person>: pass coordination on (coordinator only)."""
    card = await turn.services.consortia.hand_over(
        turn.user_id, turn.int_arg(0), turn.int_arg(1), now=turn.now()
    )
    turn.services.wake_outbox()
    await show_card(turn, card, edit=False, intro=turn.t("consortium.handed_over"))


async def close_consortium(turn: Turn) -> None:
    """co:c:<id>: close it (coordinator only); it stays in everyone's list, read-only."""
    card = await turn.services.consortia.close(turn.user_id, turn.int_arg(), now=turn.now())
    turn.services.wake_outbox()
    await show_card(turn, card, edit=False, intro=turn.t("consortium.closed"))


async def leave(turn: Turn) -> None:
    """co:l:<id>: leave a consortium (the others are told)."""
    await turn.services.consortia.leave(turn.user_id, turn.int_arg(), now=turn.now())
    turn.services.wake_outbox()
    await turn.reply(
        turn.t("consortium.left"), [[(turn.t("consortium.button.list"), CONSORTIUM_LIST.pack())]]
    )


def handlers() -> list[Handler]:
    """The card's buttons."""
    return [
        button(CONSORTIUM_INVITE_MENU, invite_menu, errors=ERRORS),
        button(CONSORTIUM_INVITE, invite, errors=ERRORS),
        button(CONSORTIUM_HANDLE, ask_handle, errors=ERRORS),
        button(CONSORTIUM_GAP, gap, errors=ERRORS),
        button(CONSORTIUM_ACCEPT, accept, errors=ERRORS),
        button(CONSORTIUM_DECLINE, decline, errors=ERRORS),
        button(CONSORTIUM_ENTITY, entity_menu, errors=ERRORS),
        button(CONSORTIUM_ENTITY_ASK, entity_ask, errors=ERRORS),
        button(CONSORTIUM_ENTITY_KIND, entity_kind, errors=ERRORS),
        button(CONSORTIUM_AFFILIATED, affiliated, errors=ERRORS),
        button(CONSORTIUM_AFFILIATE, affiliate, errors=ERRORS),
        button(CONSORTIUM_MANAGE, manage, errors=ERRORS),
        button(CONSORTIUM_REMOVE, remove, errors=ERRORS),
        button(CONSORTIUM_HAND_OVER, hand_over, errors=ERRORS),
        button(CONSORTIUM_CLOSE, close_consortium, errors=ERRORS),
        button(CONSORTIUM_LEAVE, leave, errors=ERRORS),
    ]

"""The living status card: one message per member that every change edits in place (through
the outbox and the bot's one send scheduler), a fresh card once when it can no longer be
edited, and an edit that would change nothing never sent."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest

from core.consortia.cards import Card
from core.consortia.door import Consortia
from core.consortia.model import MemberStatus
from core.outbox.model import OutgoingMessage
from handlers.common import Button, keyboard
from handlers.consortia.render import render_card
from handlers.i18n import Translator
from handlers.outbox.rendering import render
from handlers.routes import (
    CONSORTIUM_ACCEPT,
    CONSORTIUM_DECLINE,
    CONSORTIUM_ENTITY,
    CONSORTIUM_EXPORT,
    CONSORTIUM_GAP,
    CONSORTIUM_INVITE_MENU,
    CONSORTIUM_LEAVE,
    CONSORTIUM_LIST,
    CONSORTIUM_MANAGE,
)

#: Telegram's words when a message cannot be edited any more (deleted, or too old).
GONE = ("message to edit not found", "message can't be edited")


def card_buttons(t: Translator, card: Card) -> list[list[Button]]:
    """What the viewer may do from the card: members act, an invitee answers."""
    cid, mine = card.id, card.mine
    if mine is not None and mine.status is MemberStatus.INVITED:
        return [
            [
                (t("consortium.button.accept"), CONSORTIUM_ACCEPT.pack(cid)),
                (t("consortium.button.decline"), CONSORTIUM_DECLINE.pack(cid)),
            ]
        ]
    rows: list[list[Button]] = []
    if not card.consortium.closed:
        rows.append(
            [
                (t("consortium.button.invite"), CONSORTIUM_INVITE_MENU.pack(cid)),
                (t("consortium.button.gap"), CONSORTIUM_GAP.pack(cid)),
            ]
        )
        rows.append([(t("consortium.button.entity"), CONSORTIUM_ENTITY.pack(cid))])
    last: list[Button] = [(t("consortium.button.export"), CONSORTIUM_EXPORT.pack(cid))]
    if not card.consortium.closed:
        if card.coordinating:
            last.append((t("consortium.button.manage"), CONSORTIUM_MANAGE.pack(cid)))
        else:
            last.append((t("consortium.button.leave"), CONSORTIUM_LEAVE.pack(cid)))
    rows.append(last)
    rows.append([(t("consortium.button.list"), CONSORTIUM_LIST.pack())])
    return rows


def card_text(t: Translator, card: Card, intro: str = "") -> str:
    """The card's text, with a line on top (what just happened) when there is one."""
    text = render_card(t, card)
    return f"{intro}\n\n{text}" if intro else text


def fingerprint(text: str, markup: InlineKeyboardMarkup | None) -> str:
    """What a message shows, in 32 characters: equal fingerprints need no edit."""
    shown = json.dumps([text, markup.to_dict() if markup else None], sort_keys=True)
    return hashlib.sha256(shown.encode("utf-8")).hexdigest()[:32]


async def deliver_card(
    consortia: Consortia,
    bot: Bot,
    chat_id: int,
    message: OutgoingMessage,
    t: Translator,
    now: datetime,
) -> None:
    """An outbox row for a living card: edit the message that shows it (when it changed), the
    notice below it if there is one; or, when it cannot be edited or none is known, one fresh
    card with the notice on top. Someone no longer in the consortium gets the notice alone."""
    assert message.live is not None
    cid = int(message.live["id"])
    notice = render(message, t) if message.key else None
    intro = notice.text if notice is not None else ""
    card, shown = await consortia.live(chat_id, cid, now=now)
    if card is None:
        if notice is not None:
            await bot.send_message(chat_id, intro, parse_mode=ParseMode.HTML)
        return
    markup = keyboard(card_buttons(t, card))
    text = card_text(t, card)
    if shown is not None and await _edit(bot, chat_id, shown, text, markup):
        if shown[1] != fingerprint(text, markup):
            await consortia.shown(chat_id, cid, shown[0], fingerprint(text, markup), now=now)
        if notice is not None:
            await bot.send_message(
                chat_id, intro, parse_mode=ParseMode.HTML, reply_markup=notice.markup
            )
        return
    fresh = card_text(t, card, intro)
    sent = await bot.send_message(chat_id, fresh, parse_mode=ParseMode.HTML, reply_markup=markup)
    await consortia.shown(chat_id, cid, sent.message_id, fingerprint(fresh, markup), now=now)


async def _edit(
    bot: Bot,
    chat_id: int,
    shown: tuple[int, str],
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> bool:
    """Edit the card's message in place (nothing sent when it would not change); False when
    Telegram can no longer edit it."""
    message_id, was = shown
    if was == fingerprint(text, markup):
        return True
    try:
        await bot.edit_message_text(
            text, chat_id, message_id, parse_mode=ParseMode.HTML, reply_markup=markup
        )
    except BadRequest as exc:
        reason = str(exc).lower()
        if "not modified" in reason:
            return True
        if any(words in reason for words in GONE):
            return False
        raise
    return True

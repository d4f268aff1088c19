"""The privacy notice with Accept / Decline: shown at /start and whenever consent is missing."""

from __future__ import annotations

from telegram import Update

from core.people.person import NOTICE_VERSION
from handlers.common import Button, reply
from handlers.context import BotContext
from handlers.i18n import Safe, Translator
from handlers.routes import CONSENT_ACCEPT, CONSENT_DECLINE


def notice_buttons(t: Translator) -> list[list[Button]]:
    """Accept and Decline; the version travels in the callback data."""
    return [
        [
            (t("privacy.accept"), CONSENT_ACCEPT.pack(NOTICE_VERSION)),
            (t("privacy.decline"), CONSENT_DECLINE.pack(NOTICE_VERSION)),
        ]
    ]


async def send_notice(
    update: Update, ctx: BotContext, t: Translator, *, intro: str = "", edit: bool = False
) -> None:
    """The notice with its two buttons, after `intro` in the same message (one send, not two)."""
    text = t("privacy.notice", version=NOTICE_VERSION, event=ctx.services.event_name)
    if intro:
        text = Safe(f"{intro}\n\n{text}")
    await reply(update, text, notice_buttons(t), edit=edit)


async def consent_first(update: Update, ctx: BotContext, t: Translator) -> None:
    """Someone without current consent tried to use a feature: explain and show the notice."""
    await send_notice(update, ctx, t, intro=t("consent.required"))

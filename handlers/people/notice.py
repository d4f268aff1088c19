"""The privacy notice with Accept / Decline: shown at /start and whenever consent is missing."""

from __future__ import annotations

from telegram import Update

from core.people.person import NOTICE_VERSION
from handlers.common import reply
from handlers.context import BotContext
from handlers.i18n import Translator
from handlers.routes import CONSENT_ACCEPT, CONSENT_DECLINE


async def send_notice(update: Update, ctx: BotContext, t: Translator) -> None:
    """The notice with its two buttons; the version travels in the callback data."""
    text = t("privacy.notice", version=NOTICE_VERSION, event=ctx.services.event_name)
    await reply(
        update,
        text,
        [
            [
                (t("privacy.accept"), CONSENT_ACCEPT.pack(NOTICE_VERSION)),
                (t("privacy.decline"), CONSENT_DECLINE.pack(NOTICE_VERSION)),
            ]
        ],
    )


async def consent_first(update: Update, ctx: BotContext, t: Translator) -> None:
    """Someone without current consent tried to use a feature: explain, then show the notice."""
    await reply(update, t("consent.required"))
    await send_notice(update, ctx, t)

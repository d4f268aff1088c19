"""People who use the bot, and the consent that makes storing anything about them lawful."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Bump when the privacy notice text changes; people who accepted an older one are asked again.
NOTICE_VERSION = 1

LANGUAGES = ("en", "ko")


def handle_of(username: str | None) -> str | None:
    """A Telegram @username as stored: lower case, without the @ (None when there is none)."""
    return username.lstrip("@").lower() or None if username else None


def language_from_telegram(language_code: str | None, default: str = "en") -> str:
    """Map Telegram's IETF language tag to one of the catalogues we ship."""
    if language_code and language_code.lower().split("-")[0] == "ko":
        return "ko"
    if language_code and language_code.lower().split("-")[0] == "en":
        return "en"
    return default if default in LANGUAGES else "en"


@dataclass(slots=True)
class Person:
    """Someone who accepted the privacy notice (before that we keep nothing but an invite)."""

    telegram_id: int
    language: str
    consent_version: int
    consented_at: datetime
    awaiting_field: str | None = None
    awaiting_mode: str | None = None
    unreachable_at: datetime | None = None
    #: IANA zone of a participant who follows the event from elsewhere (None = event zone).
    timezone: str | None = None
    #: Their Telegram @username as last seen at /start or /consortium (lower case, no @), so
    #: others can invite them by it.
    username: str | None = None

    def has_current_consent(self, notice_version: int = NOTICE_VERSION) -> bool:
        """True when the person agreed to the notice now in force."""
        return self.consent_version >= notice_version


@dataclass(frozen=True, slots=True)
class Consent:
    """One recorded decision on one version of the privacy notice (kept as evidence)."""

    telegram_id: int
    notice_version: int
    accepted: bool
    at: datetime

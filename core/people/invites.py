"""Single-use invite codes for invite-only events, sent as Telegram deep links."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

#: Telegram deep-link payloads allow A-Z, a-z, 0-9, _ and - up to 64 characters.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


def new_code() -> str:
    """A 12-character URL-safe code with 72 bits of entropy: unguessable, short enough to type."""
    return secrets.token_urlsafe(9)


def looks_like_code(text: str) -> bool:
    """Cheap syntactic check before touching the database."""
    return bool(CODE_PATTERN.match(text))


def deep_link(bot_username: str, code: str) -> str:
    """The link an attendee taps to open the bot with the code as /start payload."""
    return f"https://t.me/{bot_username}?start={code}"


@dataclass(slots=True)
class Invite:
    """A code that admits exactly one Telegram account: the first one that uses it. When that
    person erases their data, the code is retired: used (`used_at`), by nobody any more."""

    code: str
    created_at: datetime
    used_by: int | None = None
    used_at: datetime | None = None

    @property
    def retired(self) -> bool:
        """Used once by someone who has since erased their data: it admits nobody again."""
        return self.used_by is None and self.used_at is not None

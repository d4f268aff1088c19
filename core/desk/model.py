"""The desk's login links and sessions, and the reasons a login is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.reference.errors import DomainError

#: How long a login link works.
LINK_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class LoginLink:
    """A one-time link bound to one organiser; only the hash of its secret is stored."""

    id_hash: str
    telegram_id: int
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeskSession:
    """An open desk session (the cookie's hash), with its CSRF token."""

    id_hash: str
    telegram_id: int
    csrf: str
    created_at: datetime
    seen_at: datetime


@dataclass(frozen=True, slots=True)
class Opened:
    """What a used login link gives the browser: the session's cookie value and CSRF token."""

    cookie: str
    csrf: str
    telegram_id: int


class LoginRefused(DomainError):
    """A login link that does not open the desk; `reason` is unknown, expired, used or
    not_organiser (the page says the same thing for each, the log tells them apart)."""

    code = "login_refused"


class DeskNotConfigured(DomainError):
    """The desk has no signing secret (web.secret), so no link can be made."""

    code = "desk_not_configured"

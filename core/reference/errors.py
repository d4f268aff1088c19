"""Domain errors: each carries a stable code so handlers can explain it in the user's language."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every rule violation the domain reports to a caller."""

    code = "error"

    def __init__(self, **params: Any) -> None:
        super().__init__(self.code, params)
        self.params: dict[str, Any] = params


class NotConsented(DomainError):
    """The person has not accepted the current privacy notice, so nothing may be processed."""

    code = "not_consented"


class AccessDenied(DomainError):
    """Invite-only event and no valid invite is bound to this account."""

    code = "access_denied"


class InviteInvalid(DomainError):
    """The invite code does not exist."""

    code = "invite_invalid"


class InviteUsed(DomainError):
    """The invite code is already bound to another Telegram account."""

    code = "invite_used"


class NotAllowed(DomainError):
    """The caller may not act on this object (e.g. a forged button for someone else's data)."""

    code = "not_allowed"


class NotFound(DomainError):
    """The object named by the caller does not exist."""

    code = "not_found"


class InvalidAnswer(DomainError):
    """A profile answer broke a field rule; `reason` says which one."""

    code = "invalid_answer"

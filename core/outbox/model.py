"""The durable outbox: every message that is not a direct reply, and the rules for delivering it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    """Where a row is in its life; only PENDING and (expired) SENDING rows are ever claimed."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNREACHABLE = "unreachable"
    DROPPED = "dropped"


def dt(moment: datetime) -> dict[str, str]:
    """A time parameter the outbox renderer formats in the reader's language and zone."""
    return {"dt": moment.isoformat()}


@dataclass(frozen=True, slots=True)
class Action:
    """What a button in a queued message does, in the product's words ("accept meeting request
    42"); core never writes callback data, the chat layer packs an action into it."""

    #: A name from the chat layer's route table, e.g. "meetings.request.accept".
    name: str
    args: tuple[str | int, ...] = ()

    def button(self, key: str, **params: Any) -> dict[str, Any]:
        """A stored button: label from the catalogue key, press does this action."""
        data: dict[str, Any] = {"key": key, "action": self.name, "args": list(self.args)}
        data.update({f"p_{name}": value for name, value in params.items()})
        return data

    def button_text(self, text: str) -> dict[str, Any]:
        """A stored button labelled with literal text (a person's name as written)."""
        return {"text": text, "action": self.name, "args": list(self.args)}


@dataclass(slots=True)
class OutgoingMessage:
    """What to send. Text is either literal HTML (`text`) or a catalogue key rendered at send time
    in the recipient's language (`key` + `params`, params escaped by the renderer)."""

    text: str | None = None
    key: str | None = None
    params: dict[str, Any] = field(default_factory=dict)
    #: Rows of buttons: each is {"key": catalogue key, "action": name, "args": [...]}
    #: (see Action.button), or {"key"|"text": ..., "url": ...}. Rows queued before actions
    #: existed carry {"data": callback data} and still render.
    buttons: list[list[dict[str, Any]]] = field(default_factory=list)
    #: Optional attachment: {"kind": "document"|"photo", "filename", "mime", "b64"}.
    attachment: dict[str, str] | None = None
    #: A broadcast row that may use Telegram's paid mode when the organisers enabled it.
    paid: bool = False
    #: A living message kept up to date in place, e.g. {"kind": "consortium.card", "id": 42}:
    #: the chat layer renders it as it is when sent, edits the message that shows it, and the
    #: text above (`key`/`text`), if any, is a notice for the reader.
    live: dict[str, Any] | None = None

    @property
    def is_broadcast(self) -> bool:
        """Broadcasts (the only rows marked paid-capable) wait behind every personal message."""
        return self.paid

    def to_json(self) -> dict[str, Any]:
        """Plain JSON for the payload column."""
        data: dict[str, Any] = {}
        if self.text is not None:
            data["text"] = self.text
        if self.key is not None:
            data["key"] = self.key
            data["params"] = self.params
        if self.buttons:
            data["buttons"] = self.buttons
        if self.attachment:
            data["attachment"] = self.attachment
        if self.paid:
            data["paid"] = True
        if self.live:
            data["live"] = self.live
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OutgoingMessage:
        """Inverse of to_json."""
        return cls(
            text=data.get("text"),
            key=data.get("key"),
            params=dict(data.get("params") or {}),
            buttons=list(data.get("buttons") or []),
            attachment=data.get("attachment"),
            paid=bool(data.get("paid", False)),
            live=data.get("live"),
        )


@dataclass(slots=True)
class OutboxRow:
    """One message waiting for (or past) delivery."""

    id: int | None
    recipient_id: int
    message: OutgoingMessage
    due_at: datetime
    dedupe_key: str
    status: Status = Status.PENDING
    attempts: int = 0
    last_error: str | None = None
    claimed_until: datetime | None = None
    #: Which claim holds the row: its result is recorded only while this claim still holds it.
    claim_token: str | None = None
    sent_at: datetime | None = None
    #: After this moment the message is pointless (e.g. a reminder after its meeting began).
    expires_at: datetime | None = None
    created_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How hard we try: attempts before giving up, backoff, and how long a claim is held."""

    max_attempts: int = 5
    base_backoff: timedelta = timedelta(seconds=5)
    max_backoff: timedelta = timedelta(minutes=10)
    lease: timedelta = timedelta(seconds=60)

    def backoff(self, attempts: int) -> timedelta:
        """Exponential backoff after the given number of failed attempts, capped."""
        delay: timedelta = self.base_backoff * (2 ** max(attempts - 1, 0))
        return min(delay, self.max_backoff)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one send attempt, as the dispatcher reports it to the domain."""

    #: "sent" | "retry_after" | "forbidden" | "rejected" (permanent) | "error" | "released"
    #: (never tried: the dispatcher is stopping and gives its lease back).
    kind: str
    retry_after: float = 0.0
    error: str | None = None


def apply_outcome(row: OutboxRow, outcome: Outcome, now: datetime, policy: DeliveryPolicy) -> None:
    """Move a claimed row to its next state; the caller persists it in the same transaction."""
    row.claimed_until = None
    if outcome.kind == "sent":
        row.status = Status.SENT
        row.sent_at = now
        row.last_error = None
    elif outcome.kind == "released":
        # Claimed but never tried: as if it had not been claimed at all.
        row.attempts = max(row.attempts - 1, 0)
        row.status = Status.PENDING
    elif outcome.kind == "retry_after":
        # Flood control is not the message's fault: it does not use up an attempt.
        row.attempts = max(row.attempts - 1, 0)
        row.status = Status.PENDING
        row.due_at = now + timedelta(seconds=outcome.retry_after)
        row.last_error = f"RetryAfter {outcome.retry_after:g}s"
    elif outcome.kind == "forbidden":
        row.status = Status.UNREACHABLE
        row.last_error = outcome.error or "Forbidden"
    elif outcome.kind == "rejected":
        # Telegram refused the content itself: sending it again cannot help.
        row.status = Status.FAILED
        row.last_error = (outcome.error or "rejected")[:500]
    else:
        row.last_error = (outcome.error or "error")[:500]
        if row.attempts >= policy.max_attempts:
            row.status = Status.FAILED
        else:
            row.status = Status.PENDING
            row.due_at = now + policy.backoff(row.attempts)

"""Session reminders: one outbox row before a session the person follows, dropped when it moves."""

from __future__ import annotations

from datetime import datetime

from core.outbox.delivery import enqueue
from core.outbox.model import OutgoingMessage, dt
from core.outbox.ports import HasOutbox
from core.outbox.reminders import ReminderSettings
from core.programme.sessions import Session


def session_prefix(key: str, person: int | None = None) -> str:
    """Dedupe-key prefix of a session's reminders (one person's, or everyone's)."""
    return f"remind:s:{key}:" + ("" if person is None else f"{person}:")


async def remind_session(
    uow: HasOutbox, session: Session, person: int, settings: ReminderSettings, now: datetime
) -> None:
    """A reminder before a session the person follows."""
    if session.starts_at <= now:
        return
    await enqueue(
        uow,
        recipient_id=person,
        message=OutgoingMessage(
            key="reminders.session",
            params={"title": session.title, "when": dt(session.starts_at), "room": session.room},
        ),
        due_at=max(session.starts_at - settings.session_lead, now),
        # The start is in the key, so a moved session gets a fresh reminder, never a duplicate.
        dedupe_key=(
            f"{session_prefix(session.key, person)}"
            f"{session.starts_at:%Y%m%dT%H%M}:{int(now.timestamp() * 1000)}"
        ),
        expires_at=session.starts_at,
        now=now,
    )


async def forget_session(uow: HasOutbox, key: str, person: int | None = None) -> int:
    """Drop pending session reminders (one person's or everyone's)."""
    return await uow.outbox.drop_pending(session_prefix(key, person), "session changed")

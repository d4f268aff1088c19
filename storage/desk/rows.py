"""Tables of the organisers' desk: one-time login links and the web sessions they open."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base


class DeskLinkRow(Base):
    """A login link sent on /dashboard; only the hash of its secret part is stored."""

    __tablename__ = "desk_links"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime]
    #: Set when the link opened a session: a link works once.
    used_at: Mapped[datetime | None]


class DeskSessionRow(Base):
    """A desk session (cookie value hashed), its CSRF token and when it was last used."""

    __tablename__ = "desk_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    seen_at: Mapped[datetime]

"""Passwordless login: a signed one-time link from /dashboard opens a session; the organiser's
role is checked again on every request, from the database."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from core.desk.model import (
    LINK_LIFETIME,
    DeskNotConfigured,
    DeskSession,
    LoginLink,
    LoginRefused,
    Opened,
)
from core.desk.ports import UnitOfWork, UowFactory
from core.people.access import AccessPolicy
from core.reference.errors import NotAllowed


def digest(value: str) -> str:
    """What is stored for a secret value (links and cookies): its SHA-256."""
    return hashlib.sha256(value.encode()).hexdigest()


class Login:
    """Links, sessions and the per-request check of who is on the desk."""

    def __init__(
        self,
        uow: UowFactory,
        policy: AccessPolicy,
        secret: str | None,
        *,
        idle: timedelta = timedelta(minutes=30),
    ) -> None:
        self.uow = uow
        self.policy = policy
        self.secret = secret.encode() if secret else None
        self.idle = idle

    def sign(self, purpose: str, *parts: object) -> str:
        """An HMAC of the parts (for links and page references), URL-safe and short."""
        if self.secret is None:
            raise DeskNotConfigured()
        message = ":".join([purpose, *(str(p) for p in parts)]).encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:32]

    async def is_organiser(self, uow: UnitOfWork, telegram_id: int) -> bool:
        """Config organisers, and stored ones as the database says now (not as last reloaded)."""
        return telegram_id in self.policy.organiser_ids or telegram_id in (
            await uow.organisers.all()
        )

    async def issue(self, organiser: int, *, now: datetime) -> str:
        """A fresh link token for an organiser: `nonce.signature`, bound to their id and expiry."""
        nonce = secrets.token_urlsafe(24)
        expires = now + LINK_LIFETIME
        signature = self.sign("login", nonce, organiser, int(expires.timestamp()))
        async with self.uow() as uow:
            if not await self.is_organiser(uow, organiser):
                raise NotAllowed(what="organiser")
            await uow.desk.add_link(LoginLink(digest(nonce), organiser, expires))
            await uow.commit()
        return f"{nonce}.{signature}"

    async def check(self, token: str) -> LoginLink:
        """The link behind a token, without using it (the confirmation page); LoginRefused."""
        nonce, _, signature = token.partition(".")
        async with self.uow() as uow:
            link = await uow.desk.get_link(digest(nonce))
        if link is None or self.secret is None:
            raise LoginRefused(reason="unknown")
        wanted = self.sign("login", nonce, link.telegram_id, int(link.expires_at.timestamp()))
        if not hmac.compare_digest(wanted, signature):
            raise LoginRefused(reason="unknown")
        return link

    async def open(self, token: str, *, now: datetime) -> Opened:
        """Use a link once: a session for its organiser, or LoginRefused with the reason."""
        link = await self.check(token)
        if link.used_at is not None:
            raise LoginRefused(reason="used")
        if link.expires_at <= now:
            raise LoginRefused(reason="expired")
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        async with self.uow() as uow:
            if not await self.is_organiser(uow, link.telegram_id):
                raise LoginRefused(reason="not_organiser")
            if not await uow.desk.use_link(link.id_hash, now):
                raise LoginRefused(reason="used")
            await uow.desk.add_session(
                DeskSession(digest(cookie), link.telegram_id, csrf, now, now)
            )
            await uow.desk.drop_old(now - timedelta(days=1), now - self.idle)
            await uow.commit()
        return Opened(cookie, csrf, link.telegram_id)

    async def session(self, cookie: str, *, now: datetime) -> DeskSession | None:
        """The live session behind a cookie, its idle time renewed; None when it is unknown,
        idle too long, or its organiser is one no longer (then it is closed)."""
        if not cookie:
            return None
        async with self.uow() as uow:
            found = await uow.desk.get_session(digest(cookie))
            if found is None:
                return None
            if found.seen_at + self.idle <= now or not await self.is_organiser(
                uow, found.telegram_id
            ):
                await uow.desk.drop_session(found.id_hash)
                await uow.commit()
                return None
            await uow.desk.touch_session(found.id_hash, now)
            await uow.commit()
            return found

    async def close(self, cookie: str) -> None:
        """Log out: the session is gone."""
        async with self.uow() as uow:
            await uow.desk.drop_session(digest(cookie))
            await uow.commit()

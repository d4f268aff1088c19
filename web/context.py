"""What every desk page shares: the services, the config, templates, and who is asking."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from core.desk.door import Desk
from core.desk.model import DeskSession
from core.reference.errors import DomainError, NotAllowed, NotFound
from handlers.services import Services
from web.render import Texts, environment
from web.security import RateLimit, same_token

log = logging.getLogger("web.desk")

COOKIE = "desk_session"
LANG_COOKIE = "desk_lang"


@dataclass(slots=True)
class DeskConfig:
    """The [web] settings the pages need (built by the composition root)."""

    public_url: str = "http://127.0.0.1:8080"
    idle: timedelta = timedelta(minutes=30)
    login_attempts_per_minute: int = 10

    @property
    def secure(self) -> bool:
        """Cookies only over https when the desk is served over https."""
        return urlsplit(self.public_url).scheme == "https"

    @property
    def cookie_name(self) -> str:
        """`__Host-` pins the cookie to this host and path when the desk runs on https."""
        return f"__Host-{COOKIE}" if self.secure else COOKIE


@dataclass(slots=True)
class Shared:
    """Built once per app."""

    services: Services
    desk: Desk
    config: DeskConfig
    templates: Environment = field(default_factory=environment)
    login_limit: RateLimit = field(default_factory=lambda: RateLimit(10))


@dataclass(slots=True)
class Page:
    """One request of a logged-in organiser."""

    request: Request
    shared: Shared
    session: DeskSession
    t: Texts

    @property
    def organiser(self) -> int:
        """Who is on the desk (re-checked on this request)."""
        return self.session.telegram_id

    @property
    def services(self) -> Services:
        """The feature doors."""
        return self.shared.services

    def render(self, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        """A page with the layout's shared values."""
        return render(
            self.shared, self.t, template, status, csrf=self.session.csrf, page=self, **values
        )

    async def form(self) -> dict[str, str]:
        """A POSTed form whose CSRF token matches the session's; else PermissionError."""
        data = await self.request.form()
        if not same_token(self.session.csrf, str(data.get("csrf", ""))):
            raise PermissionError("csrf")
        return {k: str(v) for k, v in data.items() if isinstance(v, str)}


def shared_of(request: Request) -> Shared:
    """The app's shared state."""
    shared: Shared = request.app.state.shared
    return shared


def texts_for(request: Request, shared: Shared, language: str | None = None) -> Texts:
    """The language cookie, else the reader's, else the bot's default."""
    chosen = request.cookies.get(LANG_COOKIE) or language or shared.services.default_language
    return Texts(chosen if chosen in ("en", "ko") else "en", shared.services.event_timezone)


def render(
    shared: Shared, t: Texts, template: str, status: int = 200, **values: Any
) -> HTMLResponse:
    """Render a template to an HTML response."""
    html = shared.templates.get_template(template).render(
        t=t, event=shared.services.event_name, **values
    )
    return HTMLResponse(html, status_code=status)


def refusal(request: Request, reason: str, status: int = 403) -> HTMLResponse:
    """The plain refusal page (no session, expired or used link, not an organiser)."""
    shared = shared_of(request)
    log.info("desk refused: %s", reason)
    return render(shared, texts_for(request, shared), "refused.html", status, reason=reason)


PageHandler = Callable[[Page], Awaitable[Response]]


def page(handler: PageHandler) -> Callable[[Request], Awaitable[Response]]:
    """Run a handler for a live session only; the organiser is re-checked on every request."""

    async def endpoint(request: Request) -> Response:
        shared = shared_of(request)
        now = shared.services.clock.now()
        cookie = request.cookies.get(shared.config.cookie_name, "")
        session = await shared.desk.login.session(cookie, now=now) if cookie else None
        if session is None:
            return refusal(request, "no_session", 401 if not cookie else 403)
        person = await shared.services.people.reader(session.telegram_id)
        current = Page(
            request,
            shared,
            session,
            texts_for(request, shared, person.language if person else None),
        )
        try:
            return await handler(current)
        except PermissionError:
            return refusal(request, "csrf")
        except NotAllowed:
            return refusal(request, "not_organiser")
        except NotFound:
            return current.render("missing.html", 404)
        except DomainError as exc:
            log.info("desk action refused: %s %s", exc.code, exc.params.get("reason", ""))
            return current.render("problem.html", 409, reason=str(exc.params.get("reason", "")))

    return endpoint

"""The organisers' desk as an ASGI app (Starlette): routes, static files, security headers."""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from core.desk.door import Desk
from handlers.services import Services
from web import actions, pages
from web.context import DeskConfig, Shared, page
from web.security import RateLimit, SecurityHeaders

STATIC = Path(__file__).parent / "static"


def create_app(services: Services, desk: Desk, config: DeskConfig | None = None) -> Starlette:
    """The desk over the given services (the bot's own, or ones `forumbot web` built)."""
    config = config or DeskConfig()
    shared = Shared(services, desk, config, login_limit=RateLimit(config.login_attempts_per_minute))
    routes = [
        Route("/", page(pages.now_page)),
        Route("/now/figures", page(pages.figures)),
        Route("/charts/{name}", page(pages.chart)),
        Route("/grid", page(pages.grid)),
        Route("/grid/{round}/table/{table:int}", page(pages.table_sheet)),
        Route("/grid/{round}/tables", page(pages.all_sheets)),
        Route("/people/{ref}", page(pages.person)),
        Route("/people/{ref}/day", page(pages.person_day)),
        Route("/attendees", page(pages.attendees), methods=["GET", "POST"]),
        Route("/meetings/{meeting_id:int}", page(pages.meeting)),
        Route("/meetings/{meeting_id:int}/no-show", page(actions.no_show), methods=["POST"]),
        Route("/meetings/{meeting_id:int}/cancel", page(actions.cancel), methods=["POST"]),
        Route("/requests", page(pages.requests)),
        Route("/tables/{kind}", page(pages.table_page)),
        Route("/survey", page(pages.survey)),
        Route("/survey/charts/{name}", page(pages.survey_chart)),
        Route("/exports", page(pages.exports)),
        Route("/exports/{kind}.csv", page(actions.export)),
        Route("/login/{token}", actions.login_page),
        Route("/login", actions.login, methods=["POST"]),
        Route("/logout", page(actions.logout), methods=["POST"]),
        Route("/language", actions.language, methods=["POST"]),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(SecurityHeaders)])
    app.state.shared = shared
    return app

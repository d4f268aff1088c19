"""The desk's state-changing requests: logging in and out, the language, the meeting actions,
and the CSV downloads (through the one safe CSV writer)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from core.desk.model import LoginRefused
from core.feedback.exports import KINDS
from core.reference.spreadsheet import to_csv
from web.context import LANG_COOKIE, Page, log, refusal, render, shared_of, texts_for
from web.security import same_token


def client_key(request: Request) -> str:
    """The rate limit's key: the client's address (never logged)."""
    return request.client.host if request.client else "?"


async def login_page(request: Request) -> Response:
    """GET of a login link: a button to continue, so a link preview cannot use the link up."""
    shared = shared_of(request)
    if not shared.login_limit.allow(client_key(request)):
        return refusal(request, "too_many", 429)
    token = request.path_params["token"]
    try:
        link = await shared.desk.login.check(token)
    except LoginRefused as exc:
        return refusal(request, str(exc.params.get("reason", "unknown")))
    now = shared.services.clock.now()
    if link.used_at is not None:
        return refusal(request, "used")
    if link.expires_at <= now:
        return refusal(request, "expired")
    return render(shared, texts_for(request, shared), "login.html", token=token)


async def login(request: Request) -> Response:
    """POST of the login button: the link is used once and opens a session."""
    shared = shared_of(request)
    if not shared.login_limit.allow(client_key(request)):
        return refusal(request, "too_many", 429)
    form = await request.form()
    token = str(form.get("token", ""))
    try:
        opened = await shared.desk.login.open(token, now=shared.services.clock.now())
    except LoginRefused as exc:
        return refusal(request, str(exc.params.get("reason", "unknown")))
    log.info("desk session opened")
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        shared.config.cookie_name,
        opened.cookie,
        max_age=int(shared.config.idle.total_seconds()) + 3600,
        path="/",
        httponly=True,
        samesite="strict",
        secure=shared.config.secure,
    )
    return response


async def logout(page: Page) -> Response:
    """End the session (POST with the CSRF token)."""
    await page.form()
    await page.shared.desk.login.close(page.request.cookies.get(page.shared.config.cookie_name, ""))
    response = render(page.shared, page.t, "refused.html", 200, reason="logged_out")
    response.delete_cookie(page.shared.config.cookie_name, path="/")
    return response


async def language(request: Request) -> Response:
    """Switch the desk's language (a cookie; nothing stored)."""
    shared = shared_of(request)
    form = await request.form()
    chosen = str(form.get("lang", "en"))
    cookie = request.cookies.get(shared.config.cookie_name, "")
    session = await shared.desk.login.session(cookie, now=shared.services.clock.now())
    if session is None or not same_token(session.csrf, str(form.get("csrf", ""))):
        return refusal(request, "csrf")
    back = str(form.get("back", "/"))
    local = back.startswith("/") and "//" not in back and "\\" not in back
    response = RedirectResponse(back if local else "/", 303)
    response.set_cookie(
        LANG_COOKIE,
        chosen if chosen in ("en", "ko") else "en",
        path="/",
        samesite="strict",
        httponly=True,
        secure=shared.config.secure,
    )
    return response


async def no_show(page: Page) -> Response:
    """Mark a meeting as not held; both people are told."""
    return await _on_meeting(page, page.shared.desk.mark_no_show, "no_show")


async def cancel(page: Page) -> Response:
    """Cancel a meeting; both people are told with the cancelled .ics."""
    return await _on_meeting(page, page.shared.desk.cancel, "cancelled")


async def _on_meeting(page: Page, act: Callable[..., Awaitable[object]], done: str) -> Response:
    """A meeting action from its page (CSRF checked by the form): act through the desk's use
    case, let the outbox tell both people now, and go back to the meeting's page."""
    await page.form()
    meeting_id = int(page.request.path_params["meeting_id"])
    await act(page.organiser, meeting_id, now=page.services.clock.now())
    page.services.wake_outbox()
    return RedirectResponse(f"/meetings/{meeting_id}?done={done}", status_code=303)


async def export(page: Page) -> Response:
    """One CSV, the same table and writer as `forumbot export KIND`."""
    kind = page.request.path_params["kind"]
    if kind not in KINDS:
        return page.render("missing.html", 404)
    header, rows = await page.services.feedback.export(page.organiser, kind)
    return Response(
        to_csv(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{kind}.csv"'},
    )

"""/agenda: now and next, today, by day, by track; subscribe, sign up, waitlist; /waitlist."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from telegram import InputFile

from core.programme.attendance import Attendance, SessionView, now_and_next
from core.reference.errors import NotFound
from core.reference.spreadsheet import to_csv
from handlers.common import Button, clip
from handlers.i18n import Safe, Translator
from handlers.routes import (
    AGENDA_DAY,
    AGENDA_NOW,
    AGENDA_TRACKS,
    SESSION_FOLLOW,
    SESSION_LEAVE,
    Route,
)
from handlers.turns import ORGANISER_ERRORS, ErrorKeys, Handler, Turn, TurnHandler, button, command

PAGE = 6
VIEW_KEY = "agenda_view"
VIEWS: dict[str, Route] = {"n": AGENDA_NOW, "d": AGENDA_DAY, "k": AGENDA_TRACKS}
#: A session gone from the programme.
SESSION_ERRORS: ErrorKeys = {NotFound: "meetings.error.gone"}


def _local(turn: Turn, moment: datetime) -> datetime:
    return moment.astimezone(turn.services.event_timezone)


def _line(turn: Turn, view: SessionView) -> str:
    t = turn.t
    s = view.session
    start, end = _local(turn, s.starts_at), _local(turn, s.ends_at)
    parts = [
        t(
            "agenda.item",
            start=f"{start:%H:%M}",
            end=f"{end:%H:%M}",
            title=clip(s.title, 120),
            room=clip(s.room or "—", 60),
        )
    ]
    if s.track:
        parts.append(t("agenda.track", track=clip(s.track, 60)))
    if s.speakers:
        parts.append(t("agenda.speakers", speakers=clip(", ".join(s.speakers), 150)))
    if view.mine is Attendance.SUBSCRIBED:
        parts.append(t("agenda.status.subscribed"))
    elif view.mine is Attendance.REGISTERED:
        parts.append(t("agenda.status.registered"))
    elif view.mine is Attendance.WAITLISTED:
        parts.append(t("agenda.status.waitlisted", position=view.waitlist_position or 0))
    if view.places_left is not None and view.mine is None:
        parts.append(t.plural("agenda.places_left", view.places_left))
    return "\n".join(parts)


def _button(t: Translator, view: SessionView) -> Button:
    key, title = view.session.key, clip(view.session.title, 28)
    if view.mine is not None:
        return (t("agenda.button.leave", title=title), SESSION_LEAVE.pack(key))
    if view.session.registration:
        return (t("agenda.button.signup", title=title), SESSION_FOLLOW.pack(key))
    return (t("agenda.button.follow", title=title), SESSION_FOLLOW.pack(key))


def _days(views: list[SessionView], turn: Turn) -> list[date]:
    return sorted({_local(turn, v.session.starts_at).date() for v in views})


def _tracks(views: list[SessionView]) -> list[str]:
    return sorted({v.session.track for v in views if v.session.track})


async def _render(
    turn: Turn, kind: str, arg: str, page: int, *, edit: bool, notice: str | None = None
) -> None:
    """One view of the programme; `notice` (what a press just did) heads the edited view, so a
    sign-up changes the message it was pressed on instead of adding one."""
    t = turn.t
    views = await turn.services.programme.views(turn.user_id)
    now = turn.now()
    if turn.ctx.user_data is not None:
        turn.ctx.user_data[VIEW_KEY] = (kind, arg, page)
    days = _days(views, turn)
    if kind == "n":
        chosen = {s.key for s in now_and_next([v.session for v in views], now)}
        title = t("agenda.now_next")
        shown = [v for v in views if v.session.key in chosen]
    elif kind == "k" and arg == "":
        tracks = _tracks(views)
        picks: list[list[Button]] = [
            [(clip(tr, 40), AGENDA_TRACKS.pack(str(i), 0))] for i, tr in enumerate(tracks)
        ]
        picks.append(_menu(t, days))
        await turn.reply(t("agenda.pick_track"), picks, edit=edit)
        return
    elif kind == "k":
        tracks = _tracks(views)
        index = int(arg) if arg.isdigit() else None
        if index is None or not 0 <= index < len(tracks):
            await turn.reply(t("buttons.expired"))
            return
        title = t("agenda.by_track", track=tracks[index])
        shown = [v for v in views if v.session.track == tracks[index]]
    else:
        day = _local(turn, now).date() if arg == "today" else _parse_day(arg)
        if day is None:
            await turn.reply(t("buttons.expired"))
            return
        title = t("agenda.day", day=t.day(day))
        shown = [v for v in views if _local(turn, v.session.starts_at).date() == day]
    pages = max(1, -(-len(shown) // PAGE))
    page = min(max(page, 0), pages - 1)
    chunk_ = shown[page * PAGE : (page + 1) * PAGE]
    lines = [notice] if notice else []
    lines.append(f"<b>{title}</b>")
    lines += [_line(turn, v) for v in chunk_] or [t("agenda.empty")]
    if pages > 1:
        lines.append(t("agenda.page", page=page + 1, pages=pages))
    rows: list[list[Button]] = [[_button(t, v)] for v in chunk_ if v.session.ends_at > now]
    nav: list[Button] = []
    if page > 0:
        nav.append(("◀", VIEWS[kind].pack(arg or "today", page - 1)))
    if page + 1 < pages:
        nav.append(("▶", VIEWS[kind].pack(arg or "today", page + 1)))
    if nav:
        rows.append(nav)
    rows.append(_menu(t, days))
    await turn.reply(Safe("\n\n".join(lines)), rows, edit=edit)


def _parse_day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def _menu(t: Translator, days: list[date]) -> list[Button]:
    buttons: list[Button] = [
        (t("agenda.button.now"), AGENDA_NOW.pack("-", 0)),
        (t("agenda.button.today"), AGENDA_DAY.pack("today", 0)),
    ]
    buttons += [(t.day(d, short=True), AGENDA_DAY.pack(f"{d:%Y%m%d}", 0)) for d in days[:5]]
    buttons.append((t("agenda.button.tracks"), AGENDA_TRACKS.pack("-", 0)))
    return buttons


async def agenda_command(turn: Turn) -> None:
    """/agenda: what is on now and next, with the menu to browse the rest."""
    await _render(turn, "n", "", 0, edit=False)


def _browse(kind: str) -> TurnHandler:
    """The handler of one kind of view button (now and next, a day, a track) with its page."""

    async def browse(turn: Turn) -> None:
        """ag:n / ag:d:<day> / ag:k:<track> with a page: another view of the programme."""
        arg = "" if turn.str_arg(0) == "-" else turn.str_arg(0)
        await _render(turn, kind, arg, turn.int_arg(1), edit=True)

    return browse


async def follow(turn: Turn) -> None:
    """ag:s:<key>: subscribe to a session, or sign up (a place, else the waitlist)."""
    services = turn.services
    try:
        status = await services.programme.follow(turn.user_id, turn.str_arg(), now=turn.now())
    finally:
        services.wake_outbox()
    await _back_to_view(turn, turn.t(f"agenda.done.{status.value}"))


async def leave(turn: Turn) -> None:
    """ag:u:<key>: unsubscribe or give the place back (the first waiting person gets it)."""
    services = turn.services
    try:
        await services.programme.leave(turn.user_id, turn.str_arg(), now=turn.now())
    finally:
        services.wake_outbox()
    await _back_to_view(turn, turn.t("agenda.done.left"))


async def _back_to_view(turn: Turn, notice: str) -> None:
    data: dict[str, Any] = turn.ctx.user_data if turn.ctx.user_data is not None else {}
    kind, arg, page = data.get(VIEW_KEY, ("n", "", 0))
    if kind == "k" and arg == "":
        kind = "n"  # the track picker has no sessions to show the change on
    await _render(turn, kind, arg, page, edit=True, notice=notice)


async def waitlist_command(turn: Turn) -> None:
    """/waitlist KEY (organisers): who holds a place and who waits, as text and CSV."""
    t, programme = turn.t, turn.services.programme
    args = turn.ctx.args
    if not args:
        views = await programme.views(None)
        keys = [v.session.key for v in views if v.session.registration]
        await turn.reply(t("agenda.waitlist_usage", keys=", ".join(keys) or "—"))
        return
    key = args[0][:64]
    people = await programme.waitlist(turn.user_id, key)
    lines = [t("agenda.waitlist_title", key=key)]
    lines += [
        t(f"agenda.waitlist_line.{status.value}", n=i + 1, name=name)
        for i, (_pid, name, status) in enumerate(people)
    ]
    await turn.reply(Safe("\n".join(lines[:60])))
    rows = [[i + 1, name, status.value, pid] for i, (pid, name, status) in enumerate(people)]
    data = to_csv(["position", "name", "status", "telegram_id"], rows)
    chat = turn.update.effective_chat
    if chat is not None:
        await chat.send_document(InputFile(data, filename=f"{key}.csv"))


def handlers() -> list[Handler]:
    """/agenda, its buttons, and /waitlist."""
    return [
        command("agenda", agenda_command),
        command("waitlist", waitlist_command, organiser=True, errors=ORGANISER_ERRORS),
        *(button(route, _browse(kind)) for kind, route in VIEWS.items()),
        button(SESSION_FOLLOW, follow, errors=SESSION_ERRORS),
        button(SESSION_LEAVE, leave, errors=SESSION_ERRORS),
    ]

"""/agenda: now and next, today, by day, by track; subscribe, sign up, waitlist; /waitlist."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from telegram import InputFile, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, filters

from core.programme.attendance import Attendance, SessionView, now_and_next
from core.reference.errors import NotConsented, NotFound
from handlers.callbacks import as_int, pack, unpack
from handlers.common import Button, ack, alert, clip, reply
from handlers.context import BotContext
from handlers.i18n import Safe, Translator
from handlers.people.notice import consent_first

PRIVATE = filters.ChatType.PRIVATE
PAGE = 6
VIEW_KEY = "agenda_view"


def _local(ctx: BotContext, moment: datetime) -> datetime:
    return moment.astimezone(ctx.services.event_timezone)


def _line(t: Translator, ctx: BotContext, view: SessionView) -> str:
    s = view.session
    start, end = _local(ctx, s.starts_at), _local(ctx, s.ends_at)
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
        return (t("agenda.button.leave", title=title), pack("ag", "u", key))
    if view.session.registration:
        return (t("agenda.button.signup", title=title), pack("ag", "s", key))
    return (t("agenda.button.follow", title=title), pack("ag", "s", key))


def _days(views: list[SessionView], ctx: BotContext) -> list[date]:
    return sorted({_local(ctx, v.session.starts_at).date() for v in views})


def _tracks(views: list[SessionView]) -> list[str]:
    return sorted({v.session.track for v in views if v.session.track})


async def _render(
    update: Update, ctx: BotContext, t: Translator, kind: str, arg: str, page: int, *, edit: bool
) -> None:
    user = update.effective_user
    views = await ctx.services.agenda.views(user.id if user else None)
    now = ctx.services.clock.now()
    if ctx.user_data is not None:
        ctx.user_data[VIEW_KEY] = (kind, arg, page)
    days = _days(views, ctx)
    if kind == "n":
        chosen = {s.key for s in now_and_next([v.session for v in views], now)}
        title = t("agenda.now_next")
        shown = [v for v in views if v.session.key in chosen]
    elif kind == "k" and arg == "":
        tracks = _tracks(views)
        picks: list[list[Button]] = [
            [(clip(tr, 40), pack("ag", "k", i, 0))] for i, tr in enumerate(tracks)
        ]
        picks.append(_menu(t, days))
        await reply(update, t("agenda.pick_track"), picks, edit=edit)
        return
    elif kind == "k":
        tracks = _tracks(views)
        index = as_int(arg)
        if index is None or not 0 <= index < len(tracks):
            await alert(update, t("buttons.expired"))
            return
        title = t("agenda.by_track", track=tracks[index])
        shown = [v for v in views if v.session.track == tracks[index]]
    else:
        day = _local(ctx, now).date() if arg == "today" else _parse_day(arg)
        if day is None:
            await alert(update, t("buttons.expired"))
            return
        title = t("agenda.day", day=t.day(day))
        shown = [v for v in views if _local(ctx, v.session.starts_at).date() == day]
    pages = max(1, -(-len(shown) // PAGE))
    page = min(max(page, 0), pages - 1)
    chunk_ = shown[page * PAGE : (page + 1) * PAGE]
    lines = [f"<b>{title}</b>"]
    lines += [_line(t, ctx, v) for v in chunk_] or [t("agenda.empty")]
    if pages > 1:
        lines.append(t("agenda.page", page=page + 1, pages=pages))
    rows: list[list[Button]] = [[_button(t, v)] for v in chunk_ if v.session.ends_at > now]
    nav: list[Button] = []
    if page > 0:
        nav.append(("◀", pack("ag", kind, arg or "today", page - 1)))
    if page + 1 < pages:
        nav.append(("▶", pack("ag", kind, arg or "today", page + 1)))
    if nav:
        rows.append(nav)
    rows.append(_menu(t, days))
    await reply(update, Safe("\n\n".join(lines)), rows, edit=edit)


def _parse_day(text: str) -> date | None:
    try:
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        return None


def _menu(t: Translator, days: list[date]) -> list[Button]:
    buttons: list[Button] = [
        (t("agenda.button.now"), pack("ag", "n", "-", 0)),
        (t("agenda.button.today"), pack("ag", "d", "today", 0)),
    ]
    buttons += [(t.day(d, short=True), pack("ag", "d", f"{d:%Y%m%d}", 0)) for d in days[:5]]
    buttons.append((t("agenda.button.tracks"), pack("ag", "k", "-", 0)))
    return buttons


async def agenda_command(update: Update, ctx: BotContext) -> None:
    """/agenda: what is on now and next, with the menu to browse the rest."""
    t = await ctx.translator(update)
    await _render(update, ctx, t, "n", "", 0, edit=False)


async def agenda_button(update: Update, ctx: BotContext) -> None:
    """ag:n / ag:d:<day> / ag:k:<track> with a page; ag:s / ag:u follow or leave a session."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    if len(parts) == 4 and parts[1] in ("n", "d", "k"):
        page = as_int(parts[3])
        arg = "" if parts[2] == "-" else parts[2]
        await ack(update)
        await _render(update, ctx, t, parts[1], arg, page or 0, edit=True)
        return
    if len(parts) != 3 or parts[1] not in ("s", "u"):
        await alert(update, t("buttons.expired"))
        return
    services = ctx.services
    now = services.clock.now()
    try:
        if parts[1] == "s":
            status = await services.agenda.follow(user.id, parts[2], now=now)
            await alert(update, t(f"agenda.done.{status.value}"))
        else:
            await services.agenda.leave(user.id, parts[2], now=now)
            await alert(update, t("agenda.done.left"))
    except NotConsented:
        await ack(update)
        await consent_first(update, ctx, t)
        return
    except NotFound:
        await alert(update, t("meetings.error.gone"))
        return
    finally:
        services.wake_outbox()
    data: dict[str, Any] = ctx.user_data if ctx.user_data is not None else {}
    kind, arg, page = data.get(VIEW_KEY, ("n", "", 0))
    await _render(update, ctx, t, kind, arg, page, edit=True)


async def waitlist_command(update: Update, ctx: BotContext) -> None:
    """/waitlist KEY (organisers): who holds a place and who waits, as text and CSV."""
    user = update.effective_user
    t = await ctx.translator(update)
    if user is None or not ctx.services.policy.is_organiser(user.id):
        await reply(update, t("organiser.only"))
        return
    if not ctx.args:
        views = await ctx.services.agenda.views(None)
        keys = [v.session.key for v in views if v.session.registration]
        await reply(update, t("agenda.waitlist_usage", keys=", ".join(keys) or "—"))
        return
    key = ctx.args[0][:64]
    people = await ctx.services.agenda.waitlist(key)
    lines = [t("agenda.waitlist_title", key=key)]
    lines += [
        t(f"agenda.waitlist_line.{status.value}", n=i + 1, name=name)
        for i, (_pid, name, status) in enumerate(people)
    ]
    await reply(update, Safe("\n".join(lines[:60])))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["position", "telegram_id", "name", "status"])
    for i, (pid, name, status) in enumerate(people):
        writer.writerow([i + 1, pid, name, status.value])
    chat = update.effective_chat
    if chat is not None:
        await chat.send_document(
            InputFile(("\ufeff" + buffer.getvalue()).encode("utf-8"), filename=f"{key}.csv")
        )


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """/agenda, its buttons, and /waitlist."""
    return [
        CommandHandler("agenda", agenda_command, filters=PRIVATE),
        CommandHandler("waitlist", waitlist_command, filters=PRIVATE),
        CallbackQueryHandler(agenda_button, pattern=r"^ag:"),
    ]

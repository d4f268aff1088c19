"""Meeting requests and bookings in the chat: pick slots, accept, decline, /meetings, /availability,
/consult and /desk."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from core.meetings.booking import free_slots_for
from core.meetings.model import BookingError, Meeting, Slot
from core.reference.errors import NotAllowed, NotConsented, NotFound
from handlers.callbacks import as_int, pack, unpack
from handlers.common import Button, ack, alert, chunk, clip, reply
from handlers.context import BotContext
from handlers.i18n import Safe, Translator
from handlers.people.notice import consent_first

PRIVATE = filters.ChatType.PRIVATE
DRAFT_KEY = "meeting_draft"
MAX_PICK = 12


def when(t: Translator, ctx: BotContext, moment: datetime) -> str:
    """A time in the event's zone, in the reader's language."""
    return t.when(moment, ctx.services.event_timezone, ctx.own_timezone)


def _draft(ctx: BotContext) -> dict[str, Any] | None:
    data = ctx.user_data if ctx.user_data is not None else {}
    draft = data.get(DRAFT_KEY)
    return draft if isinstance(draft, dict) else None


async def _explain(update: Update, ctx: BotContext, t: Translator, exc: Exception) -> None:
    """Turn a refused action into a clear, polite answer."""
    if isinstance(exc, NotConsented):
        await ack(update)
        await consent_first(update, ctx, t)
        return
    if isinstance(exc, NotAllowed):
        await alert(update, t("buttons.not_yours"))
        return
    if isinstance(exc, NotFound):
        await alert(update, t("meetings.error.gone"))
        return
    reason = str(getattr(exc, "params", {}).get("reason", "taken"))
    text = t(f"meetings.error.{reason}", limit=getattr(exc, "params", {}).get("limit", 0))
    if update.callback_query is not None:
        await alert(update, text)
    else:
        await reply(update, text)


async def start_request(
    update: Update, ctx: BotContext, t: Translator, target: int, *, replaces: int | None = None
) -> bool:
    """Open the slot picker for a request to `target`; False when the event has no slots yet."""
    user = update.effective_user
    if user is None:
        return False
    services = ctx.services
    slots = await free_slots_for(services.uow, user.id, target, services.clock.now())
    if not slots and replaces is None:
        async with services.uow() as uow:
            if not await uow.meetings.slots():
                return False
    if ctx.user_data is not None:
        ctx.user_data[DRAFT_KEY] = {
            "target": target,
            "slots": [],
            "note": "",
            "replaces": replaces,
            "typing": False,
        }
    await _show_picker(update, ctx, t, slots, edit=False)
    return True


async def _show_picker(
    update: Update, ctx: BotContext, t: Translator, slots: list[Slot], *, edit: bool
) -> None:
    draft = _draft(ctx) or {}
    chosen = set(draft.get("slots", []))
    if not slots:
        await reply(update, t("meetings.no_common_slot"), edit=edit)
        return
    rows = chunk(
        [
            (("✓ " if s.key in chosen else "") + when(t, ctx, s.starts_at), pack("mq", "t", s.key))
            for s in slots[:MAX_PICK]
        ],
        2,
    )
    rows.append(
        [(t("meetings.button.note"), pack("mq", "n")), (t("meetings.button.send"), pack("mq", "s"))]
    )
    rows.append([(t("meetings.button.cancel"), pack("mq", "x"))])
    text = t("meetings.pick", count=len(chosen), limit=ctx.services.booking.rules.max_proposed)
    if draft.get("note"):
        text = Safe(f"{text}\n{t('meetings.note_is', note=clip(str(draft['note']), 300))}")
    await reply(update, text, rows, edit=edit)


async def picker_button(update: Update, ctx: BotContext) -> None:
    """mq:t:<slot> toggles a slot, mq:n asks for a note, mq:s sends, mq:x drops the draft."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    draft = _draft(ctx)
    if draft is None or len(parts) < 2:
        await alert(update, t("buttons.expired"))
        return
    services = ctx.services
    now = services.clock.now()
    verb = parts[1]
    if verb == "x":
        if ctx.user_data is not None:
            ctx.user_data.pop(DRAFT_KEY, None)
        await ack(update)
        await reply(update, t("meetings.draft_dropped"), edit=True)
        return
    if verb == "n":
        draft["typing"] = True
        await ack(update)
        await reply(update, t("meetings.type_note"))
        return
    if verb == "t" and len(parts) == 3:
        chosen: list[str] = draft["slots"]
        if parts[2] in chosen:
            chosen.remove(parts[2])
        elif len(chosen) >= services.booking.rules.max_proposed:
            await alert(
                update,
                t("meetings.error.too_many_slots", limit=services.booking.rules.max_proposed),
            )
            return
        else:
            chosen.append(parts[2])
        await ack(update)
        slots = await free_slots_for(services.uow, user.id, int(draft["target"]), now)
        await _show_picker(update, ctx, t, slots, edit=True)
        return
    if verb == "s":
        try:
            request = await services.booking.request(
                user.id,
                int(draft["target"]),
                list(draft["slots"]),
                str(draft.get("note", "")),
                now=now,
                replaces=draft.get("replaces"),
            )
        except (BookingError, NotFound, NotAllowed, NotConsented) as exc:
            await _explain(update, ctx, t, exc)
            return
        if ctx.user_data is not None:
            ctx.user_data.pop(DRAFT_KEY, None)
        services.wake_outbox()
        async with services.uow() as uow:
            profile = await uow.profiles.get(request.to_id)
        name = (profile.full_name if profile else None) or "?"
        await ack(update)
        await reply(
            update,
            t("meetings.sent", name=name, expires=when(t, ctx, request.expires_at)),
            edit=True,
        )
        return
    await alert(update, t("buttons.expired"))


async def note_text(update: Update, ctx: BotContext) -> None:
    """While a draft waits for its note, the next text is that note (then stop other handlers)."""
    draft = _draft(ctx)
    message = update.effective_message
    if draft is None or not draft.get("typing") or message is None or not message.text:
        return
    t = await ctx.translator(update)
    draft["note"] = message.text.strip()[: ctx.services.booking.rules.note_length]
    draft["typing"] = False
    user = update.effective_user
    assert user is not None
    slots = await free_slots_for(
        ctx.services.uow, user.id, int(draft["target"]), ctx.services.clock.now()
    )
    await _show_picker(update, ctx, t, slots, edit=False)
    raise ApplicationHandlerStop


async def _send_ics(update: Update, t: Translator, ics: str, name: str, caption: str) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_document(
        InputFile(ics.encode(), filename=name), caption=caption, parse_mode=ParseMode.HTML
    )


async def request_button(update: Update, ctx: BotContext) -> None:
    """mr:a:<id>:<slot> accept, mr:d:<id> decline, mr:o:<id> other time, mr:w:<id> withdraw."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    request_id = as_int(parts[2]) if len(parts) >= 3 else None
    if request_id is None or parts[1] not in ("a", "d", "o", "w"):
        await alert(update, t("buttons.expired"))
        return
    services, now = ctx.services, ctx.services.clock.now()
    try:
        if parts[1] == "a" and len(parts) == 4:
            meeting, slot, ics = await services.booking.accept(
                request_id, user.id, parts[3], now=now
            )
            await ack(update)
            text = await _booked_text(ctx, t, meeting, slot, user.id)
            await reply(update, text, edit=True)
            await _send_ics(update, t, ics, f"meeting-{meeting.id}.ics", t("meetings.ics_caption"))
        elif parts[1] == "d":
            await services.booking.decline(request_id, user.id, now=now)
            await ack(update)
            await reply(update, t("meetings.declined_by_me"), edit=True)
        elif parts[1] == "w":
            await services.booking.withdraw(request_id, user.id, now=now)
            await ack(update)
            await reply(update, t("meetings.withdrawn_by_me"), edit=True)
        elif parts[1] == "o":
            async with services.uow() as uow:
                request = await uow.meetings.get_request(request_id)
            if request is None or request.to_id != user.id:
                raise NotAllowed()
            await ack(update)
            await start_request(update, ctx, t, request.from_id, replaces=request_id)
        else:
            await alert(update, t("buttons.expired"))
    except (BookingError, NotFound, NotAllowed, NotConsented) as exc:
        await _explain(update, ctx, t, exc)
    finally:
        services.wake_outbox()


async def _booked_text(
    ctx: BotContext, t: Translator, meeting: Meeting, slot: Slot, me: int
) -> Safe:
    async with ctx.services.uow() as uow:
        others = [await uow.profiles.get(p) for p in meeting.people if p != me]
    name = ", ".join((p.full_name or "?") for p in others if p) or "—"
    return t(
        "meetings.booked_me",
        name=name,
        when=when(t, ctx, slot.starts_at),
        table=meeting.table,
        location=slot.location or "—",
    )


async def meetings_command(update: Update, ctx: BotContext) -> None:
    """/meetings: upcoming and past meetings, incoming and outgoing requests."""
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    services = ctx.services
    try:
        schedule, slots, names = await services.booking.schedule(user.id, now=services.clock.now())
    except NotConsented:
        await consent_first(update, ctx, t)
        return
    lines: list[str] = [t("meetings.title")]
    rows: list[list[Button]] = []

    def other(m: Meeting) -> str:
        return ", ".join(names.get(p, "?") for p in m.people if p != user.id) or t(
            "meetings.consultation"
        )

    if schedule.upcoming:
        lines.append(t("meetings.upcoming"))
        for m in schedule.upcoming:
            s = slots[m.slot_key]
            lines.append(
                t(
                    "meetings.line",
                    when=when(t, ctx, s.starts_at),
                    name=other(m),
                    table=m.table,
                    location=s.location or "—",
                )
            )
            if m.kind.value == "meeting":
                rows.append(
                    [
                        (
                            t(
                                "meetings.button.move",
                                name=clip(other(m), 24),
                                when=when(t, ctx, s.starts_at),
                            ),
                            pack("mt", "m", m.id or 0),
                        )
                    ]
                )
            rows.append(
                [
                    (
                        t(
                            "meetings.button.cancel_meeting",
                            name=clip(other(m), 24),
                            when=when(t, ctx, s.starts_at),
                        ),
                        pack("mt", "c", m.id or 0),
                    )
                ]
            )
    if schedule.incoming:
        lines.append(t("meetings.incoming"))
        for r in schedule.incoming:
            lines.append(
                t(
                    "meetings.request_line",
                    name=names.get(r.from_id, "?"),
                    expires=when(t, ctx, r.expires_at),
                )
            )
            for key in r.slot_keys or []:
                if key in slots:
                    rows.append(
                        [
                            (
                                t(
                                    "meetings.button.accept_from",
                                    name=clip(names.get(r.from_id, "?"), 20),
                                    when=when(t, ctx, slots[key].starts_at),
                                ),
                                pack("mr", "a", r.id or 0, key),
                            )
                        ]
                    )
            rows.append(
                [
                    (
                        t("meetings.button.decline_from", name=clip(names.get(r.from_id, "?"), 24)),
                        pack("mr", "d", r.id or 0),
                    )
                ]
            )
    if schedule.outgoing:
        lines.append(t("meetings.outgoing"))
        for r in schedule.outgoing:
            lines.append(
                t(
                    "meetings.request_line",
                    name=names.get(r.to_id, "?"),
                    expires=when(t, ctx, r.expires_at),
                )
            )
            rows.append(
                [
                    (
                        t("meetings.button.withdraw", name=clip(names.get(r.to_id, "?"), 24)),
                        pack("mr", "w", r.id or 0),
                    )
                ]
            )
    if schedule.past:
        lines.append(t("meetings.past"))
        for m in schedule.past[-10:]:
            s = slots[m.slot_key]
            lines.append(
                t(
                    "meetings.line",
                    when=when(t, ctx, s.starts_at),
                    name=other(m),
                    table=m.table,
                    location=s.location or "—",
                )
            )
    if len(lines) == 1:
        lines.append(t("meetings.nothing"))
    await reply(update, Safe("\n".join(lines)), rows)


async def meeting_button(update: Update, ctx: BotContext) -> None:
    """mt:c:<meeting id> cancels a booking of mine, mt:m:<id> offers other times for it."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    meeting_id = as_int(parts[2]) if len(parts) == 3 and parts[1] in ("c", "m") else None
    if meeting_id is None:
        await alert(update, t("buttons.expired"))
        return
    services = ctx.services
    if parts[1] == "m":
        try:
            options = await services.booking.move_options(
                meeting_id, user.id, now=services.clock.now()
            )
        except (BookingError, NotFound, NotAllowed, NotConsented) as exc:
            await _explain(update, ctx, t, exc)
            return
        await ack(update)
        if not options:
            await reply(update, t("meetings.no_common_slot"))
            return
        rows = chunk(
            [
                (when(t, ctx, s.starts_at), pack("mv", meeting_id, s.key))
                for s in options[:MAX_PICK]
            ],
            2,
        )
        await reply(update, t("meetings.move_pick"), rows)
        return
    try:
        _meeting, slot, ics = await services.booking.cancel(
            meeting_id, user.id, now=services.clock.now()
        )
    except (BookingError, NotFound, NotAllowed, NotConsented) as exc:
        await _explain(update, ctx, t, exc)
        return
    finally:
        services.wake_outbox()
    await ack(update)
    await reply(update, t("meetings.cancelled_by_me", when=when(t, ctx, slot.starts_at)))
    await _send_ics(
        update, t, ics, f"meeting-{meeting_id}-cancelled.ics", t("meetings.ics_cancel_caption")
    )


async def move_button(update: Update, ctx: BotContext) -> None:
    """mv:<meeting id>:<slot>: move my meeting there; the others get the updated .ics."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    meeting_id = as_int(parts[1]) if len(parts) == 3 else None
    if meeting_id is None:
        await alert(update, t("buttons.expired"))
        return
    services = ctx.services
    try:
        meeting, slot, ics = await services.booking.move(
            meeting_id, user.id, parts[2], now=services.clock.now()
        )
    except (BookingError, NotFound, NotAllowed, NotConsented) as exc:
        await _explain(update, ctx, t, exc)
        return
    finally:
        services.wake_outbox()
    await ack(update)
    await reply(
        update,
        t("meetings.moved_by_me", when=when(t, ctx, slot.starts_at), table=meeting.table),
        edit=True,
    )
    await _send_ics(update, t, ics, f"meeting-{meeting_id}.ics", t("meetings.ics_caption"))


async def reminder_button(update: Update, ctx: BotContext) -> None:
    """rm:l:<meeting> running late (tell the partner), rm:x:<meeting> can't make it (cancel)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    meeting_id = as_int(parts[2]) if len(parts) == 3 and parts[1] in ("l", "x") else None
    if meeting_id is None:
        await alert(update, t("buttons.expired"))
        return
    services = ctx.services
    now = services.clock.now()
    try:
        if parts[1] == "l":
            told = await services.booking.running_late(meeting_id, user.id, now=now)
            await alert(update, t("reminders.late_sent" if told else "reminders.late_again"))
            return
        _meeting, slot, ics = await services.booking.cancel(meeting_id, user.id, now=now)
    except (BookingError, NotFound, NotAllowed, NotConsented) as exc:
        await _explain(update, ctx, t, exc)
        return
    finally:
        services.wake_outbox()
    await ack(update)
    await reply(update, t("meetings.cancelled_by_me", when=when(t, ctx, slot.starts_at)))
    await _send_ics(
        update, t, ics, f"meeting-{meeting_id}-cancelled.ics", t("meetings.ics_cancel_caption")
    )


async def availability_command(update: Update, ctx: BotContext, *, edit: bool = False) -> None:
    """/availability: tap a slot to mark it busy or free again."""
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    services = ctx.services
    try:
        states = await services.booking.availability(user.id, now=services.clock.now())
    except NotConsented:
        await consent_first(update, ctx, t)
        return
    if not states:
        await reply(update, t("meetings.no_slots"), edit=edit)
        return
    marks = {"free": "🟢", "busy": "⛔", "booked": "📅"}
    rows = chunk(
        [
            (f"{marks[state]} {when(t, ctx, s.starts_at)}", pack("av", s.key))
            for s, state in states[:60]
        ],
        2,
    )
    await reply(update, t("meetings.availability"), rows, edit=edit)


async def availability_button(update: Update, ctx: BotContext) -> None:
    """av:<slot>: toggle busy for the presser (their own availability only)."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    if len(parts) != 2:
        await alert(update, t("buttons.expired"))
        return
    services = ctx.services
    try:
        await services.booking.toggle_busy(user.id, parts[1], now=services.clock.now())
    except (BookingError, NotFound, NotConsented) as exc:
        await _explain(update, ctx, t, exc)
        return
    await ack(update)
    await availability_command(update, ctx, edit=True)


async def consult_command(update: Update, ctx: BotContext) -> None:
    """/consult: desks with free slots, one tap to book."""
    t = await ctx.translator(update)
    services = ctx.services
    desks = await services.booking.desks(now=services.clock.now())
    if not desks:
        await reply(update, t("consult.none"))
        return
    lines = [t("consult.title")]
    rows: list[list[Button]] = []
    for desk, free in desks:
        lines.append(
            t(
                "consult.desk",
                topic=desk.topic,
                expert=desk.expert,
                count=len(free),
                location=desk.location or "—",
            )
        )
        rows.extend(
            chunk(
                [
                    (f"{clip(desk.topic, 18)} · {when(t, ctx, s.starts_at)}", pack("cn", s.key))
                    for s in free[:6]
                ],
                2,
            )
        )
    await reply(update, Safe("\n".join(lines)), rows)


async def consult_button(update: Update, ctx: BotContext) -> None:
    """cn:<slot>: book a consultation for the presser."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    if len(parts) != 2:
        await alert(update, t("buttons.expired"))
        return
    services = ctx.services
    try:
        meeting, slot, ics = await services.booking.consult(
            user.id, parts[1], now=services.clock.now()
        )
    except (BookingError, NotFound, NotConsented) as exc:
        await _explain(update, ctx, t, exc)
        return
    finally:
        services.wake_outbox()
    await ack(update)
    await reply(
        update,
        t("consult.booked", when=when(t, ctx, slot.starts_at), location=slot.location or "—"),
    )
    await _send_ics(update, t, ics, f"consult-{meeting.id}.ics", t("meetings.ics_caption"))


async def desk_command(update: Update, ctx: BotContext) -> None:
    """/desk: an expert's consultations today (only for experts named in the event file)."""
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    services = ctx.services
    tz = services.event_timezone
    local = services.clock.now().astimezone(tz)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    bookings = await services.booking.desk_day(user.id, start=start, end=start + timedelta(days=1))
    async with services.uow() as uow:
        is_expert = any(d.expert_telegram_id == user.id for d in await uow.meetings.desks())
    if not is_expert:
        await reply(update, t("consult.not_expert"))
        return
    lines = [t("consult.desk_title")]
    lines += [
        t("consult.desk_line", when=when(t, ctx, slot.starts_at), name=name, topic=desk.topic)
        for desk, slot, name in bookings
    ]
    if not bookings:
        lines.append(t("consult.desk_empty"))
    await reply(update, Safe("\n".join(lines)))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Meeting commands and buttons."""
    return [
        CommandHandler("meetings", meetings_command, filters=PRIVATE),
        CommandHandler("availability", availability_command, filters=PRIVATE),
        CommandHandler("consult", consult_command, filters=PRIVATE),
        CommandHandler("desk", desk_command, filters=PRIVATE),
        CallbackQueryHandler(picker_button, pattern=r"^mq:"),
        CallbackQueryHandler(request_button, pattern=r"^mr:"),
        CallbackQueryHandler(meeting_button, pattern=r"^mt:"),
        CallbackQueryHandler(move_button, pattern=r"^mv:"),
        CallbackQueryHandler(reminder_button, pattern=r"^rm:"),
        CallbackQueryHandler(availability_button, pattern=r"^av:"),
        CallbackQueryHandler(consult_button, pattern=r"^cn:"),
    ]


def note_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Runs in an earlier group than the profile answers, so a pending note is caught first."""
    return [MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, note_text)]

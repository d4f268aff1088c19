"""The profile: questions one at a time (each answer saved), the card, and editing any field."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from core.people import editing as profile_editing
from core.people.profile import (
    CAREER_STAGES,
    FIELD_NAMES,
    FIELDS,
    ONBOARDING_FIELDS,
    SECTORS,
    Kind,
    Profile,
    spec,
)
from core.reference.countries import COMMON_COUNTRY_CODES, country_by_code
from core.reference.errors import InvalidAnswer, NotConsented, NotFound
from core.reference.taxonomy import Keyword, term_by_id
from handlers.callbacks import as_int, pack, unpack
from handlers.common import Button, ack, alert, chunk, clip, reply
from handlers.context import BotContext
from handlers.i18n import Safe, Translator
from handlers.people.notice import consent_first

PRIVATE = filters.ChatType.PRIVATE


def country_name(t: Translator, code: str | None) -> str:
    """A country code as the reader's language names it."""
    country = country_by_code(code) if code else None
    if country is None:
        return code or ""
    return country.name_ko if t.language == "ko" else country.name_en


def keyword_labels(t: Translator, keywords: list[Keyword]) -> str:
    """Expertise keywords, taxonomy terms in the reader's language, free tags as typed."""
    labels = []
    for k in keywords:
        term = term_by_id(k.term_id) if k.term_id else None
        labels.append((term.label_ko if t.language == "ko" else term.label_en) if term else k.label)
    return ", ".join(labels)


def field_value(t: Translator, profile: Profile, name: str) -> str:
    """One field as plain (unescaped) text for display; empty string when unanswered."""
    value = getattr(profile, name)
    if not value:
        return ""
    if name == "country":
        return country_name(t, value)
    if name == "sector":
        return t(f"sector.{value}")
    if name == "career_stage":
        return t(f"career.{value}")
    if name == "expertise":
        return keyword_labels(t, value)
    if name == "publications":
        return "; ".join(p.title for p in value)
    return str(value)


def render_card(t: Translator, profile: Profile) -> Safe:
    """The profile card; long texts are clipped so the card always fits one message."""
    dash = t("profile.missing")

    def val(name: str, limit: int) -> str:
        return clip(field_value(t, profile, name), limit) or dash

    return t(
        "profile.card",
        name=val("full_name", 100),
        organisation=val("organisation", 200),
        country=val("country", 60),
        sector=val("sector", 60),
        career=val("career_stage", 60),
        expertise_label=t("field.expertise"),
        expertise=val("expertise", 800),
        offers_label=t("field.offers"),
        offers=val("offers", 700),
        seeks_label=t("field.seeks"),
        seeks=val("seeks", 700),
        he_label=t("field.he_interests"),
        he=val("he_interests", 400),
        bio_label=t("field.bio"),
        bio=val("bio", 500),
        pubs_label=t("field.publications"),
        pubs=val("publications", 300),
    )


def card_buttons(t: Translator, profile: Profile) -> list[list[Button]]:
    """Edit buttons for every field, plus Continue while onboarding is unfinished."""
    owner = profile.telegram_id
    edits = [
        (t("profile.edit", field=t(f"field.{n}")), pack("pf", "e", n, owner)) for n in FIELD_NAMES
    ]
    rows = chunk(edits, 2)
    if profile.next_unanswered() is not None:
        rows.insert(0, [(t("profile.continue"), pack("pf", "c", owner))])
    return rows


def question(t: Translator, profile: Profile, name: str, mode: str) -> Safe:
    """The question for one field; when editing, with the current value."""
    parts = []
    if mode == "onboarding":
        parts.append(
            t("ask.progress", n=ONBOARDING_FIELDS.index(name) + 1, total=len(ONBOARDING_FIELDS))
        )
    parts.append(t(f"ask.{name}"))
    current = field_value(t, profile, name)
    if mode == "edit" and current and spec(name).kind in (Kind.TEXT, Kind.KEYWORDS):
        parts.append(t("ask.current", value=clip(current, 300)))
    return Safe("\n".join(parts))


def question_buttons(t: Translator, name: str, owner: int, mode: str) -> list[list[Button]]:
    """Quick answers: countries, sectors, career stages, and Skip for optional questions."""
    fs = spec(name)
    rows: list[list[Button]] = []
    if fs.kind is Kind.COUNTRY:
        buttons = [
            (country_name(t, c), pack("pf", "v", name, c, owner)) for c in COMMON_COUNTRY_CODES
        ]
        rows = chunk(buttons, 3)
    elif name == "sector":
        rows = chunk([(t(f"sector.{s}"), pack("pf", "v", name, s, owner)) for s in SECTORS], 2)
    elif name == "career_stage":
        rows = [[(t(f"career.{s}"), pack("pf", "v", name, s, owner))] for s in CAREER_STAGES]
    if not fs.required:
        label = t("ask.skip") if mode == "onboarding" else t("ask.remove")
        rows.append([(label, pack("pf", "s", name, owner))])
    return rows


async def ask_field(
    update: Update, ctx: BotContext, t: Translator, name: str, mode: str, *, prefix: str = ""
) -> None:
    """Remember the open question in the database, then ask it."""
    owner = update.effective_user.id if update.effective_user else 0
    profile = await profile_editing.ask(ctx.services.uow, owner, name, mode)
    text = question(t, profile, name, mode)
    await reply(
        update,
        Safe(f"{prefix}\n\n{text}" if prefix else text),
        question_buttons(t, name, owner, mode),
    )


async def show_card(update: Update, t: Translator, profile: Profile, intro: str = "") -> None:
    """The card with its edit buttons."""
    text = render_card(t, profile)
    if profile.next_unanswered() is not None:
        text = Safe(f"{text}\n\n{t('profile.incomplete')}")
    else:
        text = Safe(f"{text}\n\n<i>{t('profile.edit_hint')}</i>")
    if intro:
        text = Safe(f"{intro}\n\n{text}")
    await reply(update, text, card_buttons(t, profile))


async def show_done(update: Update, ctx: BotContext, t: Translator, *, welcome_back: bool) -> None:
    """Onboarding finished (or a returning user): greet, and show the card."""
    user = update.effective_user
    if user is None:
        return
    _, profile = await profile_editing.load(ctx.services.uow, user.id)
    if welcome_back:
        await reply(update, t("start.welcome_back", name=profile.full_name or user.first_name))
        return
    await show_card(update, t, profile, intro=t("profile.done"))


def _confirmation(t: Translator, name: str, profile: Profile) -> Safe:
    if name == "expertise":
        return t("answer.expertise", keywords=keyword_labels(t, profile.expertise))
    if name == "country":
        return t("answer.country", country=country_name(t, profile.country))
    return t("answer.saved", field=t(f"field.{name}"))


async def _after_answer(
    update: Update,
    ctx: BotContext,
    t: Translator,
    result: profile_editing.AnswerResult,
    confirmation: Safe,
) -> None:
    ctx.services.matchmaker.refresh(result.profile)
    if result.next_field is not None:
        await ask_field(update, ctx, t, result.next_field, result.mode, prefix=confirmation)
    elif result.mode == "onboarding":
        await show_card(
            update, t, result.profile, intro=Safe(f"{confirmation}\n\n{t('profile.done')}")
        )
    else:
        await show_card(update, t, result.profile, intro=confirmation)


async def _invalid(update: Update, ctx: BotContext, t: Translator, err: InvalidAnswer) -> None:
    """Explain what was wrong, and ask the same question again."""
    reason = str(err.params.get("reason", "empty"))
    name = str(err.params.get("field", ""))
    text = t(
        f"invalid.{reason}", **{k: v for k, v in err.params.items() if k in ("limit", "length")}
    )
    if name in FIELD_NAMES and reason not in ("required", "unknown_field"):
        user = update.effective_user
        owner = user.id if user else 0
        try:
            person, profile = await profile_editing.load(ctx.services.uow, owner)
        except NotConsented:
            return
        mode = person.awaiting_mode or "edit"
        await reply(
            update,
            Safe(f"{text}\n\n{question(t, profile, name, mode)}"),
            question_buttons(t, name, owner, mode),
        )
        return
    await reply(update, text)


async def text_answer(update: Update, ctx: BotContext) -> None:
    """Any plain text: the answer to the open question, or a hint when there is none."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    t = await ctx.translator(update)
    try:
        result = await profile_editing.answer(ctx.services.uow, user.id, message.text or "")
    except NotConsented:
        await consent_first(update, ctx, t)
        return
    except NotFound:
        await reply(update, t("help.unknown_text"))
        return
    except InvalidAnswer as err:
        await _invalid(update, ctx, t, err)
        return
    await _after_answer(update, ctx, t, result, _confirmation(t, result.field, result.profile))


async def other_message(update: Update, ctx: BotContext) -> None:
    """Stickers, photos, voice…: ask for text when a question is open."""
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    try:
        person, _ = await profile_editing.load(ctx.services.uow, user.id)
    except NotConsented:
        await consent_first(update, ctx, t)
        return
    await reply(update, t("invalid.not_text") if person.awaiting_field else t("help.unknown_text"))


async def _check_owner(update: Update, t: Translator, owner_text: str) -> int | None:
    """The presser's id if the button is theirs; otherwise refuse and return None."""
    user = update.effective_user
    owner = as_int(owner_text)
    if user is None or owner is None or owner != user.id:
        await alert(update, t("buttons.not_yours"))
        return None
    return user.id


async def button(update: Update, ctx: BotContext) -> None:
    """pf:c (continue), pf:e (edit), pf:v (choice value), pf:s (skip) — owner re-checked."""
    query = update.callback_query
    if query is None:
        return
    t = await ctx.translator(update)
    parts = unpack(query.data)
    shapes = {"c": 3, "e": 4, "s": 4, "v": 5}
    if len(parts) < 2 or shapes.get(parts[1]) != len(parts):
        await alert(update, t("buttons.expired"))
        return
    user_id = await _check_owner(update, t, parts[-1])
    if user_id is None:
        return
    verb = parts[1]
    uow = ctx.services.uow
    try:
        if verb == "c":
            _, profile = await profile_editing.load(uow, user_id)
            nxt = profile.next_unanswered()
            await ack(update)
            if nxt is None:
                await show_card(update, t, profile)
            else:
                await ask_field(update, ctx, t, nxt, "onboarding")
            return
        name = parts[2]
        if name not in FIELD_NAMES:
            await alert(update, t("buttons.expired"))
            return
        if verb == "e":
            await ack(update)
            await ask_field(update, ctx, t, name, "edit")
            return
        if verb == "s":
            result = await profile_editing.skip(uow, user_id, name)
            await ack(update)
            await _after_answer(update, ctx, t, result, t("answer.skipped"))
            return
        if spec(name).kind not in (Kind.CHOICE, Kind.COUNTRY):
            await alert(update, t("buttons.expired"))
            return
        result = await profile_editing.answer(uow, user_id, parts[3], field=name)
        await ack(update)
        await _after_answer(update, ctx, t, result, _confirmation(t, name, result.profile))
    except NotConsented:
        await ack(update)
        await consent_first(update, ctx, t)
    except InvalidAnswer as err:
        await alert(update, t(f"invalid.{err.params.get('reason', 'bad_choice')}"))


async def profile_command(update: Update, ctx: BotContext) -> None:
    """/profile: the card with edit buttons (consent first)."""
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    try:
        _, profile = await profile_editing.load(ctx.services.uow, user.id)
    except NotConsented:
        await consent_first(update, ctx, t)
        return
    await show_card(update, t, profile)


async def cancel(update: Update, ctx: BotContext) -> None:
    """/cancel: stop asking; nothing answered is lost."""
    user = update.effective_user
    if user is None:
        return
    t = await ctx.translator(update)
    stopped = await profile_editing.stop_asking(ctx.services.uow, user.id)
    await reply(update, t("profile.cancelled") if stopped else t("profile.nothing_to_cancel"))


def handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Profile handlers; the free-text handler must come after every command handler."""
    return [
        CommandHandler("profile", profile_command, filters=PRIVATE),
        CommandHandler("cancel", cancel, filters=PRIVATE),
        CallbackQueryHandler(button, pattern=r"^pf:"),
    ]


def answer_handlers() -> list[BaseHandler[Update, BotContext, None]]:
    """Catch-alls for typed answers; registered last so commands win."""
    return [
        MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, text_answer),
        MessageHandler(
            PRIVATE & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, other_message
        ),
    ]


__all__ = ["FIELDS", "answer_handlers", "ask_field", "handlers", "show_done"]

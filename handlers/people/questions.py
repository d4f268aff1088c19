"""Asking the profile questions one at a time and showing the card with its edit buttons."""

from __future__ import annotations

from core.people.editing import AnswerResult
from core.people.profile import (
    CAREER_STAGES,
    FIELD_NAMES,
    ONBOARDING_FIELDS,
    SECTORS,
    Kind,
    Profile,
    spec,
)
from core.reference.countries import COMMON_COUNTRY_CODES
from handlers.common import Button, chunk, clip
from handlers.i18n import Safe, Translator
from handlers.people.card import country_name, field_value, keyword_labels, render_card
from handlers.prompts import Prompt, close, open_prompt, with_aside
from handlers.routes import (
    ORCID_START,
    PROFILE_CHOOSE,
    PROFILE_CONTINUE,
    PROFILE_EDIT,
    PROFILE_SKIP,
)
from handlers.turns import Turn


def card_buttons(t: Translator, profile: Profile) -> list[list[Button]]:
    """Edit buttons for every field, plus Continue while onboarding is unfinished."""
    owner = profile.telegram_id
    edits = [
        (t("profile.edit", field=t(f"field.{n}")), PROFILE_EDIT.pack(n, owner)) for n in FIELD_NAMES
    ]
    rows = chunk(edits, 2)
    rows.append([(t("orcid.button"), ORCID_START.pack(owner))])
    if profile.next_unanswered() is not None:
        rows.insert(0, [(t("profile.continue"), PROFILE_CONTINUE.pack(owner))])
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
            (country_name(t, c), PROFILE_CHOOSE.pack(name, c, owner)) for c in COMMON_COUNTRY_CODES
        ]
        rows = chunk(buttons, 3)
    elif name == "sector":
        rows = chunk([(t(f"sector.{s}"), PROFILE_CHOOSE.pack(name, s, owner)) for s in SECTORS], 2)
    elif name == "career_stage":
        rows = [[(t(f"career.{s}"), PROFILE_CHOOSE.pack(name, s, owner))] for s in CAREER_STAGES]
    if not fs.required:
        label = t("ask.skip") if mode == "onboarding" else t("ask.remove")
        rows.append([(label, PROFILE_SKIP.pack(name, owner))])
    return rows


async def ask_field(
    turn: Turn,
    name: str,
    mode: str,
    *,
    prefix: str = "",
    owner: int | None = None,
    edit: bool = False,
) -> None:
    """Remember the open question in the database, then ask it (edit=True: in the pressed one);
    it is the one open prompt now (any other is put aside, said on top)."""
    profile = await turn.services.people.profiles.ask(turn.user_id, name, mode, owner=owner)
    put_aside = await open_prompt(turn, Prompt.PROFILE)
    text = question(turn.t, profile, name, mode)
    await turn.reply(
        with_aside(put_aside, Safe(f"{prefix}\n\n{text}" if prefix else text)),
        question_buttons(turn.t, name, turn.user_id, mode),
        edit=edit,
    )


async def show_card(turn: Turn, profile: Profile, intro: str = "", *, edit: bool = False) -> None:
    """The card with its edit buttons (edit=True: in place of the pressed message)."""
    t = turn.t
    text = render_card(t, profile)
    if profile.next_unanswered() is not None:
        text = Safe(f"{text}\n\n{t('profile.incomplete')}")
    else:
        text = Safe(f"{text}\n\n<i>{t('profile.edit_hint')}</i>")
    if intro:
        text = Safe(f"{intro}\n\n{text}")
    await turn.reply(text, card_buttons(t, profile), edit=edit)


async def welcome_back(turn: Turn, profile: Profile | None) -> None:
    """A returning person with a finished profile: greet them by name."""
    user = turn.update.effective_user
    first_name = user.first_name if user is not None else ""
    name = (profile.full_name if profile is not None else None) or first_name
    await turn.reply(turn.t("start.welcome_back", name=name))


def confirmation(t: Translator, name: str, profile: Profile) -> Safe:
    """What was understood from an answer (the keywords found, the country recognised)."""
    if name == "expertise":
        return t("answer.expertise", keywords=keyword_labels(t, profile.expertise))
    if name == "country":
        return t("answer.country", country=country_name(t, profile.country))
    return t("answer.saved", field=t(f"field.{name}"))


async def after_answer(turn: Turn, result: AnswerResult, said: Safe, *, edit: bool = False) -> None:
    """Confirm a saved answer, then ask the next question or show the finished card (edit=True:
    in place of the pressed question)."""
    turn.services.partners.refresh(result.profile)
    if result.next_field is not None:
        await ask_field(turn, result.next_field, result.mode, prefix=said, edit=edit)
        return
    close(turn, Prompt.PROFILE)
    if result.mode == "onboarding":
        intro = Safe(f"{said}\n\n{turn.t('profile.done')}")
        await show_card(turn, result.profile, intro=intro, edit=edit)
    else:
        await show_card(turn, result.profile, intro=said, edit=edit)

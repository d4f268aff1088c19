"""Use cases for filling in and editing the profile, one saved answer at a time."""

from __future__ import annotations

from dataclasses import dataclass

from core.people.access import require_person
from core.people.person import Person
from core.people.ports import UowFactory
from core.people.profile import FIELD_NAMES, VISIBILITIES, Profile, parse_answer, spec
from core.reference.errors import InvalidAnswer, NotFound

#: Fields a person may keep off their card (name, country and sector stay: they make a card).
HIDEABLE = ("organisation", "expertise", "offers", "seeks", "he_interests", "bio", "publications")


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """What was saved and what to ask next (None when onboarding is finished or it was an edit)."""

    field: str
    profile: Profile
    mode: str
    next_field: str | None


async def load(uow_factory: UowFactory, telegram_id: int) -> tuple[Person, Profile]:
    """The person and their profile; NotConsented before consent."""
    async with uow_factory() as uow:
        person = await require_person(uow, telegram_id)
        profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
        return person, profile


async def ask(uow_factory: UowFactory, telegram_id: int, field: str, mode: str) -> Profile:
    """Remember which question the person is answering, so a restart does not lose the thread."""
    if field not in FIELD_NAMES:
        raise NotFound(what="field")
    async with uow_factory() as uow:
        person = await require_person(uow, telegram_id)
        person.awaiting_field, person.awaiting_mode = field, mode
        await uow.people.save(person)
        profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
        await uow.commit()
        return profile


async def answer(
    uow_factory: UowFactory, telegram_id: int, raw: str, field: str | None = None
) -> AnswerResult:
    """Validate and save one answer (typed, or chosen by button when `field` is given)."""
    async with uow_factory() as uow:
        person = await require_person(uow, telegram_id)
        name = field or person.awaiting_field
        if name is None:
            raise NotFound(what="question")
        mode = person.awaiting_mode or "edit"
        if field is not None and person.awaiting_field != field:
            # A button from an older message: save it, and keep any onboarding going.
            mode = "onboarding" if person.awaiting_mode == "onboarding" else "edit"
        value = parse_answer(name, raw)
        profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
        setattr(profile, name, value)
        if name in profile.skipped:
            profile.skipped.remove(name)
        await uow.profiles.save(profile)
        nxt = _advance(person, profile, mode)
        await uow.people.save(person)
        await uow.commit()
        return AnswerResult(name, profile, mode, nxt)


async def skip(uow_factory: UowFactory, telegram_id: int, field: str) -> AnswerResult:
    """Skip an optional question (or clear an optional field when editing)."""
    if spec(field).required:
        raise InvalidAnswer(reason="required", field=field)
    async with uow_factory() as uow:
        person = await require_person(uow, telegram_id)
        mode = "onboarding" if person.awaiting_mode == "onboarding" else "edit"
        profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
        setattr(profile, field, None)
        if field not in profile.skipped:
            profile.skipped.append(field)
        await uow.profiles.save(profile)
        nxt = _advance(person, profile, mode)
        await uow.people.save(person)
        await uow.commit()
        return AnswerResult(field, profile, mode, nxt)


async def stop_asking(uow_factory: UowFactory, telegram_id: int) -> bool:
    """/cancel: forget the open question; answers already given stay saved."""
    async with uow_factory() as uow:
        person = await uow.people.get(telegram_id)
        if person is None or person.awaiting_field is None:
            return False
        person.awaiting_field = person.awaiting_mode = None
        await uow.people.save(person)
        await uow.commit()
        return True


def _advance(person: Person, profile: Profile, mode: str) -> str | None:
    nxt = profile.next_unanswered() if mode == "onboarding" else None
    person.awaiting_field = nxt
    person.awaiting_mode = mode if nxt else None
    return nxt


async def set_visibility(uow_factory: UowFactory, telegram_id: int, visibility: str) -> Profile:
    """Visible to all, only to meeting partners, or hidden from suggestions."""
    if visibility not in VISIBILITIES:
        raise InvalidAnswer(reason="bad_choice", field="visibility")
    async with uow_factory() as uow:
        await require_person(uow, telegram_id)
        profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
        profile.visibility = visibility
        await uow.profiles.save(profile)
        await uow.commit()
        return profile


async def toggle_hidden(uow_factory: UowFactory, telegram_id: int, field: str) -> Profile:
    """Hide a field from other attendees' cards and exports, or show it again."""
    if field not in HIDEABLE:
        raise InvalidAnswer(reason="unknown_field", field=field)
    async with uow_factory() as uow:
        await require_person(uow, telegram_id)
        profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
        if field in profile.hidden_fields:
            profile.hidden_fields.remove(field)
        else:
            profile.hidden_fields.append(field)
        await uow.profiles.save(profile)
        await uow.commit()
        return profile

"""Use cases for filling in and editing the profile, one saved answer at a time."""

from __future__ import annotations

from dataclasses import dataclass

from core.people.access import require_person
from core.people.person import Person
from core.people.ports import UowFactory
from core.people.profile import FIELD_NAMES, VISIBILITIES, Profile, parse_answer, spec
from core.reference.errors import InvalidAnswer, NotAllowed, NotFound

#: Fields a person may keep off their card (name, country and sector stay: they make a card).
HIDEABLE = ("organisation", "expertise", "offers", "seeks", "he_interests", "bio", "publications")


@dataclass(frozen=True, slots=True)
class AnswerResult:
    """What was saved and what to ask next (None when onboarding is finished or it was an edit)."""

    field: str
    profile: Profile
    mode: str
    next_field: str | None


def check_owner(owner: int | None, presser: int) -> None:
    """A button made for one person's data refuses anyone else's press (forged or forwarded)."""
    if owner is not None and owner != presser:
        raise NotAllowed(what="profile")


def _advance(person: Person, profile: Profile, mode: str) -> str | None:
    nxt = profile.next_unanswered() if mode == "onboarding" else None
    person.awaiting_field = nxt
    person.awaiting_mode = mode if nxt else None
    return nxt


class ProfileEditing:
    """One profile answer at a time, each saved in its own transaction; only one's own profile.

    `owner` is the person a pressed button was made for: core refuses the press (NotAllowed)
    when it is not the presser, before anything is read or stored."""

    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def load(self, telegram_id: int, *, owner: int | None = None) -> tuple[Person, Profile]:
        """The person and their profile; NotConsented before consent."""
        check_owner(owner, telegram_id)
        async with self.uow() as uow:
            person = await require_person(uow, telegram_id)
            profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
            return person, profile

    async def ask(
        self, telegram_id: int, field: str, mode: str, *, owner: int | None = None
    ) -> Profile:
        """Remember the open question, so a restart does not lose the thread."""
        check_owner(owner, telegram_id)
        if field not in FIELD_NAMES:
            raise NotFound(what="field")
        async with self.uow() as uow:
            person = await require_person(uow, telegram_id)
            person.awaiting_field, person.awaiting_mode = field, mode
            await uow.people.save(person)
            profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
            await uow.commit()
            return profile

    async def answer(
        self, telegram_id: int, raw: str, field: str | None = None, *, owner: int | None = None
    ) -> AnswerResult:
        """Validate and save one answer (typed, or chosen by button when `field` is given)."""
        check_owner(owner, telegram_id)
        async with self.uow() as uow:
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

    async def skip(self, telegram_id: int, field: str, *, owner: int | None = None) -> AnswerResult:
        """Skip an optional question (or clear an optional field when editing)."""
        check_owner(owner, telegram_id)
        if spec(field).required:
            raise InvalidAnswer(reason="required", field=field)
        async with self.uow() as uow:
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

    async def stop_asking(self, telegram_id: int) -> str | None:
        """/cancel or another prompt opening: forget the open question (answers already given
        stay saved); the mode it was asked in ("onboarding", "edit"), None if none was open."""
        async with self.uow() as uow:
            person = await uow.people.get(telegram_id)
            if person is None or person.awaiting_field is None:
                return None
            mode = person.awaiting_mode or "edit"
            person.awaiting_field = person.awaiting_mode = None
            await uow.people.save(person)
            await uow.commit()
            return mode

    async def set_visibility(
        self, telegram_id: int, visibility: str, *, owner: int | None = None
    ) -> Profile:
        """Visible to all, only to meeting partners, or hidden from suggestions."""
        check_owner(owner, telegram_id)
        if visibility not in VISIBILITIES:
            raise InvalidAnswer(reason="bad_choice", field="visibility")
        async with self.uow() as uow:
            await require_person(uow, telegram_id)
            profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
            profile.visibility = visibility
            await uow.profiles.save(profile)
            await uow.commit()
            return profile

    async def toggle_hidden(
        self, telegram_id: int, field: str, *, owner: int | None = None
    ) -> Profile:
        """Hide a field from others, or show it again (who sees what: core/people/visibility.py)."""
        check_owner(owner, telegram_id)
        if field not in HIDEABLE:
            raise InvalidAnswer(reason="unknown_field", field=field)
        async with self.uow() as uow:
            await require_person(uow, telegram_id)
            profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
            if field in profile.hidden_fields:
                profile.hidden_fields.remove(field)
            else:
                profile.hidden_fields.append(field)
            await uow.profiles.save(profile)
            await uow.commit()
            return profile

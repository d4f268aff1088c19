"""Arriving at the bot: access by invite, consent to the notice, language and time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.people.access import AccessPolicy, require_person
from core.people.invites import looks_like_code
from core.people.person import LANGUAGES, NOTICE_VERSION, Consent, Person, handle_of
from core.people.ports import UnitOfWork, UowFactory
from core.people.profile import Profile
from core.reference.errors import InvalidAnswer


class Arrival(StrEnum):
    """What /start should show next."""

    DENIED = "denied"
    INVITE_INVALID = "invite_invalid"
    INVITE_USED = "invite_used"
    INVITE_RETIRED = "invite_retired"
    NEEDS_CONSENT = "needs_consent"
    RESUME_PROFILE = "resume_profile"
    WELCOME_BACK = "welcome_back"


@dataclass(frozen=True, slots=True)
class StartResult:
    """The outcome of /start, with what the handler needs to render it."""

    arrival: Arrival
    person: Person | None = None
    next_field: str | None = None
    #: The profile was filled in from the organisers' registration import.
    prefilled: bool = False
    #: The person's profile as it stands after this step (for the card or the greeting).
    profile: Profile | None = None


def valid_timezone(name: str) -> str | None:
    """The canonical IANA name, or None when Python's zone database does not know it."""
    cleaned = name.strip().replace(" ", "_")
    if not cleaned or len(cleaned) > 64 or ".." in cleaned or cleaned.startswith("/"):
        return None
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
    return cleaned


async def _has_access(uow: UnitOfWork, telegram_id: int, policy: AccessPolicy) -> bool:
    if policy.mode != "invite" or policy.is_organiser(telegram_id):
        return True
    return await uow.invites.for_user(telegram_id) is not None


class Onboarding:
    """Arriving at the bot: invite, consent, language and time zone, each in one transaction."""

    def __init__(
        self, uow: UowFactory, policy: AccessPolicy, event_timezone: str = "Europe/Brussels"
    ) -> None:
        self.uow = uow
        self.policy = policy
        self.event_timezone = event_timezone

    async def start(
        self, telegram_id: int, payload: str | None, *, now: datetime, username: str | None = None
    ) -> StartResult:
        """Bind an invite if one is given, check access, then decide between consent and profile;
        the @username is kept current (written only when it changed)."""
        policy = self.policy
        async with self.uow() as uow:
            bound_problem: Arrival | None = None
            if payload and looks_like_code(payload):
                invite = await uow.invites.get(payload)
                if invite is None:
                    bound_problem = Arrival.INVITE_INVALID
                elif invite.retired:
                    bound_problem = Arrival.INVITE_RETIRED
                elif invite.used_by is None:
                    if await uow.invites.for_user(telegram_id) is None:
                        await uow.invites.bind(payload, telegram_id, now)
                elif invite.used_by != telegram_id:
                    bound_problem = Arrival.INVITE_USED
            elif payload and policy.mode == "invite":
                bound_problem = Arrival.INVITE_INVALID
            await uow.commit()
            if not await _has_access(uow, telegram_id, policy):
                return StartResult(bound_problem or Arrival.DENIED)
            person = await uow.people.get(telegram_id)
            if person is None or not person.has_current_consent():
                return StartResult(Arrival.NEEDS_CONSENT, person)
            if person.username != handle_of(username):
                person.username = handle_of(username)
                await uow.people.set_username(telegram_id, person.username)
                await uow.commit()
            if person.unreachable_at is not None:
                # They are talking to us again, so they unblocked the bot.
                person.unreachable_at = None
                await uow.people.save(person)
                await uow.commit()
            profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
            nxt = profile.next_unanswered()
            if nxt is not None:
                person.awaiting_field, person.awaiting_mode = nxt, "onboarding"
                await uow.people.save(person)
                await uow.commit()
                return StartResult(Arrival.RESUME_PROFILE, person, nxt, profile=profile)
            return StartResult(Arrival.WELCOME_BACK, person, profile=profile)

    async def accept_consent(
        self,
        telegram_id: int,
        *,
        language: str,
        now: datetime,
        notice_version: int = NOTICE_VERSION,
        username: str | None = None,
    ) -> StartResult:
        """Record consent (time and notice version), keep the @username, and open the profile
        questions."""
        async with self.uow() as uow:
            if not await _has_access(uow, telegram_id, self.policy):
                return StartResult(Arrival.DENIED)
            person = await uow.people.get(telegram_id)
            if person is None:
                person = Person(telegram_id, language, notice_version, now)
                await uow.people.add(person)
            else:
                person.consent_version, person.consented_at = notice_version, now
            await uow.consents.add(Consent(telegram_id, notice_version, True, now))
            if person.username != handle_of(username):
                person.username = handle_of(username)
                await uow.people.set_username(telegram_id, person.username)
            profile = await uow.profiles.get(telegram_id)
            prefilled = False
            if profile is None:
                profile = Profile(telegram_id)
                prefilled = await _prefill(uow, profile, telegram_id, now)
                await uow.profiles.save(profile)
            nxt = profile.next_unanswered()
            person.awaiting_field = nxt
            person.awaiting_mode = "onboarding" if nxt else None
            await uow.people.save(person)
            await uow.commit()
            arrival = Arrival.RESUME_PROFILE if nxt else Arrival.WELCOME_BACK
            return StartResult(arrival, person, nxt, prefilled, profile)

    async def decline_consent(
        self, telegram_id: int, *, now: datetime, notice_version: int = NOTICE_VERSION
    ) -> None:
        """Store nothing new; for someone who had agreed to an older notice, log the refusal."""
        async with self.uow() as uow:
            person = await uow.people.get(telegram_id)
            if person is not None:
                await uow.consents.add(Consent(telegram_id, notice_version, False, now))
                person.awaiting_field = person.awaiting_mode = None
                await uow.people.save(person)
                await uow.commit()

    async def set_language(self, telegram_id: int, language: str) -> bool:
        """Store a consented person's language choice; False when there is nobody to store."""
        if language not in LANGUAGES:
            raise InvalidAnswer(reason="bad_choice", field="language")
        async with self.uow() as uow:
            person = await uow.people.get(telegram_id)
            if person is None or not person.has_current_consent():
                return False
            person.language = language
            await uow.people.save(person)
            await uow.commit()
            return True

    async def set_timezone(self, telegram_id: int, name: str) -> str:
        """Store the zone a remote participant follows the event from ("event" = the event's own);
        returns the zone now in force for them, or InvalidAnswer for a zone nobody knows."""
        zone = None if name == "event" else valid_timezone(name)
        if name != "event" and zone is None:
            raise InvalidAnswer(reason="unknown_timezone", field="timezone")
        if zone == self.event_timezone:
            zone = None
        async with self.uow() as uow:
            person = await require_person(uow, telegram_id)
            person.timezone = zone
            await uow.people.save(person)
            await uow.commit()
        return zone or self.event_timezone


async def _prefill(uow: UnitOfWork, profile: Profile, telegram_id: int, now: datetime) -> bool:
    """Copy what the organisers imported for this invite into a new profile."""
    invite = await uow.invites.for_user(telegram_id)
    registration = await uow.registrations.by_invite(invite.code) if invite else None
    if registration is None:
        return False
    profile.full_name = registration.name
    profile.organisation = registration.organisation or None
    profile.country = registration.country
    profile.sector = registration.sector
    profile.expertise = list(registration.expertise)
    profile.offers = registration.offers or None
    profile.seeks = registration.seeks or None
    profile.publications = list(registration.publications)
    registration.telegram_id = telegram_id
    await uow.registrations.save(registration, now)
    return True

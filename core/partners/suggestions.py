"""The suggestion index: matchable profiles as the engine sees them, and who is left out."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.matching import MatchIndex, MatchPreferences, MatchProfile, Suggestion
from core.meetings.model import RequestStatus
from core.partners.interests import InterestKind
from core.partners.ports import UnitOfWork
from core.people.profile import Profile
from core.people.visibility import Viewer, seen_by
from core.reference.countries import delegation
from core.reference.errors import NotFound
from core.reference.taxonomy import term_by_id


class ProfileIncomplete(NotFound):
    """Suggestions need the viewer's own profile first (we match on it)."""

    code = "profile_incomplete"


@dataclass(frozen=True, slots=True)
class Filters:
    """Narrowing chosen in the chat: a delegation (EU/KR) and a topic area."""

    delegation: str | None = None
    area: str | None = None


@dataclass(frozen=True, slots=True)
class Card:
    """One suggested person, what we may show of them, and why they were suggested."""

    profile: Profile
    suggestion: Suggestion
    remaining: int


@dataclass(slots=True)
class MatchSettings:
    """Organiser preferences for suggestions (from config)."""

    preferences: MatchPreferences = field(default_factory=MatchPreferences)
    skip_for: timedelta = timedelta(hours=72)


def to_match_profile(profile: Profile) -> MatchProfile:
    """The engine's view: only what the person lets others see is used to match them (and shown
    in the reasons); the organisation, never shown, only keeps colleagues apart."""
    shown = seen_by(profile, Viewer.PARTNER) or Profile(profile.telegram_id)
    expertise = []
    for k in shown.expertise:
        term = term_by_id(k.term_id) if k.term_id else None
        expertise.append(term.label_en if term else k.label)
    return MatchProfile(
        id=str(profile.telegram_id),
        name=shown.full_name or "",
        organisation=profile.organisation or "",
        country=shown.country or "",
        expertise=tuple(expertise),
        offers=shown.offers or "",
        seeks=shown.seeks or "",
        bio=shown.bio or "",
        publications=tuple(shown.publications),
        # "meetings" and "hidden" both keep a person out of suggestions.
        hidden=profile.visibility != "all",
    )


def _areas(profile: Profile) -> set[str]:
    areas = set()
    for k in profile.expertise:
        term = term_by_id(k.term_id) if k.term_id else None
        if term is not None:
            areas.add(term.area)
    return areas


class Matchmaker:
    """Holds the in-memory index of matchable profiles; built lazily from the database.
    Shared by partner suggestions and the schedule builder (match scores)."""

    def __init__(self, settings: MatchSettings | None = None) -> None:
        self.settings = settings or MatchSettings()
        self.index = MatchIndex(self.settings.preferences)
        self.profiles: dict[int, Profile] = {}
        self.built = False
        #: The database's change counter when the index was built.
        self.changes = 0

    async def ensure(self, uow: UnitOfWork) -> None:
        """Build the index on first use (one query for all complete, reachable profiles), and
        again whenever another process erased or imported people since (the change counter)."""
        changes = await uow.changes.current()
        if self.built and changes == self.changes:
            return
        profiles = await uow.profiles.all_matchable()
        self.profiles = {p.telegram_id: p for p in profiles}
        self.index.build(to_match_profile(p) for p in profiles)
        self.built, self.changes = True, changes

    def invalidate(self) -> None:
        """Forget everything; the next request rebuilds (e.g. after a bulk import)."""
        self.built = False

    def refresh(self, profile: Profile, *, matchable: bool = True) -> None:
        """Incremental update after an edit: upsert when complete, remove otherwise."""
        if not self.built:
            return
        if matchable and profile.is_complete():
            self.profiles[profile.telegram_id] = profile
            self.index.upsert(to_match_profile(profile))
        else:
            self.profiles.pop(profile.telegram_id, None)
            self.index.remove(str(profile.telegram_id))

    def forget(self, telegram_id: int) -> None:
        """Someone found gone from the database: out of the index at once."""
        self.profiles.pop(telegram_id, None)
        self.index.remove(str(telegram_id))

    def passes(self, profile_id: str, filters: Filters) -> bool:
        """The suggested profile fits the chosen delegation and topic area."""
        profile = self.profiles.get(int(profile_id))
        if profile is None:
            return False
        if filters.delegation and delegation(profile.country) != filters.delegation:
            return False
        return not (filters.area and filters.area not in _areas(profile))

    async def excluded(self, uow: UnitOfWork, viewer_id: int, now: datetime) -> set[str]:
        """Who is not suggested to the viewer: decided on (a skip wears off), unreachable,
        already met, or on the other side of a declined request."""
        out: set[str] = set()
        for interest in await uow.interests.by_actor(viewer_id):
            if (
                interest.kind is InterestKind.SKIPPED
                and now - interest.at >= self.settings.skip_for
            ):
                continue  # a skip wears off
            out.add(str(interest.target_id))
        out |= {str(i) for i in await uow.people.unreachable_ids()}
        # People I already meet, and anyone a request between us was declined by.
        for meeting in await uow.meetings.meetings_of(viewer_id, live_only=True):
            out |= {str(p) for p in meeting.people if p != viewer_id}
        for request in await uow.meetings.requests_of(viewer_id):
            if request.status is RequestStatus.DECLINED:
                other = request.to_id if request.from_id == viewer_id else request.from_id
                out.add(str(other))
        return out

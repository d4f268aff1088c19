"""Partner suggestions for attendees: the live index, one card at a time, and mutual interest."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from core.matching import MatchIndex, MatchPreferences, MatchProfile, Suggestion
from core.meetings.model import RequestStatus
from core.outbox.delivery import enqueue
from core.outbox.model import OutgoingMessage
from core.partners.interests import POSITIVE, Interest, InterestKind
from core.partners.ports import UnitOfWork, UowFactory
from core.people.access import require_person
from core.people.profile import Profile
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
    """The engine's view: only what the person lets others see is used to match them."""
    hidden = set(profile.hidden_fields)

    def shown(name: str, value: str | None) -> str:
        return "" if name in hidden or value is None else value

    expertise: tuple[str, ...] = ()
    if "expertise" not in hidden:
        labels = []
        for k in profile.expertise:
            term = term_by_id(k.term_id) if k.term_id else None
            labels.append(term.label_en if term else k.label)
        expertise = tuple(labels)
    pubs = () if "publications" in hidden else tuple(profile.publications)
    return MatchProfile(
        id=str(profile.telegram_id),
        name=shown("full_name", profile.full_name),
        organisation=profile.organisation or "",
        country=profile.country or "",
        expertise=expertise,
        offers=shown("offers", profile.offers),
        seeks=shown("seeks", profile.seeks),
        bio=shown("bio", profile.bio),
        publications=pubs,
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


async def _have_met(uow: UnitOfWork, a: int, b: int) -> bool:
    """A live meeting between the two (who may then see each other's card)."""
    return any(b in m.people for m in await uow.meetings.meetings_of(a, live_only=True))


class Matchmaker:
    """Holds the in-memory index of matchable profiles; built lazily from the database."""

    def __init__(self, settings: MatchSettings | None = None) -> None:
        self.settings = settings or MatchSettings()
        self.index = MatchIndex(self.settings.preferences)
        self.profiles: dict[int, Profile] = {}
        self.built = False

    async def ensure(self, uow: UnitOfWork) -> None:
        """Build the index on first use (one query for all complete, reachable profiles)."""
        if self.built:
            return
        profiles = await uow.profiles.all_matchable()
        self.profiles = {p.telegram_id: p for p in profiles}
        self.index.build(to_match_profile(p) for p in profiles)
        self.built = True

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

    def _passes(self, profile_id: str, filters: Filters) -> bool:
        profile = self.profiles.get(int(profile_id))
        if profile is None:
            return False
        if filters.delegation and delegation(profile.country) != filters.delegation:
            return False
        return not (filters.area and filters.area not in _areas(profile))

    async def _excluded(self, uow: UnitOfWork, viewer_id: int, now: datetime) -> set[str]:
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

    async def next_card(
        self,
        uow_factory: UowFactory,
        viewer_id: int,
        *,
        now: datetime,
        seen: Collection[int] = (),
        filters: Filters = Filters(),
    ) -> Card | None:
        """The best suggestion not yet seen in this round, recorded as shown."""
        async with uow_factory() as uow:
            await require_person(uow, viewer_id)
            own = await uow.profiles.get(viewer_id)
            if own is None or not own.is_complete():
                raise ProfileIncomplete()
            await self.ensure(uow)
            if str(viewer_id) not in self.index:
                self.refresh(own)
            exclude = await self._excluded(uow, viewer_id, now) | {str(s) for s in seen}
            exposure = await uow.interests.exposure_counts()
            found = self.index.suggest(
                str(viewer_id),
                k=50,
                exclude=exclude,
                exposure={str(k): v for k, v in exposure.items()},
                only=lambda mp: self._passes(mp.id, filters),
            )
            found = [s for s in found if s.score > 0]
            if not found:
                return None
            best = found[0]
            target = self.profiles[int(best.id)]
            await uow.interests.record_impression(viewer_id, target.telegram_id, now)
            await uow.commit()
            return Card(target, best, len(found) - 1)

    async def view(self, uow_factory: UowFactory, viewer_id: int, target_id: int) -> Card:
        """A specific person's card for the viewer (from a saved list or a notification)."""
        async with uow_factory() as uow:
            await require_person(uow, viewer_id)
            await self.ensure(uow)
            target = self.profiles.get(target_id)
            if target is None or target_id == viewer_id:
                raise NotFound(what="person")
            if target.visibility != "all" and not await _have_met(uow, viewer_id, target_id):
                raise NotFound(what="person")
            if str(viewer_id) not in self.index:
                own = await uow.profiles.get(viewer_id)
                if own is None or not own.is_complete():
                    raise ProfileIncomplete()
                self.refresh(own)
            return Card(target, self.index.score_pair(str(viewer_id), str(target_id)), 0)

    async def decide(
        self,
        uow_factory: UowFactory,
        viewer_id: int,
        target_id: int,
        kind: InterestKind,
        *,
        now: datetime,
    ) -> bool:
        """Save, skip or request; returns True when this made the interest mutual (both told)."""
        async with uow_factory() as uow:
            await require_person(uow, viewer_id)
            await self.ensure(uow)
            target = self.profiles.get(target_id)
            if target is None or target_id == viewer_id or target.visibility == "hidden":
                raise NotFound(what="person")
            await uow.interests.add(Interest(viewer_id, target_id, kind, now))
            mutual = False
            if kind in POSITIVE:
                theirs = await uow.interests.between(target_id, viewer_id)
                if any(i.kind in POSITIVE for i in theirs):
                    mutual = await self._tell_both(uow, viewer_id, target_id, now)
            await uow.commit()
            return mutual

    async def _tell_both(self, uow: UnitOfWork, a: int, b: int, now: datetime) -> bool:
        lo, hi = sorted((a, b))
        told = False
        for recipient, other in ((a, b), (b, a)):
            profile = self.profiles.get(other) or await uow.profiles.get(other)
            name = (profile.full_name if profile else None) or "?"
            told |= await enqueue(
                uow,
                recipient_id=recipient,
                message=OutgoingMessage(
                    key="partners.mutual",
                    params={"name": name},
                    buttons=[[{"key": "partners.view", "data": f"pt:v:{other}:{recipient}"}]],
                ),
                due_at=now,
                dedupe_key=f"mutual:{lo}:{hi}:{recipient}",
                now=now,
            )
        return told

    async def forget(self, uow_factory: UowFactory, viewer_id: int, target_id: int) -> bool:
        """Remove a person from the saved list."""
        async with uow_factory() as uow:
            await require_person(uow, viewer_id)
            removed = await uow.interests.remove(viewer_id, target_id, InterestKind.SAVED)
            await uow.commit()
            return removed

    async def saved(self, uow_factory: UowFactory, viewer_id: int) -> list[Profile]:
        """People the viewer saved, newest first, still visible."""
        async with uow_factory() as uow:
            await require_person(uow, viewer_id)
            await self.ensure(uow)
            out = []
            for interest in await uow.interests.by_actor(viewer_id):
                if interest.kind is InterestKind.SAVED:
                    target = self.profiles.get(interest.target_id)
                    if target is not None and target.visibility == "all":
                        out.append(target)
            return out

"""The partners door: suggestion cards, saved people and mutual interest for one viewer."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from core.outbox.delivery import enqueue
from core.outbox.model import Action, OutgoingMessage
from core.partners.interests import POSITIVE, Interest, InterestKind
from core.partners.ports import UnitOfWork, UowFactory
from core.partners.suggestions import Card, Filters, Matchmaker, ProfileIncomplete
from core.people.access import require_person
from core.people.profile import Profile
from core.people.visibility import Viewer, name_seen, seen_by
from core.reference.errors import NotAllowed, NotFound

#: Suggestions from everyone (no country or topic narrowing).
NO_FILTERS = Filters()
#: Suggestions looked at for one card (the rest are counted as "more").
SHORTLIST = 50


@dataclass(frozen=True, slots=True)
class Decision:
    """What saving, skipping or requesting a suggested person did."""

    #: The suggested person's name, for the confirmation.
    name: str
    #: Both sides are now interested (both were told).
    mutual: bool


async def _have_met(uow: UnitOfWork, a: int, b: int) -> bool:
    """A live meeting between the two (who may then see each other's card)."""
    return any(b in m.people for m in await uow.meetings.meetings_of(a, live_only=True))


class Partners:
    """Suggestions for one viewer at a time; a card's buttons act only for the viewer it was
    made for."""

    def __init__(self, uow: UowFactory, matchmaker: Matchmaker) -> None:
        self.uow = uow
        self.matchmaker = matchmaker

    @staticmethod
    def own_card(card_for: int, presser: int) -> None:
        """A card (or filter menu) was made for one viewer; anyone else pressing it is refused."""
        if card_for != presser:
            raise NotAllowed()

    @property
    def skip_days(self) -> int:
        """How many days a skipped person stays out of suggestions (at least one)."""
        return max(1, round(self.matchmaker.settings.skip_for.total_seconds() / 86400))

    async def next_card(
        self,
        viewer: int,
        *,
        now: datetime,
        seen: Collection[int] = (),
        filters: Filters = NO_FILTERS,
    ) -> Card | None:
        """The best suggestion not yet seen in this round, recorded as shown."""
        mm = self.matchmaker
        async with self.uow() as uow:
            await require_person(uow, viewer)
            own = await uow.profiles.get(viewer)
            if own is None or not own.is_complete():
                raise ProfileIncomplete()
            await mm.ensure(uow)
            if str(viewer) not in mm.index:
                mm.refresh(own)
            exclude = await mm.excluded(uow, viewer, now) | {str(s) for s in seen}
            exposure = await uow.interests.exposure_counts()
            found = mm.index.suggest(
                str(viewer),
                k=SHORTLIST,
                exclude=exclude,
                exposure={str(k): v for k, v in exposure.items()},
                only=lambda mp: mm.passes(mp.id, filters),
            )
            found = [s for s in found if s.score > 0]
            for rank, best in enumerate(found):
                target = seen_by(mm.profiles[int(best.id)], Viewer.STRANGER)
                if target is None:  # the index holds only cards visible to all
                    continue
                if await uow.interests.record_impression(viewer, target.telegram_id, now):
                    await uow.commit()
                    return Card(target, best, len(found) - rank - 1)
                mm.forget(target.telegram_id)  # erased since the counter was read
            return None

    async def view(self, viewer: int, target_id: int) -> Card:
        """One person's card for the viewer (from the saved list or a notification)."""
        mm = self.matchmaker
        async with self.uow() as uow:
            await require_person(uow, viewer)
            await mm.ensure(uow)
            if target_id == viewer or await uow.people.get(target_id) is None:
                raise NotFound(what="person")
            met = await _have_met(uow, viewer, target_id)
            target = seen_by(mm.profiles.get(target_id), Viewer.PARTNER if met else Viewer.STRANGER)
            if target is None:
                raise NotFound(what="person")
            if str(viewer) not in mm.index:
                own = await uow.profiles.get(viewer)
                if own is None or not own.is_complete():
                    raise ProfileIncomplete()
                mm.refresh(own)
            return Card(target, mm.index.score_pair(str(viewer), str(target_id)), 0)

    async def decide(
        self, viewer: int, target_id: int, kind: InterestKind, *, now: datetime
    ) -> Decision:
        """Save, skip or request someone; both are told when the interest became mutual."""
        mm = self.matchmaker
        async with self.uow() as uow:
            await require_person(uow, viewer)
            await mm.ensure(uow)
            target = mm.profiles.get(target_id)
            if target is None or target_id == viewer or target.visibility == "hidden":
                raise NotFound(what="person")
            if not await uow.interests.add(Interest(viewer, target_id, kind, now)):
                mm.forget(target_id)  # erased since the counter was read
                raise NotFound(what="person")
            mutual = False
            if kind in POSITIVE:
                theirs = await uow.interests.between(target_id, viewer)
                if any(i.kind in POSITIVE for i in theirs):
                    mutual = await self._tell_both(uow, viewer, target_id, now)
            await uow.commit()
            return Decision(name_seen(target), mutual)

    async def _tell_both(self, uow: UnitOfWork, a: int, b: int, now: datetime) -> bool:
        lo, hi = sorted((a, b))
        told = False
        for recipient, other in ((a, b), (b, a)):
            profile = self.matchmaker.profiles.get(other) or await uow.profiles.get(other)
            name = name_seen(profile)  # both are interested: partners to each other
            told |= await enqueue(
                uow,
                recipient_id=recipient,
                message=OutgoingMessage(
                    key="partners.mutual",
                    params={"name": name},
                    buttons=[
                        [Action("partners.card.view", (other, recipient)).button("partners.view")]
                    ],
                ),
                due_at=now,
                dedupe_key=f"mutual:{lo}:{hi}:{recipient}",
                now=now,
            )
        return told

    async def unsave(self, viewer: int, target_id: int) -> bool:
        """Take someone off my saved list."""
        async with self.uow() as uow:
            await require_person(uow, viewer)
            removed = await uow.interests.remove(viewer, target_id, InterestKind.SAVED)
            await uow.commit()
            return removed

    async def saved(self, viewer: int) -> list[Profile]:
        """People I saved, newest first, as I may see them (a card hidden since is left out)."""
        mm = self.matchmaker
        async with self.uow() as uow:
            await require_person(uow, viewer)
            await mm.ensure(uow)
            out = []
            for interest in await uow.interests.by_actor(viewer):
                if interest.kind is InterestKind.SAVED:
                    target = seen_by(mm.profiles.get(interest.target_id), Viewer.STRANGER)
                    if target is not None:
                        out.append(target)
            return out

    def refresh(self, profile: Profile, *, matchable: bool = True) -> None:
        """An edited profile enters (or leaves) the suggestion index."""
        self.matchmaker.refresh(profile, matchable=matchable)

    def invalidate(self) -> None:
        """Rebuild the index on next use (after an import, an erasure or another process)."""
        self.matchmaker.invalidate()

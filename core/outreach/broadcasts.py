"""Announcements to everyone or a segment, delivered through the outbox with a live report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from core.outbox.model import OutboxRow, OutgoingMessage, Status
from core.outreach.model import Broadcast, BroadcastStatus, Report, prefix, valid_audience
from core.outreach.ports import UnitOfWork, UowFactory
from core.people.access import AccessPolicy, require_organiser
from core.programme.attendance import ATTENDING
from core.reference.countries import delegation
from core.reference.errors import NotFound

#: How many upcoming sessions the audience choice offers.
SESSION_CHOICES = 6


async def recipients(uow: UnitOfWork, audience: str) -> list[int]:
    """Consented, reachable people in the audience, by id (a handful of queries, not per person)."""
    kind, _, value = audience.partition(".")
    followers: set[int] = set()
    if kind == "session":
        followers = {p for p, st, _ in await uow.agenda.followers(value) if st in ATTENDING}
    profiles = await uow.profiles.all_basic()
    busy = await uow.meetings.people_with_live_meetings() if audience == "no_meeting" else set()
    out = []
    for person in await uow.people.everyone():
        if person.unreachable_at is not None or not person.has_current_consent():
            continue
        pid = person.telegram_id
        profile = profiles.get(pid)
        if audience in ("eu", "kr"):
            ok = delegation(profile.country if profile else None) == audience.upper()
        elif audience == "no_meeting":
            ok = pid not in busy
        elif audience == "unfinished":
            ok = profile is None or not profile.is_complete()
        elif kind == "sector":
            ok = profile is not None and profile.sector == value
        elif kind == "session":
            ok = pid in followers
        else:
            ok = True
        if ok:
            out.append(pid)
    return out


@dataclass(slots=True)
class Draft:
    """A kept announcement and the upcoming sessions whose followers it could go to."""

    broadcast: Broadcast
    #: (key, title) of up to SESSION_CHOICES sessions that have not ended, in agenda order.
    sessions: list[tuple[str, str]] = field(default_factory=list)


async def _report(uow: UnitOfWork, item: Broadcast) -> Report:
    """Counts from the outbox rows; marks the broadcast done when nothing is pending."""
    assert item.id is not None
    report = Report(item.total)
    reasons: Counter[str] = Counter()
    for status, error in await uow.outbox.statuses(prefix(item.id)):
        if status is Status.SENT:
            report.sent += 1
        elif status is Status.UNREACHABLE:
            report.blocked += 1
        elif status in (Status.FAILED, Status.DROPPED):
            report.failed += 1
            reasons[(error or "unknown")[:80]] += 1
        else:
            report.pending += 1
    report.reasons = dict(reasons.most_common(5))
    if item.status is BroadcastStatus.SENDING and report.finished:
        item.status = BroadcastStatus.DONE
        await uow.broadcasts.save(item)
    return report


async def recent_reports(uow: UnitOfWork, limit: int) -> list[tuple[Broadcast, Report]]:
    """The latest broadcasts, newest first, each with its report (the caller commits)."""
    return [(item, await _report(uow, item)) for item in await uow.broadcasts.recent(limit)]


class Broadcasts:
    """Draft, target, send, and report on announcements; only organisers may do the first three."""

    def __init__(self, uow: UowFactory, policy: AccessPolicy) -> None:
        self.uow = uow
        self.policy = policy

    async def draft(self, author: int, message: OutgoingMessage, *, now: datetime) -> Draft:
        """Keep the composed message until the audience is chosen."""
        require_organiser(self.policy, author)
        async with self.uow() as uow:
            item = Broadcast(None, author, message, BroadcastStatus.DRAFT, now)
            await uow.broadcasts.add(item)
            sessions = [s for s in await uow.agenda.sessions() if s.ends_at > now]
            await uow.commit()
            return Draft(item, [(s.key, s.title) for s in sessions[:SESSION_CHOICES]])

    async def target(
        self, organiser: int, broadcast_id: int, audience: str
    ) -> tuple[Broadcast, int]:
        """Choose the audience of a draft; returns it with the recipient count for the preview."""
        require_organiser(self.policy, organiser)
        if not valid_audience(audience):
            raise NotFound(what="audience")
        async with self.uow() as uow:
            item = await uow.broadcasts.get(broadcast_id)
            if item is None or item.status is not BroadcastStatus.DRAFT:
                raise NotFound(what="broadcast")
            item.audience = audience
            count = len(await recipients(uow, audience))
            await uow.broadcasts.save(item)
            await uow.commit()
            return item, count

    async def send(self, organiser: int, broadcast_id: int, *, now: datetime) -> Broadcast:
        """One outbox row per recipient, all in one transaction; a second press adds nothing."""
        require_organiser(self.policy, organiser)
        async with self.uow() as uow:
            item = await uow.broadcasts.get(broadcast_id)
            if item is None or item.id is None:
                raise NotFound(what="broadcast")
            if item.status is not BroadcastStatus.DRAFT or not item.audience:
                return item
            people = await recipients(uow, item.audience)
            item.message.paid = True
            await uow.outbox.enqueue_many(
                [
                    OutboxRow(
                        None,
                        person,
                        item.message,
                        now,
                        f"{prefix(item.id)}{person}",
                        created_at=now,
                    )
                    for person in people
                ]
            )
            item.status, item.total, item.sent_at = BroadcastStatus.SENDING, len(people), now
            await uow.broadcasts.save(item)
            await uow.commit()
            return item

    async def cancel(self, organiser: int, broadcast_id: int) -> None:
        """Discard a draft."""
        require_organiser(self.policy, organiser)
        async with self.uow() as uow:
            item = await uow.broadcasts.get(broadcast_id)
            if item is not None and item.status is BroadcastStatus.DRAFT:
                item.status = BroadcastStatus.CANCELLED
                await uow.broadcasts.save(item)
                await uow.commit()

    async def set_progress_message(
        self, organiser: int, broadcast_id: int, message_id: int
    ) -> None:
        """Remember which message shows the progress, so a restart keeps editing it."""
        require_organiser(self.policy, organiser)
        async with self.uow() as uow:
            item = await uow.broadcasts.get(broadcast_id)
            if item is not None:
                item.progress_message_id = message_id
                await uow.broadcasts.save(item)
                await uow.commit()

    async def report(self, broadcast_id: int) -> tuple[Broadcast, Report]:
        """Counts from the outbox rows; marks the broadcast done when nothing is pending."""
        async with self.uow() as uow:
            item = await uow.broadcasts.get(broadcast_id)
            if item is None or item.id is None:
                raise NotFound(what="broadcast")
            report = await _report(uow, item)
            await uow.commit()
            return item, report

    async def active(self) -> list[Broadcast]:
        """Broadcasts still being delivered (for the progress job)."""
        async with self.uow() as uow:
            return await uow.broadcasts.with_status(BroadcastStatus.SENDING)

    async def recent(self, organiser: int, limit: int = 10) -> list[tuple[Broadcast, Report]]:
        """The latest broadcasts, newest first, with their reports (for /broadcasts)."""
        require_organiser(self.policy, organiser)
        async with self.uow() as uow:
            reports = await recent_reports(uow, limit)
            await uow.commit()
            return reports

"""Announcements to everyone or a segment, delivered through the outbox with a live report."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from core.outbox.model import OutboxRow, OutgoingMessage, Status
from core.outreach.model import Broadcast, BroadcastStatus, Report, prefix, valid_audience
from core.outreach.ports import UnitOfWork, UowFactory
from core.programme.attendance import ATTENDING
from core.reference.countries import delegation
from core.reference.errors import NotFound

AUDIENCES = ("all", "eu", "kr", "no_meeting", "unfinished")


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


class Broadcasts:
    """Draft, target, send, and report on announcements."""

    def __init__(self, uow: UowFactory) -> None:
        self.uow = uow

    async def draft(self, author: int, message: OutgoingMessage, *, now: datetime) -> Broadcast:
        """Keep the composed message until the audience is chosen."""
        async with self.uow() as uow:
            item = Broadcast(None, author, message, BroadcastStatus.DRAFT, now)
            await uow.broadcasts.add(item)
            await uow.commit()
            return item

    async def target(self, broadcast_id: int, audience: str) -> tuple[Broadcast, int]:
        """Choose the audience of a draft; returns it with the recipient count for the preview."""
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

    async def send(self, broadcast_id: int, *, now: datetime) -> Broadcast:
        """One outbox row per recipient, all in one transaction; a second press adds nothing."""
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

    async def cancel(self, broadcast_id: int) -> None:
        """Discard a draft."""
        async with self.uow() as uow:
            item = await uow.broadcasts.get(broadcast_id)
            if item is not None and item.status is BroadcastStatus.DRAFT:
                item.status = BroadcastStatus.CANCELLED
                await uow.broadcasts.save(item)
                await uow.commit()

    async def set_progress_message(self, broadcast_id: int, message_id: int) -> None:
        """Remember which message shows the progress, so a restart keeps editing it."""
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
                await uow.commit()
            return item, report

    async def active(self) -> list[Broadcast]:
        """Broadcasts still being delivered (for the progress job)."""
        async with self.uow() as uow:
            return await uow.broadcasts.with_status(BroadcastStatus.SENDING)

    async def recent(self, limit: int = 10) -> list[Broadcast]:
        """The latest broadcasts, newest first."""
        async with self.uow() as uow:
            return await uow.broadcasts.recent(limit)

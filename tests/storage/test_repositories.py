"""Repositories round-trip core objects and keep the database rules, on both databases."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from core.outbox.model import OutboxRow, OutgoingMessage, Status
from core.people.invites import Invite
from core.people.person import Consent, Person
from core.people.profile import Profile
from core.reference.taxonomy import Keyword
from storage.engine import create_engine, session_factory
from storage.uow import SqlUnitOfWorkFactory

NOW = datetime(2025, 4, 10, 12, 30, tzinfo=UTC)


@pytest.fixture
async def uow(db_url):
    engine = create_engine(db_url)
    yield SqlUnitOfWorkFactory(session_factory(engine))
    await engine.dispose()


async def test_person_profile_and_consent_round_trip(uow):
    async with uow() as u:
        await u.people.add(Person(7_000_000_001, "ko", 1, NOW, "bio", "edit"))
        await u.consents.add(Consent(7_000_000_001, 1, True, NOW))
        await u.profiles.save(
            Profile(
                7_000_000_001,
                full_name="<b>Kim & Lee</b>",
                country="KR",
                expertise=[Keyword("Quantum key distribution", "qkd"), Keyword("빛", None)],
                skipped=["he_interests"],
            )
        )
        await u.commit()
    async with uow() as u:
        person = await u.people.get(7_000_000_001)
        profile = await u.profiles.get(7_000_000_001)
        consents = await u.consents.for_person(7_000_000_001)
    assert person == Person(7_000_000_001, "ko", 1, NOW, "bio", "edit")
    assert person.consented_at.tzinfo is not None
    assert profile is not None and profile.full_name == "<b>Kim & Lee</b>"
    assert profile.expertise == [Keyword("Quantum key distribution", "qkd"), Keyword("빛", None)]
    assert profile.skipped == ["he_interests"]
    assert consents == [Consent(7_000_000_001, 1, True, NOW)]


async def test_uncommitted_work_is_rolled_back(uow):
    async with uow() as u:
        await u.people.add(Person(11, "en", 1, NOW))
    async with uow() as u:
        assert await u.people.get(11) is None


async def test_invite_binds_once_even_when_two_accounts_race(uow):
    async with uow() as u:
        await u.invites.add(Invite("race-code-123", NOW))
        await u.commit()

    async def claim(user_id: int) -> bool:
        async with uow() as u:
            ok = await u.invites.bind("race-code-123", user_id, NOW)
            await u.commit()
            return ok

    results = await asyncio.gather(claim(1), claim(2))
    assert sorted(results) == [False, True]
    async with uow() as u:
        invite = await u.invites.get("race-code-123")
    assert invite is not None and invite.used_by in (1, 2)


async def test_one_account_cannot_hold_two_invites(uow):
    async with uow() as u:
        await u.invites.add(Invite("first-code-1", NOW))
        await u.invites.add(Invite("second-code-2", NOW))
        await u.invites.bind("first-code-1", 5, NOW)
        await u.commit()
    with pytest.raises(IntegrityError):
        async with uow() as u:
            await u.invites.bind("second-code-2", 5, NOW)
            await u.commit()


def _row(key: str, due: datetime, recipient: int = 1) -> OutboxRow:
    return OutboxRow(None, recipient, OutgoingMessage(text=key), due, key, created_at=NOW)


async def test_outbox_dedupe_claim_order_and_lease(uow):
    async with uow() as u:
        assert await u.outbox.enqueue(_row("b", NOW - timedelta(minutes=1)))
        assert await u.outbox.enqueue(_row("a", NOW - timedelta(minutes=2)))
        assert await u.outbox.enqueue(_row("future", NOW + timedelta(hours=1)))
        assert not await u.outbox.enqueue(_row("a", NOW))
        await u.commit()
    lease = NOW + timedelta(seconds=60)
    async with uow() as u:
        claimed = await u.outbox.claim_due(NOW, 10, lease)
        await u.commit()
    assert [r.dedupe_key for r in claimed] == ["a", "b"]
    assert all(r.status == Status.SENDING and r.attempts == 1 for r in claimed)
    async with uow() as u:
        assert await u.outbox.claim_due(NOW + timedelta(seconds=30), 10, lease) == []
        again = await u.outbox.claim_due(NOW + timedelta(seconds=61), 10, lease)
        await u.rollback()
    assert [r.dedupe_key for r in again] == ["a", "b"]
    assert all(r.attempts == 2 for r in again)


async def test_concurrent_claims_never_share_a_row(uow):
    async with uow() as u:
        for i in range(30):
            await u.outbox.enqueue(_row(f"k{i}", NOW))
        await u.commit()

    async def claim() -> list[str]:
        async with uow() as u:
            rows = await u.outbox.claim_due(NOW, 20, NOW + timedelta(seconds=60))
            await u.commit()
            return [r.dedupe_key for r in rows]

    first, second = await asyncio.gather(claim(), claim())
    assert not set(first) & set(second)
    assert len(first) + len(second) == 30

"""The consortia repository round-trips topics, consortia, members, their card messages and
@usernames, on both databases, and the database cleans up after an erased person."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete

from core.consortia.model import Consortium, Entity, EntityType, Member, MemberStatus, Topic
from core.consortia.programme import ActionType, Pillar
from core.people.person import Person
from storage.engine import create_engine, session_factory
from storage.people.rows import PersonRow
from storage.uow import SqlUnitOfWorkFactory

NOW = datetime(2025, 4, 10, 12, 30, tzinfo=UTC)
TOPIC = Topic(
    "HORIZON-CL4-2025-05-DIGITAL-EMERGING-05",
    "Pilot lines",
    ActionType.RIA,
    Pillar.II,
    frozenset({"MS", "NO"}),
    frozenset(),
    "restricted",
)


@pytest.fixture
async def uow(db_url):
    engine = create_engine(db_url)
    yield SqlUnitOfWorkFactory(session_factory(engine))
    await engine.dispose()


async def test_topics_replace_the_declared_ones(uow):
    other = Topic("ERC-2025-STG", "Starting grants", ActionType.ERC, Pillar.I)
    async with uow() as u:
        await u.consortia.set_topics([TOPIC, other])
        await u.commit()
    async with uow() as u:
        assert await u.consortia.topic(TOPIC.id) == TOPIC
        await u.consortia.set_topics([other])
        await u.commit()
    async with uow() as u:
        assert await u.consortia.topic(TOPIC.id) is None  # no longer declared
        assert [t.id for t in await u.consortia.topics()] == ["ERC-2025-STG"]


async def test_consortium_members_cards_and_handles_round_trip_and_follow_an_erasure(uow):
    async with uow() as u:
        for pid in (1, 2):
            await u.people.add(Person(pid, "en", 1, NOW))
        entity = Entity("KIST", "KR", EntityType.RESEARCH, "999987654", affiliated=False)
        cid = await u.consortia.add(
            Consortium(
                None,
                "Quantum-safe links",
                TOPIC.id,
                ActionType.RIA,
                "idea",
                1,
                NOW,
                members=(Member(1, MemberStatus.MEMBER, entity=entity, at=NOW),),
            )
        )
        await u.consortia.save_member(cid, Member(2, MemberStatus.INVITED, invited_by=1, at=NOW))
        assert await u.consortia.touch(cid) == 2
        await u.people.set_username(2, "anna_dv")
        await u.people.set_username(1, "anna_dv")  # the username moved on
        await u.consortia.remember_card(cid, 1, 41, "a" * 32, NOW)
        await u.consortia.remember_card(cid, 1, 42, "b" * 32, NOW)  # the newest card counts
        await u.consortia.remember_card(cid, 2, 7, "c" * 32, NOW)
        await u.commit()
    async with uow() as u:
        stored = await u.consortia.get(cid)
        assert stored is not None and stored.coordinator_id == 1
        assert stored.member(1).entity == entity
        assert stored.member(2).status is MemberStatus.INVITED
        assert stored.member(2).invited_by == 1
        assert await u.people.by_username("anna_dv") == 1
        assert (await u.people.get(2)).username is None
        assert await u.consortia.card_message(cid, 1) == (42, "b" * 32)
        assert [c.id for c in await u.consortia.of_person(2)] == [cid]
        # An entity affiliated with another member's keeps who that is.
        linked = Entity("KIST foundation", "KR", EntityType.RESEARCH, affiliated=True)
        await u.consortia.save_member(
            cid,
            Member(2, MemberStatus.MEMBER, entity=replace(linked, affiliated_with=1), at=NOW),
        )
        await u.commit()
    async with uow() as u:
        assert (await u.consortia.get(cid)).member(2).entity.affiliated_with == 1
        await u.session.execute(delete(PersonRow).where(PersonRow.telegram_id == 1))
        await u.commit()
    async with uow() as u:
        stored = await u.consortia.get(cid)
        assert stored is not None
        assert [m.telegram_id for m in stored.members] == [2]
        assert stored.member(2).invited_by is None
        assert stored.member(2).entity.affiliated_with is None
        assert await u.people.by_username("anna_dv") is None
        assert await u.consortia.card_message(cid, 1) is None
        assert await u.consortia.card_message(cid, 2) == (7, "c" * 32)
        await u.consortia.forget_card(cid, 2)
        assert await u.consortia.card_message(cid, 2) is None

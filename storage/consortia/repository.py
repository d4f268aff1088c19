"""Repository of call topics, consortia and their members."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.consortia.model import Consortium, Entity, EntityType, Member, MemberStatus, Topic
from core.consortia.programme import ActionType, Pillar
from storage.consortia.rows import CardMessageRow, ConsortiumMemberRow, ConsortiumRow, TopicRow


def _topic(row: TopicRow) -> Topic:
    return Topic(
        id=row.id,
        title=row.title,
        action=ActionType(row.action) if row.action else None,
        pillar=Pillar(row.pillar) if row.pillar else None,
        allowed=frozenset(str(c) for c in row.allowed or []),
        excluded=frozenset(str(c) for c in row.excluded or []),
        note=row.note,
    )


def _member(row: ConsortiumMemberRow) -> Member:
    entity = None
    if row.entity_name and row.entity_country:
        entity = Entity(
            row.entity_name,
            row.entity_country,
            EntityType(row.entity_kind or "other"),
            row.entity_pic,
            row.entity_affiliated,
            row.affiliated_id if row.entity_affiliated else None,
        )
    return Member(row.telegram_id, MemberStatus(row.status), "", entity, row.from_id, row.at)


class SqlConsortia:
    """consortium_topics, consortia and consortium_members."""

    def __init__(self, session: AsyncSession) -> None:
        self.s = session

    async def set_topics(self, topics: Sequence[Topic]) -> None:
        """The event file's topics replace the declared ones (dropped ones stay, inactive)."""
        await self.s.execute(update(TopicRow).values(active=False))
        for topic in topics:
            row = await self.s.get(TopicRow, topic.id)
            if row is None:
                row = TopicRow(id=topic.id)
                self.s.add(row)
            row.title = topic.title
            row.action = topic.action.value if topic.action else None
            row.pillar = topic.pillar.value if topic.pillar else None
            row.allowed = sorted(topic.allowed)
            row.excluded = sorted(topic.excluded)
            row.note = topic.note
            row.active = True
        await self.s.flush()

    async def topics(self) -> list[Topic]:
        rows = await self.s.scalars(
            select(TopicRow).where(TopicRow.active.is_(True)).order_by(TopicRow.id)
        )
        return [_topic(r) for r in rows]

    async def topic(self, topic_id: str) -> Topic | None:
        row = await self.s.get(TopicRow, topic_id)
        return _topic(row) if row is not None and row.active else None

    async def add(self, consortium: Consortium) -> int:
        row = ConsortiumRow(
            title=consortium.title,
            topic_id=consortium.topic_id,
            action=consortium.action.value,
            description=consortium.description,
            coordinator_id=consortium.coordinator_id,
            created_at=consortium.created_at,
            version=1,
        )
        self.s.add(row)
        await self.s.flush()
        for member in consortium.members:
            await self.save_member(row.id, member)
        return row.id

    async def _members(self, ids: Sequence[int]) -> dict[int, list[Member]]:
        out: dict[int, list[Member]] = {i: [] for i in ids}
        if not ids:
            return out
        rows = await self.s.scalars(
            select(ConsortiumMemberRow)
            .where(ConsortiumMemberRow.consortium_id.in_(ids))
            .order_by(ConsortiumMemberRow.at, ConsortiumMemberRow.telegram_id)
        )
        for row in rows:
            out[row.consortium_id].append(_member(row))
        return out

    @staticmethod
    def _core(row: ConsortiumRow, members: list[Member]) -> Consortium:
        return Consortium(
            id=row.id,
            title=row.title,
            topic_id=row.topic_id,
            action=ActionType(row.action),
            description=row.description,
            coordinator_id=row.coordinator_id or 0,
            created_at=row.created_at,
            closed=row.closed_at is not None,
            members=tuple(members),
        )

    async def get(self, consortium_id: int, *, lock: bool = False) -> Consortium | None:
        query = select(ConsortiumRow).where(ConsortiumRow.id == consortium_id)
        if lock:
            query = query.with_for_update()
        row = await self.s.scalar(query)
        if row is None:
            return None
        members = await self._members([row.id])
        return self._core(row, members[row.id])

    async def _many(self, rows: Sequence[ConsortiumRow]) -> list[Consortium]:
        members = await self._members([r.id for r in rows])
        return [self._core(r, members[r.id]) for r in rows]

    async def of_person(self, person: int) -> list[Consortium]:
        ids = select(ConsortiumMemberRow.consortium_id).where(
            ConsortiumMemberRow.telegram_id == person
        )
        rows = await self.s.scalars(
            select(ConsortiumRow).where(ConsortiumRow.id.in_(ids)).order_by(ConsortiumRow.id)
        )
        return await self._many(list(rows))

    async def all(self) -> list[Consortium]:
        rows = await self.s.scalars(select(ConsortiumRow).order_by(ConsortiumRow.id))
        return await self._many(list(rows))

    async def save_member(self, consortium_id: int, member: Member) -> None:
        row = await self.s.get(ConsortiumMemberRow, (consortium_id, member.telegram_id))
        if row is None:
            row = ConsortiumMemberRow(consortium_id=consortium_id, telegram_id=member.telegram_id)
            self.s.add(row)
        row.status = member.status.value
        row.from_id = member.invited_by
        assert member.at is not None
        row.at = member.at
        entity = member.entity
        row.entity_name = entity.name if entity else None
        row.entity_country = entity.country if entity else None
        row.entity_kind = entity.kind.value if entity else None
        row.entity_pic = entity.pic if entity else None
        row.entity_affiliated = bool(entity and entity.affiliated)
        row.affiliated_id = entity.affiliated_with if entity and entity.affiliated else None
        await self.s.flush()

    async def remove_member(self, consortium_id: int, person: int) -> bool:
        result = await self.s.execute(
            delete(ConsortiumMemberRow).where(
                ConsortiumMemberRow.consortium_id == consortium_id,
                ConsortiumMemberRow.telegram_id == person,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def set_coordinator(self, consortium_id: int, person: int) -> None:
        await self.s.execute(
            update(ConsortiumRow)
            .where(ConsortiumRow.id == consortium_id)
            .values(coordinator_id=person)
        )

    async def close(self, consortium_id: int, at: datetime) -> None:
        await self.s.execute(
            update(ConsortiumRow).where(ConsortiumRow.id == consortium_id).values(closed_at=at)
        )

    async def touch(self, consortium_id: int) -> int:
        """A change: the new version (names each change's notices once)."""
        row = await self.s.get(ConsortiumRow, consortium_id)
        if row is None:
            return 0
        row.version += 1
        await self.s.flush()
        return row.version

    async def card_message(self, consortium_id: int, person: int) -> tuple[int, str] | None:
        """The message that last showed the person this card, and what it showed."""
        row = await self.s.get(CardMessageRow, (consortium_id, person))
        return None if row is None else (row.message_id, row.fingerprint)

    async def remember_card(
        self, consortium_id: int, person: int, message_id: int, fingerprint: str, at: datetime
    ) -> None:
        """The card's message for this person now (replaces the one before)."""
        row = await self.s.get(CardMessageRow, (consortium_id, person))
        if row is None:
            row = CardMessageRow(consortium_id=consortium_id, telegram_id=person)
            self.s.add(row)
        row.message_id, row.fingerprint, row.at = message_id, fingerprint, at
        await self.s.flush()

    async def forget_card(self, consortium_id: int, person: int) -> None:
        """The person no longer sees this consortium: their card is not kept up to date."""
        await self.s.execute(
            delete(CardMessageRow).where(
                CardMessageRow.consortium_id == consortium_id,
                CardMessageRow.telegram_id == person,
            )
        )

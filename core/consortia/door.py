"""The consortia door: create, invite, answer, give one's legal entity, remove, hand over,
close and leave; every change is told to the other members with the new verdict."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from core.consortia import invitations, reports
from core.consortia.cards import (
    Card,
    ConsortiumError,
    as_coordinator,
    card_of,
    load,
    parents,
    prefilled,
    require_member,
    require_open,
)
from core.consortia.fields import PIC, check_description, check_title, check_topic, one_line
from core.consortia.gap import Gap, fill_gap
from core.consortia.model import (
    ENTITY_NAME_MAX,
    Consortium,
    Entity,
    EntityType,
    Member,
    MemberStatus,
    Topic,
)
from core.consortia.notices import Notice, notice, notify, refresh
from core.consortia.ports import UnitOfWork, UowFactory
from core.consortia.programme import ActionType, normalise_topic_id
from core.partners.suggestions import Matchmaker
from core.people.access import AccessPolicy, require_organiser, require_person
from core.people.profile import Profile
from core.people.visibility import name_seen
from core.reference.countries import resolve_country
from core.reference.errors import NotAllowed, NotFound


class Consortia:
    """Consortium building for members; organisers' figures and exports are in `reports`."""

    def __init__(self, uow: UowFactory, matchmaker: Matchmaker, policy: AccessPolicy) -> None:
        self.uow = uow
        self.matchmaker = matchmaker
        self.policy = policy

    async def topic(self, topic_id: str) -> Topic | None:
        """A topic the organisers declared, by its identifier."""
        async with self.uow() as uow:
            return await uow.consortia.topic(normalise_topic_id(topic_id))

    async def topics(self) -> list[Topic]:
        """The topics the organisers declared in the event file."""
        async with self.uow() as uow:
            return await uow.consortia.topics()

    async def mine(self, person: int, *, now: datetime) -> list[Card]:
        """The consortia one is in or invited to (declined ones left out), newest last."""
        async with self.uow() as uow:
            await require_person(uow, person)
            cards = []
            for consortium in await uow.consortia.of_person(person):
                member = consortium.member(person)
                if member is not None and member.status is not MemberStatus.DECLINED:
                    cards.append(await card_of(uow, consortium, person, now))
            return cards

    async def card(self, viewer: int, consortium_id: int, *, now: datetime) -> Card:
        """The status card, for members and invitees only."""
        async with self.uow() as uow:
            await require_person(uow, viewer)
            consortium = await load(uow, consortium_id)
            require_member(consortium, viewer, invited=True)
            return await card_of(uow, consortium, viewer, now)

    async def create(
        self,
        person: int,
        *,
        title: str,
        topic_id: str,
        action: ActionType,
        description: str,
        now: datetime,
    ) -> Card:
        """A new consortium; its creator coordinates, their entity prefilled from the profile."""
        async with self.uow() as uow:
            await require_person(uow, person)
            entity = prefilled(await uow.profiles.get(person))
            consortium = Consortium(
                None,
                check_title(title),
                check_topic(topic_id),
                action,
                check_description(description),
                person,
                now,
                members=(Member(person, MemberStatus.MEMBER, entity=entity, at=now),),
            )
            new_id = await uow.consortia.add(consortium)
            await uow.commit()
            return await card_of(uow, replace(consortium, id=new_id), person, now)

    async def candidates(self, viewer: int, consortium_id: int) -> list[Profile]:
        """Whom the viewer may invite: people met, saved or asked to meet, then suggested."""
        async with self.uow() as uow:
            return await invitations.candidates(uow, self.matchmaker, viewer, consortium_id)

    async def invite(self, viewer: int, consortium_id: int, target: int, *, now: datetime) -> str:
        """A member invites someone they may see; the invitee is asked with the idea."""
        async with self.uow() as uow:
            return await invitations.invite(uow, viewer, consortium_id, target, now=now)

    async def remember(self, person: int, username: str | None, *, now: datetime) -> None:
        """The @username the person uses now, so members can invite them by it."""
        async with self.uow() as uow:
            await invitations.remember_handle(uow, person, username)
            await uow.commit()

    async def invite_by_handle(
        self, viewer: int, consortium_id: int, text: str, *, now: datetime
    ) -> str:
        """Invite someone by the @username they use with the bot."""
        async with self.uow() as uow:
            target = await invitations.by_handle(uow, text)
        return await self.invite(viewer, consortium_id, target, now=now)

    async def fill_gap(self, viewer: int, consortium_id: int, *, now: datetime) -> list[Gap]:
        """People whose entity would make the consortium eligible (or closer), best first."""
        async with self.uow() as uow:
            return await fill_gap(uow, self.matchmaker, viewer, consortium_id, now)

    async def figures(self, organiser: int, *, now: datetime) -> reports.Figures:
        """The organisers' /stats line."""
        require_organiser(self.policy, organiser)
        async with self.uow() as uow:
            return await reports.figures(uow, now)

    async def table(self, *, now: datetime) -> tuple[list[str], list[list[str]]]:
        """Every consortium as CSV rows (the CLI is trusted)."""
        async with self.uow() as uow:
            return list(reports.HEADER), await reports.rows(uow, now)

    async def set_topics(self, topics: Sequence[Topic]) -> None:
        """The event file's topics (the CLI's `event load`)."""
        async with self.uow() as uow:
            await uow.consortia.set_topics(topics)
            await uow.commit()

    async def answer(self, person: int, consortium_id: int, *, accept: bool, now: datetime) -> Card:
        """The invitee (and only they) accepts or declines; accepting prefills their entity."""
        async with self.uow() as uow:
            await require_person(uow, person)
            consortium = await load(uow, consortium_id, lock=True)
            member = consortium.member(person)
            if member is None or member.status is not MemberStatus.INVITED:
                raise NotAllowed(what="invitation")
            require_open(consortium)
            if accept:
                entity = prefilled(await uow.profiles.get(person))
                member = replace(member, status=MemberStatus.MEMBER, entity=entity, at=now)
            else:
                member = replace(member, status=MemberStatus.DECLINED, at=now)
                await uow.consortia.forget_card(consortium_id, person)
            await uow.consortia.save_member(consortium_id, member)
            version = await uow.consortia.touch(consortium_id)
            after = await refresh(uow, consortium, version, now, skip={person})
            await uow.commit()
            return await card_of(uow, after, person, now)

    async def set_entity(
        self,
        person: int,
        consortium_id: int,
        *,
        now: datetime,
        name: str | None = None,
        country: str | None = None,
        kind: EntityType | None = None,
        pic: str | None = None,
        affiliated_with: int | None = None,
    ) -> Card:
        """A member changes the legal entity they would sign for (only their own);
        `affiliated_with` names the member whose entity theirs is affiliated with (0: none)."""
        async with self.uow() as uow:
            await require_person(uow, person)
            consortium = await load(uow, consortium_id, lock=True)
            member = require_member(consortium, person)
            require_open(consortium)
            entity = member.entity or prefilled(await uow.profiles.get(person))
            entity = entity or Entity("", "")
            if name is not None:
                clean = one_line(name)
                if not clean or len(clean) > ENTITY_NAME_MAX:
                    raise ConsortiumError(reason="entity_name")
                entity = replace(entity, name=clean)
            if country is not None:
                found = resolve_country(country)
                if found is None:
                    raise ConsortiumError(reason="country")
                entity = replace(entity, country=found.code)
            if kind is not None:
                entity = replace(entity, kind=kind)
            if pic is not None:
                digits = pic.strip()
                if digits in ("-", "0"):
                    entity = replace(entity, pic=None)
                elif not PIC.fullmatch(digits):
                    raise ConsortiumError(reason="pic")
                else:
                    entity = replace(entity, pic=digits)
            if affiliated_with == 0:
                entity = replace(entity, affiliated=False, affiliated_with=None)
            elif affiliated_with is not None:
                if affiliated_with not in {m.telegram_id for m in parents(consortium, person)}:
                    raise ConsortiumError(reason="affiliation")
                entity = replace(entity, affiliated=True, affiliated_with=affiliated_with)
            complete = entity if entity.name and entity.country else None
            await uow.consortia.save_member(consortium_id, replace(member, entity=complete))
            version = await uow.consortia.touch(consortium_id)
            after = await refresh(uow, consortium, version, now, skip={person})
            await uow.commit()
            return await card_of(uow, after, person, now)

    async def remove(
        self, coordinator: int, consortium_id: int, target: int, *, now: datetime
    ) -> Card:
        """The coordinator takes someone out (a member or an open invitation)."""
        async with self.uow() as uow:
            consortium = await as_coordinator(uow, coordinator, consortium_id)
            if target == coordinator or consortium.member(target) is None:
                raise NotFound(what="person")
            await self._take_out(uow, consortium, target)
            version = await uow.consortia.touch(consortium_id)
            await notify(
                uow,
                target,
                f"consortium:{consortium_id}:v{version}:{target}",
                now,
                "consortium.removed_you",
                title=consortium.title,
            )
            after = await refresh(uow, consortium, version, now, skip={coordinator})
            await uow.commit()
            return await card_of(uow, after, coordinator, now)

    async def hand_over(
        self, coordinator: int, consortium_id: int, target: int, *, now: datetime
    ) -> Card:
        """The coordinator passes coordination to another member (who is told)."""
        async with self.uow() as uow:
            consortium = await as_coordinator(uow, coordinator, consortium_id)
            member = consortium.member(target)
            if target == coordinator or member is None or member.status is not MemberStatus.MEMBER:
                raise NotFound(what="person")
            await uow.consortia.set_coordinator(consortium_id, target)
            version = await uow.consortia.touch(consortium_id)
            name = name_seen(await uow.profiles.get(coordinator))
            told = {
                target: [notice("consortium.notice.coordinator", title=consortium.title, name=name)]
            }
            after = await refresh(uow, consortium, version, now, skip={coordinator}, told=told)
            await uow.commit()
            return await card_of(uow, after, coordinator, now)

    async def close(self, coordinator: int, consortium_id: int, *, now: datetime) -> Card:
        """The coordinator closes the consortium; members keep it in their list, read-only."""
        async with self.uow() as uow:
            consortium = await as_coordinator(uow, coordinator, consortium_id)
            await uow.consortia.close(consortium_id, now)
            version = await uow.consortia.touch(consortium_id)
            name = name_seen(await uow.profiles.get(coordinator))
            closed = notice("consortium.notice.closed", title=consortium.title, name=name)
            told = {m.telegram_id: [closed] for m in consortium.active()}
            after = await refresh(uow, consortium, version, now, skip={coordinator}, told=told)
            await uow.commit()
            return await card_of(uow, after, coordinator, now)

    async def shown(
        self, person: int, consortium_id: int, message_id: int, fingerprint: str, *, now: datetime
    ) -> None:
        """The chat message that now shows the person this card (edited on every change)."""
        async with self.uow() as uow:
            consortium = await uow.consortia.get(consortium_id)
            member = consortium.member(person) if consortium is not None else None
            if member is None or member.status is MemberStatus.DECLINED:
                return
            await uow.consortia.remember_card(consortium_id, person, message_id, fingerprint, now)
            await uow.commit()

    async def live(
        self, person: int, consortium_id: int, *, now: datetime
    ) -> tuple[Card | None, tuple[int, str] | None]:
        """The card as it is now for one person, and the message that last showed it to them
        (no card for someone no longer in the consortium)."""
        async with self.uow() as uow:
            consortium = await uow.consortia.get(consortium_id)
            member = consortium.member(person) if consortium is not None else None
            if consortium is None or member is None or member.status is MemberStatus.DECLINED:
                return None, None
            shown = await uow.consortia.card_message(consortium_id, person)
            return await card_of(uow, consortium, person, now), shown

    async def leave(self, person: int, consortium_id: int, *, now: datetime) -> None:
        """A member leaves; a leaving coordinator passes the role to the longest-standing member
        (the consortium closes when nobody is left)."""
        async with self.uow() as uow:
            await require_person(uow, person)
            consortium = await load(uow, consortium_id, lock=True)
            require_member(consortium, person)
            await self._depart(uow, consortium, person, now)
            await uow.commit()

    async def forget(self, person: int, *, now: datetime) -> None:
        """Erasure: the person leaves every consortium (coordination passes on, others told)."""
        async with self.uow() as uow:
            for consortium in await uow.consortia.of_person(person):
                await self._depart(uow, consortium, person, now)
            await uow.commit()

    async def _take_out(self, uow: UnitOfWork, consortium: Consortium, person: int) -> None:
        """The person's place goes, with their card; entities affiliated with theirs count as
        independent again (the entity they were affiliated with is no longer in)."""
        assert consortium.id is not None
        cid = consortium.id
        await uow.consortia.remove_member(cid, person)
        await uow.consortia.forget_card(cid, person)
        for member in consortium.members:
            entity = member.entity
            if member.telegram_id != person and entity and entity.affiliated_with == person:
                entity = replace(entity, affiliated=False, affiliated_with=None)
                await uow.consortia.save_member(cid, replace(member, entity=entity))

    async def _depart(
        self, uow: UnitOfWork, consortium: Consortium, person: int, now: datetime
    ) -> None:
        assert consortium.id is not None
        cid = consortium.id
        await self._take_out(uow, consortium, person)
        member = consortium.member(person)
        if member is None or member.status is not MemberStatus.MEMBER:
            return  # an open or declined invitation goes quietly
        version = await uow.consortia.touch(cid)
        rest = [m for m in consortium.active() if m.telegram_id != person]
        told: dict[int, list[Notice]] = {}
        if consortium.coordinator_id == person and not consortium.closed:
            if not rest:
                await uow.consortia.close(cid, now)
                return
            heir = rest[0].telegram_id
            await uow.consortia.set_coordinator(cid, heir)
            name = name_seen(await uow.profiles.get(person))
            told[heir] = [notice("consortium.notice.inherited", title=consortium.title, name=name)]
        await refresh(uow, consortium, version, now, skip={person}, told=told)

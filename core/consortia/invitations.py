"""Invitations: whom a member may invite (met, saved, suggested, or by @username), and the
invitation itself."""

from __future__ import annotations

import re
from datetime import datetime

from core.consortia.cards import ConsortiumError, load, require_member, require_open, topic_for
from core.consortia.model import Member, MemberStatus
from core.consortia.notices import refresh
from core.consortia.ports import UnitOfWork
from core.outbox.delivery import enqueue
from core.outbox.model import Action, OutgoingMessage
from core.partners.interests import InterestKind
from core.partners.suggestions import Matchmaker
from core.people.access import require_person
from core.people.person import handle_of
from core.people.profile import Profile
from core.people.visibility import Viewer, name_seen, seen_by
from core.reference.errors import NotFound

#: People offered for an invitation (met, saved, then suggested).
CANDIDATES = 12
#: A Telegram username as typed: 5-32 characters, a letter first, with or without the @.
HANDLE = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{4,31})")


async def remember_handle(uow: UnitOfWork, person: int, username: str | None) -> None:
    """Keep the @username the person uses now (nothing for someone who has not consented;
    no write when it has not changed)."""
    found = await uow.people.get(person)
    if found is None or found.username == handle_of(username):
        return
    await uow.people.set_username(person, handle_of(username))


async def by_handle(uow: UnitOfWork, text: str) -> int:
    """Who a typed @username names, among people who started the bot."""
    found = HANDLE.fullmatch(text.strip())
    if found is None:
        raise ConsortiumError(reason="handle")
    person = await uow.people.by_username(found.group(1).lower())
    if person is None:
        raise ConsortiumError(reason="handle_unknown", handle=found.group(1))
    return person


async def candidates(
    uow: UnitOfWork, mm: Matchmaker, viewer: int, consortium_id: int
) -> list[Profile]:
    """Whom the viewer may invite: people met, saved or asked to meet, then suggested."""
    await require_person(uow, viewer)
    consortium = await load(uow, consortium_id)
    require_member(consortium, viewer)
    require_open(consortium)
    taken = {m.telegram_id for m in consortium.members if m.status is not MemberStatus.DECLINED}
    ids: list[int] = []
    for meeting in await uow.meetings.meetings_of(viewer, live_only=True):
        ids += [p for p in meeting.people if p != viewer]
    for interest in await uow.interests.by_actor(viewer):
        if interest.kind in (InterestKind.SAVED, InterestKind.REQUESTED):
            ids.append(interest.target_id)
    await mm.ensure(uow)
    if str(viewer) in mm.index:
        ids += [int(s.id) for s in mm.index.suggest(str(viewer), k=CANDIDATES)]
    out: list[Profile] = []
    for pid in dict.fromkeys(ids):
        if pid in taken or len(out) >= CANDIDATES:
            continue
        profile = await visible(uow, viewer, pid)
        if profile is not None:
            out.append(profile)
    return out


async def visible(uow: UnitOfWork, viewer: int, target: int) -> Profile | None:
    """The target as the viewer may see them: everyone visible, or a meeting partner."""
    profile = await uow.profiles.get(target)
    met = any(target in m.people for m in await uow.meetings.meetings_of(viewer, live_only=True))
    return seen_by(profile, Viewer.PARTNER if met else Viewer.STRANGER)


async def invite(
    uow: UnitOfWork, viewer: int, consortium_id: int, target: int, *, now: datetime
) -> str:
    """A member invites someone they may see; the invitee is asked with the idea."""
    await require_person(uow, viewer)
    consortium = await load(uow, consortium_id, lock=True)
    require_member(consortium, viewer)
    require_open(consortium)
    if target == viewer or await uow.people.get(target) is None:
        raise NotFound(what="person")
    profile = await visible(uow, viewer, target)
    if profile is None:
        raise NotFound(what="person")
    existing = consortium.member(target)
    if existing is not None and existing.status is not MemberStatus.DECLINED:
        raise ConsortiumError(reason="already", name=name_seen(profile))
    invitee = Member(target, MemberStatus.INVITED, invited_by=viewer, at=now)
    await uow.consortia.save_member(consortium_id, invitee)
    version = await uow.consortia.touch(consortium_id)
    inviter = name_seen(await uow.profiles.get(viewer))
    topic = topic_for(consortium, await uow.consortia.topic(consortium.topic_id))
    await enqueue(
        uow,
        recipient_id=target,
        message=OutgoingMessage(
            key="consortium.invited",
            params={
                "name": inviter,
                "title": consortium.title,
                "topic": topic.id,
                "action": consortium.action.value,
                "description": consortium.description,
            },
            buttons=[
                [
                    Action("consortia.invite.accept", (consortium_id,)).button(
                        "consortium.button.accept"
                    ),
                    Action("consortia.invite.decline", (consortium_id,)).button(
                        "consortium.button.decline"
                    ),
                ]
            ],
        ),
        due_at=now,
        dedupe_key=f"consortium:{consortium_id}:v{version}:{target}",
        now=now,
    )
    await refresh(uow, consortium, version, now, skip={target})
    await uow.commit()
    return name_seen(profile)

"""The access copy (/mydata): everything stored about one person, others named, never identified.

Other people appear by the name the person saw in the app (as a meeting partner sees it); who
acted on the person (saved, skipped or looked at their card) stays anonymous, since that choice
is theirs; no one else's Telegram id is ever in the copy.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from core.people.visibility import Viewer, name_seen
from core.privacy.ports import Someone, UnitOfWork

#: Someone who acted on the person (their decision is not the person's data to see).
ANOTHER = "another attendee"
#: Someone whose data is gone (erased, or a placeholder left by an erasure).
GONE = "someone who deleted their data"


def _someones(tables: dict[str, list[dict[str, Any]]]) -> Iterator[Someone]:
    for rows in tables.values():
        for row in rows:
            for value in row.values():
                items = value if isinstance(value, list) else [value]
                yield from (v for v in items if isinstance(v, Someone))


def _named(row: dict[str, Any], names: dict[int, str]) -> dict[str, Any]:
    def name(someone: Someone) -> str:
        return ANOTHER if someone.anonymous else names[someone.telegram_id]

    out: dict[str, Any] = {}
    for column, value in row.items():
        if isinstance(value, Someone):
            out[column.removesuffix("_id")] = name(value)
        elif isinstance(value, list):
            out[column] = [name(v) if isinstance(v, Someone) else v for v in value]
        else:
            out[column] = value
    return out


async def access_copy(uow: UnitOfWork, person: int) -> dict[str, Any]:
    """The person's copy: their id, and every table's rows about them with others by name."""
    tables = await uow.privacy.dump(person)
    names: dict[int, str] = {}
    for someone in _someones(tables):
        other = someone.telegram_id
        if someone.anonymous or other in names:
            continue
        profile = await uow.profiles.get(other) if other > 0 else None
        names[other] = name_seen(profile, Viewer.PARTNER) if profile else GONE
    named = {table: [_named(row, names) for row in rows] for table, rows in tables.items()}
    return {"telegram_id": person, "consortia": await _consortia(uow, person), "tables": named}


async def _consortia(uow: UnitOfWork, person: int) -> list[dict[str, Any]]:
    """Each consortium the person is in or was invited to: the idea, their role and entity, and
    the other members by the name they show to partners."""
    out: list[dict[str, Any]] = []
    for consortium in await uow.consortia.of_person(person):
        mine = consortium.member(person)
        if mine is None:
            continue
        others = []
        for member in consortium.active():
            if member.telegram_id != person:
                profile = await uow.profiles.get(member.telegram_id)
                others.append(name_seen(profile, Viewer.PARTNER) if profile else GONE)
        entity = mine.entity
        out.append(
            {
                "title": consortium.title,
                "topic": consortium.topic_id,
                "action": consortium.action.value,
                "description": consortium.description,
                "status": mine.status.value,
                "coordinator": consortium.coordinator_id == person,
                "closed": consortium.closed,
                "entity": None
                if entity is None
                else {
                    "name": entity.name,
                    "country": entity.country,
                    "type": entity.kind.value,
                    "pic": entity.pic,
                    "affiliated": entity.affiliated,
                },
                "other_members": others,
            }
        )
    return out

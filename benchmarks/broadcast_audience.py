"""The broadcast benchmark's audience: a migrated database with N consented people, in bulk."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import insert

from core.people.person import NOTICE_VERSION, Person
from core.people.profile import Profile
from core.reference.taxonomy import Keyword
from storage.engine import create_engine, session_factory
from storage.migrate import downgrade, upgrade
from storage.people.rows import PersonRow, ProfileRow
from storage.uow import SqlUnitOfWorkFactory

SEED_CHUNK = 1_000
FIRST_ID = 100_000_000


def people(n: int, now: datetime) -> Iterator[tuple[Person, Profile]]:
    """N consented people with complete profiles, ids from FIRST_ID up."""
    for i in range(n):
        pid = FIRST_ID + i
        yield (
            Person(pid, "ko" if i % 10 == 0 else "en", NOTICE_VERSION, now),
            Profile(
                telegram_id=pid,
                full_name=f"Researcher {i}",
                organisation=f"Institute {i % 97}",
                country="KR" if i % 3 == 0 else "DE",
                sector="academia",
                career_stage="senior",
                expertise=[Keyword("quantum sensing", None)],
                offers="Cryogenic measurement time.",
                seeks="Partners for photonic integration.",
            ),
        )


def person_values(person: Person) -> dict[str, object]:
    """PersonRow column values of a core Person."""
    return {
        "telegram_id": person.telegram_id,
        "language": person.language,
        "consent_version": person.consent_version,
        "consented_at": person.consented_at,
        "awaiting_field": person.awaiting_field,
        "awaiting_mode": person.awaiting_mode,
        "unreachable_at": person.unreachable_at,
        "timezone": person.timezone,
    }


def profile_values(profile: Profile) -> dict[str, object]:
    """ProfileRow column values of a core Profile (no publications)."""
    return {
        "telegram_id": profile.telegram_id,
        "full_name": profile.full_name,
        "organisation": profile.organisation,
        "country": profile.country,
        "sector": profile.sector,
        "career_stage": profile.career_stage,
        "expertise": [{"label": k.label, "term_id": k.term_id} for k in profile.expertise],
        "offers": profile.offers,
        "seeks": profile.seeks,
        "he_interests": profile.he_interests,
        "bio": profile.bio,
        "skipped": list(profile.skipped),
        "visibility": profile.visibility,
        "hidden_fields": list(profile.hidden_fields),
    }


async def fresh_database(db: str, workdir: Path, name: str) -> str:
    """A migrated, empty database URL for one run (a new SQLite file, or the scratch URL wiped)."""
    if db == "sqlite":
        url = f"sqlite+aiosqlite:///{workdir / f'{name}.db'}"
    else:
        url = db
        await downgrade(url, "base")
    await upgrade(url)
    return url


async def seed(url: str, n: int, now: datetime) -> None:
    """Insert N people and profiles in bulk, a chunk per unit of work."""
    engine = create_engine(url)
    uow_factory = SqlUnitOfWorkFactory(session_factory(engine))
    try:
        batch: list[tuple[Person, Profile]] = []
        for pair in people(n, now):
            batch.append(pair)
            if len(batch) == SEED_CHUNK:
                await _insert(uow_factory, batch)
                batch = []
        if batch:
            await _insert(uow_factory, batch)
    finally:
        await engine.dispose()


async def _insert(uow_factory: SqlUnitOfWorkFactory, batch: list[tuple[Person, Profile]]) -> None:
    """One executemany per table, committed together."""
    async with uow_factory() as uow:
        await uow.session.execute(insert(PersonRow), [person_values(p) for p, _ in batch])
        await uow.session.execute(insert(ProfileRow), [profile_values(p) for _, p in batch])
        await uow.commit()

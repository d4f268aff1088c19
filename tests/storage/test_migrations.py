"""Alembic: every revision upgrades, downgrades and upgrades again, on both databases."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from storage.base import Base
from storage.engine import create_engine
from storage.migrate import current, downgrade, revisions, upgrade
from tests.conftest import PG_ENV, _pg_admin


@pytest.fixture(params=["sqlite", "postgresql"])
async def empty_db(request, tmp_path):
    """An empty database (no tables at all)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}"
        return
    import os

    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL not configured (set {PG_ENV})")
    name = f"forumbot_stairway_{uuid.uuid4().hex[:8]}"
    try:
        await _pg_admin(base, f'CREATE DATABASE "{name}"')
    except Exception as exc:
        pytest.skip(f"PostgreSQL unreachable: {exc!r}")
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    await _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_stairway_up_down_up_for_each_revision(empty_db):
    revs = revisions()
    assert revs and revs[0] == "0001"
    previous = None
    for rev in revs:
        await upgrade(empty_db, rev)
        assert await current(empty_db) == rev
        await downgrade(empty_db, previous or "base")
        assert await current(empty_db) == previous
        await upgrade(empty_db, rev)
        assert await current(empty_db) == rev
        previous = rev
    tables = await _tables(empty_db)
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    await downgrade(empty_db, "base")
    assert await _tables(empty_db) <= {"alembic_version"}


async def test_models_and_migrations_agree(empty_db):
    """Autogenerate finds nothing to do after upgrading: the models are fully migrated."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    await upgrade(empty_db)
    engine = create_engine(empty_db)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
            )
    finally:
        await engine.dispose()
    assert diff == []

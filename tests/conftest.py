"""Shared fixtures: databases (SQLite always, PostgreSQL when reachable), clock, app factory."""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from storage.migrate import upgrade

PG_ENV = "TEST_DATABASE_URL"


class FakeClock:
    """A clock tests move by hand: no sleeping, exact minutes."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2025, 4, 9, 7, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> datetime:
        self.current += timedelta(**kwargs)
        return self.current

    def set(self, moment: datetime) -> None:
        self.current = moment


def run_sync(coro: Any) -> Any:
    """Run a coroutine to completion on its own loop in a thread (safe inside a running loop)."""
    result: list[Any] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(coro))
        except BaseException as exc:
            error.append(exc)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


# ---------------------------------------------------------------- databases


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once, copy per test: every test starts from a fresh, fully migrated file."""
    path = tmp_path_factory.mktemp("tpl") / "template.db"
    run_sync(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


async def _pg_admin(url: str, sql: str) -> None:
    import asyncpg

    u = make_url(url)
    conn = await asyncpg.connect(
        host=u.host or "127.0.0.1",
        port=u.port or 5432,
        user=u.username or "postgres",
        password=u.password,
        database=u.database or "postgres",
        timeout=5,
    )
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str | None]:
    """A throwaway PostgreSQL database for this test session, or None when unavailable."""
    base = os.environ.get(PG_ENV)
    if not base:
        yield None
        return
    name = f"forumbot_test_{uuid.uuid4().hex[:10]}"
    try:
        run_sync(_pg_admin(base, f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # unreachable: skip, never fail
        print(f"PostgreSQL at {base} unreachable ({exc!r}): PostgreSQL tests skipped")
        yield None
        return
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    run_sync(upgrade(url))
    yield url
    run_sync(_pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _pg_truncate(url: str) -> None:
    from sqlalchemy import text

    from storage.base import Base
    from storage.engine import create_engine

    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
async def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> AsyncIterator[str]:
    """A migrated, empty database: SQLite always; PostgreSQL when TEST_DATABASE_URL works."""
    if request.param == "sqlite":
        path = tmp_path / "forumbot.db"
        shutil.copy(sqlite_template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    url = request.getfixturevalue("pg_database")
    if url is None:
        pytest.skip(f"PostgreSQL not configured or unreachable (set {PG_ENV})")
    await _pg_truncate(url)
    yield url


# ---------------------------------------------------------------- applications

AppFactory = Callable[..., Awaitable[Any]]


@pytest.fixture
async def make_bot(db_url: str, clock: FakeClock) -> AsyncIterator[AppFactory]:
    """Build real Applications over a fake Bot API; errors in handlers fail the test."""
    from tests.support.harness import BotUnderTest

    built: list[BotUnderTest] = []

    async def factory(**overrides: Any) -> BotUnderTest:
        bot = await BotUnderTest.create(db_url=db_url, clock=clock, **overrides)
        built.append(bot)
        return bot

    yield factory
    for bot in built:
        await bot.stop()
    for bot in built:
        bot.assert_clean()

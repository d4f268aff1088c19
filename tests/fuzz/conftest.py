"""Fixtures of the fuzz suite: the world built once per session and copied per test (SQLite) or
built afresh (PostgreSQL), and the figures printed at the end."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FakeClock, run_sync
from tests.support.fuzz_world import FIGURES, Ids, World, build_world, start_bot


async def _template_world(url: str) -> Ids:
    bot = await start_bot(url, FakeClock())
    try:
        return await build_world(bot)
    finally:
        await bot.stop()
        bot.assert_clean()


@pytest.fixture(scope="session")
def world_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The world built once on SQLite: (database file, ids)."""
    path = tmp_path_factory.mktemp("world") / "world.db"
    shutil.copy(sqlite_template, path)
    ids = run_sync(_template_world(f"sqlite+aiosqlite:///{path}"))
    return path, ids


def _copy_world(source: Path, path: Path) -> Path:
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{source}{suffix}").exists():
            shutil.copy(f"{source}{suffix}", f"{path}{suffix}")
    return path


@pytest.fixture
async def world(
    request: pytest.FixtureRequest, tmp_path: Path, clock: FakeClock, world_template: Any
) -> AsyncIterator[World]:
    """A running bot on a fresh copy of the world: SQLite unless parametrised (indirectly)
    with "postgresql", which builds it on TEST_DATABASE_URL's server."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        source, ids = world_template
        path = _copy_world(source, tmp_path / "world.db")
        bot = await start_bot(f"sqlite+aiosqlite:///{path}", clock)
    else:
        from tests.conftest import _pg_truncate

        url = request.getfixturevalue("pg_database")
        if url is None:
            pytest.skip("PostgreSQL not configured or unreachable (set TEST_DATABASE_URL)")
        await _pg_truncate(url)
        bot = await start_bot(url, clock)
        ids = await build_world(bot)
    made = World(bot, ids)
    made.add_clients()
    root = logging.getLogger()
    root.addHandler(made.log)
    try:
        await made.settle()
        yield made
    finally:
        root.removeHandler(made.log)
        await bot.stop()
    assert not made.failures()
    bot.assert_clean()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line of figures when fuzz tests ran."""
    if FIGURES:
        parts = ", ".join(f"{count} {name}" for name, count in sorted(FIGURES.items()))
        terminalreporter.write_line(f"fuzz figures: {parts}")

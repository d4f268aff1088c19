"""SQLite runs one transaction at a time: in one process they take turns in arrival order on
one connection, instead of polling the lock from many (which let some wait seconds)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from storage.engine import create_engine


async def test_transactions_on_a_sqlite_file_take_turns_in_arrival_order(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}")
    try:
        assert engine.pool.size() == 1  # type: ignore[attr-defined]
        async with engine.begin() as conn:
            await conn.execute(text("CREATE TABLE turns (n INTEGER)"))

        async def write(n: int) -> None:
            async with engine.begin() as conn:
                await conn.execute(text("INSERT INTO turns VALUES (:n)"), {"n": n})
                await asyncio.sleep(0)  # another transaction may try to start meanwhile

        await asyncio.gather(*(write(n) for n in range(40)))
        async with engine.connect() as conn:
            order = (await conn.execute(text("SELECT n FROM turns ORDER BY rowid"))).scalars()
            assert list(order) == list(range(40))
    finally:
        await engine.dispose()


async def test_an_in_memory_database_keeps_its_single_shared_connection():
    engine = create_engine("sqlite+aiosqlite://")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar() == 1
    finally:
        await engine.dispose()

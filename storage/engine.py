"""Engine and session factory; SQLite gets WAL, foreign keys and a busy timeout."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def is_sqlite(url: str) -> bool:
    """SQLite needs pragmas and has no SKIP LOCKED."""
    return make_url(url).get_backend_name() == "sqlite"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin): the driver's own implicit BEGIN
    # breaks SAVEPOINTs and starts read transactions that later fail to upgrade to writes.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(conn: Any) -> None:
    # IMMEDIATE takes the write lock up front (waiting up to busy_timeout), so two writers
    # queue instead of one failing with "database is locked" halfway through.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str, *, echo: bool = False, **kwargs: Any) -> AsyncEngine:
    """One engine per process, created in the composition root (never at import time). SQL errors
    never carry their parameters (names, bios, notes) into a log or an exception message."""
    kwargs.setdefault("hide_parameters", True)
    if is_sqlite(url) and make_url(url).database not in (None, "", ":memory:"):
        # SQLite runs one transaction at a time (BEGIN IMMEDIATE below). One connection makes
        # the transactions of this process wait their turn first come first served, in the
        # pool's queue; with several, each polled the lock with sleeps of up to 100 ms and threads
        # fought over it, so in a crowd some waited seconds (benchmarks.rush: p95 to the
        # notice 2.2-2.7 s with 5+10 connections, 1.74-1.78 s with one).
        kwargs.setdefault("pool_size", 1)
        kwargs.setdefault("max_overflow", 0)
    engine = create_async_engine(url, echo=echo, **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions keep loaded values after commit, so use cases can return what they saved."""
    return async_sessionmaker(engine, expire_on_commit=False)

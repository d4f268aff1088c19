"""Faults on demand for the fault suite: a commit that fails once (the database locked, or the
connection dropped), and a Bot API call that times out once."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from telegram.error import TimedOut

from storage.uow import SqlUnitOfWork

COMMIT_FAULTS = ("locked", "dropped")


class CommitFault:
    """Makes the `nth` commit from now fail once, as `kind` says:
    - "locked": SQLite's "database is locked" (another writer held it past the busy timeout);
    - "dropped": the connection dies at commit (on PostgreSQL for real: the server ends the
      session; on SQLite the pool's connection is invalidated and the driver's error raised).
    Nothing of that transaction is committed either way."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, kind: str, nth: int = 1) -> None:
        assert kind in COMMIT_FAULTS
        self.kind, self.nth = kind, nth
        self.count = 0
        self.fired = False
        original = SqlUnitOfWork.commit

        async def commit(uow: SqlUnitOfWork) -> None:
            self.count += 1
            if self.count == self.nth and not self.fired:
                self.fired = True
                await self._fail(uow)
            await original(uow)

        monkeypatch.setattr(SqlUnitOfWork, "commit", commit)

    async def _fail(self, uow: SqlUnitOfWork) -> None:
        if self.kind == "locked":
            raise OperationalError("COMMIT", None, sqlite3.OperationalError("database is locked"))
        connection = await uow.session.connection()
        if connection.dialect.name == "postgresql":
            await uow.session.execute(text("SELECT pg_terminate_backend(pg_backend_pid())"))
            raise AssertionError("the server did not end the session")  # pragma: no cover
        await connection.invalidate()
        raise OperationalError(
            "COMMIT",
            None,
            ConnectionResetError("server closed the connection unexpectedly"),
            connection_invalidated=True,
        )

    @staticmethod
    def is_fault(error: BaseException) -> bool:
        """The error a handler saw is the one injected (or the driver's, when dropped)."""
        return isinstance(error, DBAPIError)


def time_out_once(
    monkeypatch: pytest.MonkeyPatch, fake: Any, api_method: str, chat_id: int
) -> list[int]:
    """The next `api_method` call to `chat_id` times out before it reaches Telegram (so nothing
    was sent); returns a list that holds one entry once it fired."""
    fired: list[int] = []
    original = fake.do_request

    async def do_request(url: str, method: str, request_data: Any = None, **kwargs: Any) -> Any:
        params = request_data.json_parameters if request_data is not None else {}
        wanted = url.endswith(f"/{api_method}") and str(params.get("chat_id")) == str(chat_id)
        if wanted and not fired:
            fired.append(1)
            raise TimedOut("injected: the request timed out")
        return await original(url, method, request_data, **kwargs)

    monkeypatch.setattr(fake, "do_request", do_request)
    return fired

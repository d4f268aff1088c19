"""`forumbot db upgrade`: the tables at head, idempotent; a sync driver URL is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage.migrate import revisions
from tests.unit.cli.helpers import TABLES, assert_one_line_error, cli, write_config


def test_db_upgrade_creates_the_tables_and_is_idempotent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """No config at all: db upgrade makes ./forumbot.db at head; a second run changes nothing."""
    db = tmp_path / "forumbot.db"
    status, out, err = cli(capsys, "db", "upgrade")
    assert status == 0, err
    assert out.strip() == "database at sqlite+aiosqlite:///forumbot.db is up to date"
    assert db.is_file()

    def snapshot() -> tuple[set[str], list[tuple[str, ...]], str]:
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {r[0] for r in rows}
            version = list(conn.execute("SELECT version_num FROM alembic_version"))
            journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
        return tables, version, journal

    tables, version, journal = snapshot()
    assert tables >= TABLES
    assert version == [(revisions()[-1],)]
    assert journal == "wal"

    status, out, err = cli(capsys, "db", "upgrade")
    assert status == 0, err
    assert "is up to date" in out
    assert snapshot() == (tables, version, journal)


def test_db_upgrade_with_a_sync_driver_url_is_a_config_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """database.url = "sqlite:///x.db" (no async driver) is a one-line config error."""
    write_config(tmp_path, '[database]\nurl = "sqlite:///forumbot.db"\n')
    status, _out, err = cli(capsys, "db", "upgrade")
    assert status == 2
    assert_one_line_error(err, "database.url")

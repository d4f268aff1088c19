"""`forumbot event import` then `event load`: the file loads as written, a second import of a
changed source updates the same sessions, and the dry run names a removed session people follow."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.event_file import load_event_file
from core.people.person import Person
from core.programme.attendance import Attendance
from storage.engine import create_engine, session_factory
from storage.uow import SqlUnitOfWorkFactory

DATA = Path(__file__).resolve().parents[2] / "data" / "imports"

HAND_WRITTEN = """
[[rounds]]
key = "speed"
name = "Speed networking"
start = 2026-12-09T14:00:00
end = 2026-12-09T15:00:00
slot_minutes = 20
tables = 10
location = "Foyer"

[[sessions]]
key = "dinner"
title = "Workshop dinner"
track = "Social"
room = "Restaurant"
start = 2026-12-08T19:00:00
end = 2026-12-08T21:00:00
speakers = []
"""


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORUMBOT_CONFIG", raising=False)
    db = tmp_path / "bot.db"
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{db}"\n', encoding="utf-8")
    return str(path), db


def sessions(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT key, active FROM sessions").fetchall())


async def follow(db: Path, key: str, person: int) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    uow = SqlUnitOfWorkFactory(session_factory(engine))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    async with uow() as u:
        await u.people.add(Person(person, "en", 1, now))
        await u.agenda.set_attendance(key, person, Attendance.SUBSCRIBED, now)
        await u.commit()
    await engine.dispose()


def test_import_load_change_and_dry_run(cfg, tmp_path, capsys):
    config, db = cfg
    timetable = str(DATA / "indico-timetable.json")
    contributions = str(DATA / "indico-contributions.json")
    first = tmp_path / "first.toml"
    assert (
        main(
            [
                "--config",
                config,
                "event",
                "import",
                timetable,
                "--contributions",
                contributions,
                "--out",
                str(first),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "recognised: Indico timetable + contributions export, zone Asia/Seoul" in out
    assert "5 sessions (2 breaks)" in out
    assert main(["--config", config, "event", "load", str(first)]) == 0
    assert "event 'Korea-EU Quantum Workshop' loaded" in capsys.readouterr().out
    assert sessions(db) == dict.fromkeys(
        ["indico-c11", "indico-s21", "indico-b30", "indico-c14", "indico-b33"], 1
    )
    # The organiser adds a round and a dinner by hand and opens sign-up for one talk.
    text = first.read_text(encoding="utf-8").replace(
        'key = "indico-c14"', 'key = "indico-c14"\ncapacity = 30\nregistration = true'
    )
    first.write_text(text + HAND_WRITTEN, encoding="utf-8")
    assert main(["--config", config, "event", "load", str(first)]) == 0
    capsys.readouterr()
    asyncio.run(follow(db, "indico-c11", 77))

    changed = json.loads((DATA / "indico-timetable.json").read_text(encoding="utf-8"))
    day1, day2 = changed["results"]["1234"]["20261208"], changed["results"]["1234"]["20261209"]
    del day1["c11"]
    day2["c14"]["startDate"]["time"], day2["c14"]["endDate"]["time"] = "15:00:00", "16:00:00"
    source = tmp_path / "changed.json"
    source.write_text(json.dumps(changed), encoding="utf-8")
    second = tmp_path / "second.toml"
    assert (
        main(
            [
                "--config",
                config,
                "event",
                "import",
                str(source),
                "--contributions",
                contributions,
                "--merge",
                str(first),
                "--out",
                str(second),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "1 updated, 3 unchanged, 1 removed, 1 hand-written kept" in out
    assert "updated: indico-c14" in out and "removed: indico-c11" in out

    event = load_event_file(second)
    keys = {s.key: s for s in event.sessions}
    assert "indico-c11" not in keys and "dinner" in keys
    assert keys["indico-c14"].capacity == 30 and keys["indico-c14"].registration
    assert keys["indico-c14"].starts_at == datetime(2026, 12, 9, 6, 0, tzinfo=UTC)  # 15:00 KST
    assert [r.key for r in event.rounds] == ["speed"]

    assert main(["--config", config, "event", "load", str(second), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "nothing was changed" in out
    assert "sessions: 0 added, 1 updated, 1 removed" in out
    assert (
        "REMOVED while followed: indico-c11 'Opening address': 1 people follow it (0 signed up)"
        in out
    )
    assert sessions(db)["indico-c11"] == 1  # the dry run changed nothing
    assert main(["--config", config, "event", "load", str(second)]) == 0
    assert sessions(db)["indico-c11"] == 0


def test_import_failures_are_one_line(cfg, tmp_path, capsys):
    config, _db = cfg
    assert main(["--config", config, "event", "import", "missing.json", "--out", "x.toml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("forumbot: cannot read missing.json") and err.count("\n") == 1
    assert not (tmp_path / "x.toml").exists()

"""`forumbot event load`: the example loads, bad files change nothing, bookings are protected."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from core.meetings.door import Meetings
from core.meetings.messages import calendar_for
from core.meetings.model import MeetingRules
from core.people.person import Person
from core.people.profile import Profile
from storage.engine import create_engine, session_factory
from storage.uow import SqlUnitOfWorkFactory

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "korea-eu-quantum-forum.toml"


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORUMBOT_CONFIG", raising=False)
    db = tmp_path / "bot.db"
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{db}"\n', encoding="utf-8")
    return path, db


def slots(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT key, active FROM slots ORDER BY key").fetchall()


def test_example_loads_idempotently(cfg, capsys):
    path, db = cfg
    assert main(["--config", str(path), "event", "load", str(EXAMPLE)]) == 0
    first = capsys.readouterr().out
    assert "44 slots added" in first and "3 desks" in first
    before = slots(db)
    assert main(["--config", str(path), "event", "load", str(EXAMPLE)]) == 0
    assert "0 slots added, 0 updated, 0 removed" in capsys.readouterr().out
    assert slots(db) == before


def test_malformed_file_lists_field_errors_and_changes_nothing(cfg, tmp_path, capsys):
    path, db = cfg
    assert main(["--config", str(path), "event", "load", str(EXAMPLE)]) == 0
    before = slots(db)
    bad = EXAMPLE.read_text().replace("slot_minutes = 20", 'slot_minutes = "twenty"', 1)
    bad = bad.replace("tables = 15", "tables = 0", 1)
    broken = tmp_path / "broken.toml"
    broken.write_text(bad, encoding="utf-8")
    assert main(["--config", str(path), "event", "load", str(broken)]) == 2
    err = capsys.readouterr().err
    assert "nothing was changed" in err
    assert re.search(r"line \d+: rounds\[0\]\.slot_minutes", err)
    assert re.search(r"line \d+: rounds\[0\]\.tables", err)
    assert slots(db) == before


async def _book_in_afternoon(db: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    uow = SqlUnitOfWorkFactory(session_factory(engine))
    now = datetime(2025, 4, 9, 8, 0, tzinfo=UTC)
    async with uow() as u:
        for pid in (1, 2):
            await u.people.add(Person(pid, "en", 1, now))
            await u.profiles.save(Profile(pid, full_name=f"P{pid}", organisation=f"O{pid}"))
        await u.commit()
    meetings = Meetings(uow, MeetingRules(), calendar_for("Forum"))
    request = await meetings.requests.request(1, 2, ["afternoon@20250410T1200"], "", now=now)
    await meetings.requests.accept(request.id, 2, "afternoon@20250410T1200", now=now)
    await engine.dispose()


def test_removing_a_booked_slot_is_refused_unless_forced(cfg, tmp_path, capsys):
    path, db = cfg
    assert main(["--config", str(path), "event", "load", str(EXAMPLE)]) == 0
    asyncio.run(_book_in_afternoon(db))
    text = EXAMPLE.read_text()
    start = text.index('key = "afternoon"')
    block_start = text.rindex("[[rounds]]", 0, start)
    block_end = text.index("[[", start)
    shorter = tmp_path / "shorter.toml"
    shorter.write_text(text[:block_start] + text[block_end:], encoding="utf-8")
    capsys.readouterr()

    assert main(["--config", str(path), "event", "load", str(shorter)]) == 2
    assert "would cancel 1 booked meeting(s) in afternoon@20250410T1200" in capsys.readouterr().err
    assert ("afternoon@20250410T1200", 1) in slots(db)

    assert main(["--config", str(path), "event", "load", "--force", str(shorter)]) == 0
    assert "1 meetings cancelled" in capsys.readouterr().out
    assert ("afternoon@20250410T1200", 0) in slots(db)
    with sqlite3.connect(db) as conn:
        status = conn.execute("SELECT status FROM meetings").fetchone()[0]
        told = conn.execute(
            "SELECT recipient_id FROM outbox WHERE payload LIKE '%cancelled_by_organiser%'"
        ).fetchall()
    assert status == "cancelled" and sorted(r[0] for r in told) == [1, 2]


def test_schedule_build_previews_without_changing_anything(cfg, tmp_path, capsys):
    path, _db = cfg
    future = tmp_path / "future.toml"  # the CLI runs on the real clock: move the event ahead
    future.write_text(EXAMPLE.read_text().replace("2025-04-", "2030-04-"), encoding="utf-8")
    assert main(["--config", str(path), "event", "load", str(future)]) == 0
    capsys.readouterr()
    assert main(["--config", str(path), "schedule", "build", "--round", "morning"]) == 0
    out = capsys.readouterr().out
    assert "optimised: 0 / 0 scheduled" in out and "first-come: 0 / 0 scheduled" in out
    assert "preview only" in out
    assert main(["--config", str(path), "schedule", "build", "--round", "nope"]) == 2
    assert "round 'nope' has no future slots" in capsys.readouterr().err


def test_export_cli_writes_csv_with_bom(cfg, tmp_path, capsys):
    path, db = cfg
    assert main(["--config", str(path), "event", "load", str(EXAMPLE)]) == 0
    asyncio.run(_book_in_afternoon(db))
    out = tmp_path / "meetings.csv"
    assert main(["--config", str(path), "export", "meetings", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == (
        "id,start,location,table,status,a_name,a_organisation,b_name,b_organisation,slot,"
        "a_telegram_id,b_telegram_id"
    )
    assert lines[1] == (
        '1,2025-04-10T14:00+02:00,"Matchmaking area, level 2",1,booked,P1,O1,P2,O2,'
        "afternoon@20250410T1200,1,2"
    )
    assert "meetings: 1 rows" in capsys.readouterr().out


def test_organisers_add_cli(cfg, capsys):
    path, db = cfg
    assert main(["--config", str(path), "organisers", "add", "4242"]) == 0
    assert "4242 is now an organiser" in capsys.readouterr().out
    assert main(["--config", str(path), "organisers", "add", "4242"]) == 0
    assert "4242 is already an organiser" in capsys.readouterr().out
    assert main(["--config", str(path), "organisers", "add", "0"]) == 2
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT telegram_id FROM organisers").fetchall() == [(4242,)]

"""`forumbot export consortia`: every consortium, one row per member, through the safe CSV."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.__main__ import main
from core.consortia.door import Consortia
from core.consortia.programme import ActionType
from core.partners.suggestions import Matchmaker
from core.people.access import AccessPolicy
from core.people.person import Person
from core.people.profile import Profile
from storage.engine import create_engine, session_factory
from storage.uow import SqlUnitOfWorkFactory

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "korea-eu-quantum-forum.toml"
PEOPLE = {
    1: ("Ji-woo Kim", "KIST", "KR"),
    2: ("Anna de Vries", "=HYPERLINK(evil)", "NL"),
    3: ("Lukas Weber", "Forschungszentrum Jülich", "DE"),
}


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORUMBOT_CONFIG", raising=False)
    db = tmp_path / "bot.db"
    path = tmp_path / "config.toml"
    path.write_text(f'[database]\nurl = "sqlite+aiosqlite:///{db}"\n', encoding="utf-8")
    return path, db


async def _consortium(db: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{db}")
    uow = SqlUnitOfWorkFactory(session_factory(engine))
    now = datetime(2025, 4, 9, 8, 0, tzinfo=UTC)
    async with uow() as u:
        for pid, (name, org, country) in PEOPLE.items():
            await u.people.add(Person(pid, "en", 1, now))
            await u.profiles.save(
                Profile(pid, full_name=name, organisation=org, country=country, sector="academia")
            )
        await u.commit()
    consortia = Consortia(uow, Matchmaker(), AccessPolicy("open", frozenset()))
    card = await consortia.create(
        1,
        title="Quantum-safe links",
        topic_id="HORIZON-CL4-2025-05-DIGITAL-EMERGING-05",
        action=ActionType.RIA,
        description="QKD testbed",
        now=now,
    )
    for pid in (2, 3):
        await consortia.invite(1, card.id, pid, now=now)
        await consortia.answer(pid, card.id, accept=True, now=now)
    await engine.dispose()


def test_export_consortia(cfg, tmp_path, capsys):
    path, db = cfg
    assert main(["--config", str(path), "event", "load", str(EXAMPLE)]) == 0
    assert "2 call topics" in capsys.readouterr().out
    asyncio.run(_consortium(db))
    out = tmp_path / "consortia.csv"
    assert main(["--config", str(path), "export", "consortia", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:7] == ["consortium", "title", "topic", "action", "closed", "eligible", "unmet"]
    assert len(rows) == 4
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["member"] == "Ji-woo Kim" and first["role"] == "coordinator"
    # The topic is restricted: the Korean entity does not count.
    assert first["eligible"] == "no" and first["unmet"] == "countries"
    anna = dict(zip(rows[0], rows[2], strict=True))
    assert anna["entity"] == "'=HYPERLINK(evil)"  # inert text, never a formula
    assert "consortia: 3 rows" in capsys.readouterr().out

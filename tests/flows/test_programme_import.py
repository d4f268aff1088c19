"""An imported programme, seen by a participant: /agenda lists the Indico sessions at their times
in Seoul, and a re-import that moves a session moves it in /agenda too."""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime
from pathlib import Path

from bot.event_file import parse_event_toml
from bot.programme_import import indico
from bot.programme_import.merging import merge, write
from core.event.loading import load_event
from core.meetings.messages import calendar_for
from tests.support.journeys import onboard

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def imported(timetable: object, existing: dict | None = None) -> str:
    contributions = json.loads((DATA / "indico-contributions.json").read_text(encoding="utf-8"))
    programme = indico.parse_indico(timetable, contributions)
    doc, _report = merge(programme, existing, None)
    return write(doc, "test import")


async def load(bot, text: str) -> None:
    event = parse_event_toml(text)
    await load_event(bot.uow, event, force=False, now=bot.clock.now(), ics=calendar_for(event.name))


async def test_imported_sessions_show_at_local_times_and_follow_a_reimport(make_bot):
    bot = await make_bot(event={"timezone": "Asia/Seoul", "name": "Korea-EU Quantum Workshop"})
    bot.clock.set(datetime(2026, 12, 7, 3, 0, tzinfo=UTC))
    source = json.loads((DATA / "indico-timetable.json").read_text(encoding="utf-8"))
    await load(bot, imported(source))
    user = bot.client(1, "Mina")
    await onboard(user)
    await user.command("agenda")
    days = [b for b in user.last().buttons if "Dec" in b]
    assert len(days) == 2, user.last().buttons
    await user.press(days[0])
    text = user.last().plain
    assert "09:00" in text and "Opening address" in text
    assert "09:30" in text and "Quantum Computing: Hardware" in text
    assert "Coffee break" in text and "11:00" in text
    await user.press(days[1])
    assert "10:00" in user.last().plain and "Quantum communication networks" in user.last().plain

    moved = json.loads(json.dumps(source))
    talk = moved["results"]["1234"]["20261209"]["c14"]
    talk["startDate"]["time"], talk["endDate"]["time"] = "15:00:00", "16:00:00"
    await load(bot, imported(moved, tomllib.loads(imported(source))))
    await user.command("agenda")
    await user.press([b for b in user.last().buttons if "Dec" in b][1])
    text = user.last().plain
    assert "15:00" in text and "Quantum communication networks" in text
    assert text.count("Quantum communication networks") == 1

"""Indico and pretalx/frab sources: the documented structures, the variants seen in the wild,
times moved to the event's zone, and fetches that fail in one line (never the network)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest

from bot.cli.programme_import import programme_from
from bot.programme_import import frab, indico
from bot.programme_import.fetching import read_json
from bot.programme_import.model import SourceError

DATA = Path(__file__).resolve().parents[2] / "data" / "imports"
TIMETABLE = DATA / "indico-timetable.json"
CONTRIBUTIONS = DATA / "indico-contributions.json"
SCHEDULE = DATA / "pretalx-schedule.json"


def doc(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


def by_key(programme):
    return {s.key: s for s in programme.sessions}


def test_indico_blocks_contributions_and_breaks_over_two_days_in_seoul():
    programme = indico.parse_indico(doc(TIMETABLE), doc(CONTRIBUTIONS))
    items = by_key(programme)
    assert programme.timezone == "Asia/Seoul"
    assert programme.name == "Korea-EU Quantum Workshop"
    assert list(items) == ["indico-c11", "indico-s21", "indico-b30", "indico-c14", "indico-b33"]
    block = items["indico-s21"]
    assert block.title == "Quantum Computing: Hardware"
    assert (block.start, block.end) == (datetime(2026, 12, 8, 9, 30), datetime(2026, 12, 8, 11))
    assert block.speakers == ("Anna Müller (ETH Zürich)",)
    assert block.track == "Quantum hardware"  # both talks' track in the contributions export
    assert "09:30–10:00 Superconducting qubits at scale — Minho Park (KAIST)" in block.description
    assert "Élodie Martin (CNRS)" in block.description  # speakers from the export
    assert "<p>" not in block.description
    assert items["indico-c11"].track == "Plenary"
    assert items["indico-c11"].speakers == ("Jiwoo Kim (KIST)",)
    lunch = items["indico-b33"]
    assert lunch.is_break and lunch.track == "Break" and lunch.room == "Dining hall"
    assert programme.days() == (datetime(2026, 12, 8).date(), datetime(2026, 12, 9).date())


def test_indico_each_contribution_and_a_conversion_to_another_zone():
    programme = indico.parse_indico(
        doc(TIMETABLE), None, timezone="Europe/Brussels", each_contribution=True
    )
    items = by_key(programme)
    assert "indico-s21" not in items
    talk = items["indico-c13"]
    assert talk.room == "Room 201"  # the block's room when the contribution has none
    assert talk.track == "Quantum Computing"  # the session's name without the export
    # 10:00 in Seoul (UTC+9) is 02:00 in Brussels (UTC+1 in December)
    assert talk.start == datetime(2026, 12, 8, 2, 0)
    assert items["indico-b32"].is_break
    assert programme.source_format == "Indico timetable"


def test_indico_wrong_documents_are_refused_in_words():
    with pytest.raises(SourceError, match="not an Indico timetable"):
        indico.parse_indico({"results": []})
    broken = doc(TIMETABLE)
    broken["results"]["1234"]["20261209"]["c14"]["startDate"] = {"date": "soon"}
    with pytest.raises(SourceError, match="c14: unreadable date"):
        indico.parse_indico(broken)
    assert indico.contributions_url("https://indico.example.org/export/timetable/1234.json") == (
        "https://indico.example.org/export/event/1234.json?detail=contributions"
    )


def test_pretalx_two_rooms_a_multi_day_talk_and_the_wild_variants():
    programme = frab.parse_frab(doc(SCHEDULE))
    items = by_key(programme)
    assert programme.timezone == "Europe/Brussels"
    assert set(items) == {
        "pretalx-3f2b9c4e",
        "pretalx-7c8d9e0f",
        "pretalx-9e0f1a2b",
        "pretalx-b1c2d3e4",
    }
    hack = items["pretalx-7c8d9e0f"]
    assert (hack.start, hack.end) == (datetime(2026, 12, 8, 14), datetime(2026, 12, 9, 18))
    assert hack.track == "Workshop" and hack.description == "Twenty-eight hours of building."
    pqc = items["pretalx-9e0f1a2b"]  # `date` without offset, `start` as a date-time
    assert pqc.start == datetime(2026, 12, 8, 10) and pqc.room == "Room 2"
    assert pqc.track == "Quantum Communication"  # track as an object
    assert pqc.speakers == ("Jonas Weber", "Yuna Han")  # name or public_name
    assert {s.room for s in programme.sessions} == {"Hall A", "Room 2"}


def test_pretalx_in_seoul_time_and_without_the_wrapper():
    inner = doc(SCHEDULE)["schedule"]
    programme = frab.parse_frab(inner, timezone="Asia/Seoul")
    keynote = by_key(programme)["pretalx-3f2b9c4e"]
    assert keynote.start == datetime(2026, 12, 8, 17, 0)  # 09:00 CET is 17:00 KST


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("00:45", timedelta(minutes=45)),
        ("1:04:00", timedelta(hours=28)),
        ("2:30", timedelta(hours=2, minutes=30)),
    ],
)
def test_durations(text, expected):
    assert frab.duration(text, "x") == expected


def test_a_bad_duration_names_the_event():
    with pytest.raises(SourceError, match="unreadable duration 'soon'"):
        frab.duration("soon", "event 7")


def transport(routes: dict[str, httpx.Response | Exception]) -> httpx.MockTransport:
    def handle(request: httpx.Request) -> httpx.Response:
        answer = routes.get(str(request.url))
        if isinstance(answer, Exception):
            raise answer
        return answer or httpx.Response(404)

    return httpx.MockTransport(handle)


TT_URL = "https://indico.example.org/export/timetable/1234.json"
EXPORT_URL = "https://indico.example.org/export/event/1234.json?detail=contributions"


def test_an_indico_url_brings_its_contributions_export_along():
    mock = transport(
        {
            TT_URL: httpx.Response(200, content=TIMETABLE.read_bytes()),
            EXPORT_URL: httpx.Response(200, content=CONTRIBUTIONS.read_bytes()),
        }
    )
    programme = programme_from(TT_URL, transport=mock)
    assert programme.source_format == "Indico timetable + contributions export"
    assert by_key(programme)["indico-c14"].track == "Quantum communication"


def test_fetch_failures_are_one_line():
    offline = transport({TT_URL: httpx.ConnectError("Name or service not known")})
    with pytest.raises(SourceError, match=r"cannot reach .*1234\.json \(offline\?\)"):
        read_json(TT_URL, offline)
    slow = transport({TT_URL: httpx.ReadTimeout("slow")})
    with pytest.raises(SourceError, match="no answer within"):
        read_json(TT_URL, slow)
    with pytest.raises(SourceError, match="answered HTTP 404"):
        read_json(TT_URL, transport({}))
    with pytest.raises(SourceError, match="not JSON"):
        read_json(TT_URL, transport({TT_URL: httpx.Response(200, text="<html>")}))
    with pytest.raises(SourceError, match="only https"):
        read_json("http://indico.example.org/x.json")
    with pytest.raises(SourceError, match="neither an Indico timetable"):
        programme_from(TT_URL, transport=transport({TT_URL: httpx.Response(200, json={"a": 1})}))

"""Calendar files: RFC 5545 structure, escaping, folding by octets, REQUEST and CANCEL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from core.reference.calendar import escape_text, fold, ics_event

KST = timezone(timedelta(hours=9), "KST")
CEST = timezone(timedelta(hours=2), "CEST")
NOW = datetime(2025, 4, 9, 7, 0, 5, tzinfo=UTC)
# 10:00 in Brussels on 10 April 2025 (CEST), as the booking code would hand it over.
START = datetime(2025, 4, 10, 10, 0, tzinfo=CEST)
END = datetime(2025, 4, 10, 10, 20, tzinfo=CEST)

KOREAN = "양자 컴퓨팅 협력; 공동 테스트베드, 인력 양성\\교류"
DESCRIPTION = (
    "Meeting with 김민준 (KAIST), table 7.\n"
    "Topics: QKD, fault-tolerant hardware; hybrid HPC\\quantum.\r\n"
    + KOREAN * 3
    + "\nSee you there! 🙂"
)


def build(**changes: object) -> str:
    fields: dict[str, object] = {
        "uid": "meeting-42@forumbot",
        "sequence": 0,
        "start": START,
        "end": END,
        "summary": "Meeting: Anna Schmidt ↔ 김민준",
        "description": DESCRIPTION,
        "location": "Matchmaking area, level 2; table 7",
        "organizer_name": "Korea-EU Quantum Research Forum",
        "attendees": ["Anna Schmidt", "김민준"],
        "now": NOW,
    }
    fields.update(changes)
    return ics_event(**fields)  # type: ignore[arg-type]


# --- a strict reader, so the tests do not trust the writer --------------------------------------

Property = tuple[str, dict[str, str], str]

_NAME = re.compile(r"[A-Za-z0-9-]+")
_PARAM = re.compile(r';([A-Za-z0-9-]+)=("[^"\x00-\x1f]*"|[^";:,\x00-\x1f]*)')


def physical_lines(text: str) -> list[bytes]:
    """Lines as octets; fails on bare CR or LF, on a missing final CRLF, or on long lines."""
    data = text.encode("utf-8")
    assert data.endswith(b"\r\n")
    lines = data[:-2].split(b"\r\n")
    for line in lines:
        assert b"\r" not in line
        assert b"\n" not in line
        assert len(line) <= 75, line
        line.decode("utf-8")  # each line on its own is valid UTF-8: no character was split
    return lines


def unfold(text: str) -> list[str]:
    logical: list[str] = []
    for line in physical_lines(text):
        decoded = line.decode("utf-8")
        if decoded.startswith(" "):
            assert logical, "a continuation line cannot come first"
            logical[-1] += decoded[1:]
        else:
            assert not decoded.startswith("\t")
            logical.append(decoded)
    return logical


def parse_line(line: str) -> Property:
    name_match = _NAME.match(line)
    assert name_match, line
    params: dict[str, str] = {}
    pos = name_match.end()
    while line[pos] == ";":
        param = _PARAM.match(line, pos)
        assert param, line
        params[param.group(1).upper()] = param.group(2).strip('"')
        pos = param.end()
    assert line[pos] == ":", line
    return name_match.group().upper(), params, line[pos + 1 :]


def unescape(value: str) -> str:
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char == "\\":
            nxt = next(chars)
            assert nxt in "\\;,nN", f"bad escape \\{nxt}"
            out.append("\n" if nxt in "nN" else nxt)
        else:
            assert char not in ";,", f"unescaped {char!r} in TEXT value {value!r}"
            out.append(char)
    return "".join(out)


def components(text: str) -> dict[str, list[Property]]:
    """Properties per component, checking that BEGIN and END nest properly."""
    stack: list[str] = []
    found: dict[str, list[Property]] = {}
    for line in unfold(text):
        name, params, value = parse_line(line)
        if name == "BEGIN":
            stack.append(value)
            found.setdefault(value, [])
        elif name == "END":
            assert stack.pop() == value
        else:
            assert stack, f"property outside a component: {line}"
            found[stack[-1]].append((name, params, value))
    assert not stack
    return found


def one(props: list[Property], name: str) -> str:
    values = [value for prop, _, value in props if prop == name]
    assert len(values) == 1, (name, values)
    return values[0]


# --- REQUEST ------------------------------------------------------------------------------------


def test_request_has_the_calendar_and_event_properties() -> None:
    found = components(build(sequence=2))

    cal, event = found["VCALENDAR"], found["VEVENT"]
    assert one(cal, "PRODID") == "-//forumbot//EN"
    assert one(cal, "VERSION") == "2.0"
    assert one(cal, "CALSCALE") == "GREGORIAN"
    assert one(cal, "METHOD") == "REQUEST"
    assert one(event, "UID") == "meeting-42@forumbot"
    assert one(event, "SEQUENCE") == "2"
    assert one(event, "STATUS") == "CONFIRMED"
    assert one(event, "DTSTAMP") == "20250409T070005Z"


def test_times_are_written_in_utc_whatever_zone_they_come_in() -> None:
    event = components(build())["VEVENT"]

    # 10:00 CEST is 08:00 UTC.
    assert one(event, "DTSTART") == "20250410T080000Z"
    assert one(event, "DTEND") == "20250410T082000Z"

    seoul = components(build(start=START.astimezone(KST), end=END.astimezone(KST)))["VEVENT"]
    assert one(seoul, "DTSTART") == "20250410T080000Z"


def test_request_carries_a_display_alarm_15_minutes_before() -> None:
    alarm = components(build())["VALARM"]

    assert one(alarm, "ACTION") == "DISPLAY"
    assert one(alarm, "TRIGGER") == "-PT15M"
    assert unescape(one(alarm, "DESCRIPTION")) == "Meeting: Anna Schmidt ↔ 김민준"


def test_organizer_and_attendees_have_names_and_distinct_addresses() -> None:
    event = components(build(organizer_name='The "Forum": Brussels; 2025'))["VEVENT"]

    [(_, organizer, address)] = [p for p in event if p[0] == "ORGANIZER"]
    assert organizer["CN"] == "The 'Forum': Brussels; 2025"
    assert address.startswith("mailto:") and address.endswith(".invalid")
    attendees = [p for p in event if p[0] == "ATTENDEE"]
    assert [params["CN"] for _, params, _ in attendees] == ["Anna Schmidt", "김민준"]
    assert len({value for _, _, value in attendees}) == 2
    assert all(params["RSVP"] == "FALSE" for _, params, _ in attendees)


# --- escaping and folding -----------------------------------------------------------------------


def test_text_is_escaped_and_reads_back_unchanged_with_korean_text() -> None:
    text = build()
    event = components(text)["VEVENT"]

    raw = one(event, "DESCRIPTION")
    assert "\\;" in raw
    assert "\\," in raw
    assert "\\\\" in raw
    assert "\\n" in raw
    assert unescape(raw) == DESCRIPTION.replace("\r\n", "\n")
    assert unescape(one(event, "LOCATION")) == "Matchmaking area, level 2; table 7"
    assert unescape(one(event, "SUMMARY")) == "Meeting: Anna Schmidt ↔ 김민준"


def test_escape_text_order_and_control_characters() -> None:
    assert escape_text("a\\,b") == "a\\\\\\,b"
    assert escape_text("x\ry\r\nz\n") == "x\\ny\\nz\\n"
    assert escape_text("bell\x07tab\t") == "belltab\t"


def test_long_lines_fold_at_75_octets_without_splitting_characters() -> None:
    text = build()

    lines = physical_lines(text)
    folded = [line for line in lines if line.startswith(b" ")]
    assert len(folded) >= 3
    # Korean syllables take 3 octets, so lines end short of 75 rather than inside a character.
    assert max(len(line) for line in lines) in (73, 74, 75)
    assert any(len(line) == 75 for line in lines)
    assert "".join(unfold(text)).count("김민준") >= 2


@pytest.mark.parametrize("prefix", range(0, 8))
def test_fold_never_cuts_a_four_octet_character(prefix: int) -> None:
    line = "DESCRIPTION:" + "x" * (60 + prefix) + "🙂" * 30

    pieces = list(fold(line))

    assert "".join(pieces[:1] + [p[1:] for p in pieces[1:]]) == line
    for i, piece in enumerate(pieces):
        assert len(piece.encode("utf-8")) <= 75
        assert piece.startswith(" ") == (i > 0)


def test_short_lines_are_left_alone() -> None:
    assert list(fold("VERSION:2.0")) == ["VERSION:2.0"]
    assert list(fold("X" * 75)) == ["X" * 75]
    assert list(fold("X" * 76)) == ["X" * 75, " X"]


# --- CANCEL -------------------------------------------------------------------------------------


def test_cancel_keeps_the_uid_bumps_the_sequence_and_drops_the_alarm() -> None:
    found = components(build(method="CANCEL", sequence=3))

    assert one(found["VCALENDAR"], "METHOD") == "CANCEL"
    assert one(found["VEVENT"], "UID") == "meeting-42@forumbot"
    assert one(found["VEVENT"], "SEQUENCE") == "3"
    assert one(found["VEVENT"], "STATUS") == "CANCELLED"
    assert "VALARM" not in found


def test_empty_description_and_location_are_left_out() -> None:
    event = components(build(description="", location=""))["VEVENT"]

    assert not [p for p in event if p[0] in ("DESCRIPTION", "LOCATION")]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start": datetime(2025, 4, 10, 8)}, "timezone-aware"),
        ({"now": datetime(2025, 4, 10, 8)}, "timezone-aware"),
        ({"end": START}, "after start"),
        ({"uid": "meeting-1@forumbot\r\nX-EVIL:1"}, "uid"),
        ({"uid": ""}, "uid"),
        ({"sequence": -1}, "sequence"),
        ({"method": "PUBLISH"}, "method"),
    ],
)
def test_bad_arguments_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build(**changes)


# --- cross-check with the icalendar library when it is installed --------------------------------


def test_icalendar_reads_request_and_cancel_the_same_way() -> None:
    icalendar = pytest.importorskip("icalendar")

    request = icalendar.Calendar.from_ical(build(sequence=1))
    [event] = request.walk("VEVENT")
    assert str(request["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "meeting-42@forumbot"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == datetime(2025, 4, 10, 8, 0, tzinfo=UTC)
    assert event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=20)
    assert str(event["DESCRIPTION"]) == DESCRIPTION.replace("\r\n", "\n")
    assert str(event["LOCATION"]) == "Matchmaking area, level 2; table 7"
    [alarm] = event.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-15)

    cancel = icalendar.Calendar.from_ical(build(method="CANCEL", sequence=2))
    [cancelled] = cancel.walk("VEVENT")
    assert str(cancel["METHOD"]) == "CANCEL"
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["UID"]) == str(event["UID"])
    assert not cancelled.walk("VALARM")

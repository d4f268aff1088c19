"""What every CSV handed to an organiser must be: Excel-ready, and no cell a spreadsheet would run.

Stated independently of the writer (`core.reference.spreadsheet`), so a slip there shows here:
a cell is unsafe when it starts with a tab, a carriage return or NUL, or when, from its start or
from any point after a `;` or a line break, the first character that is not whitespace or a
double quote is a formula character (`= + - @` or their full-width forms) and no apostrophe
comes first.
"""

from __future__ import annotations

import codecs
import csv
import io

FORMULA = "=+-@＝＋－＠"


def unsafe_reason(cell: str) -> str | None:
    """Why a spreadsheet could run this cell, or None when it is inert text."""
    if cell and cell[0] in "\t\r\0":
        return f"starts with {cell[0]!r}"
    starts = [0] + [i + 1 for i, ch in enumerate(cell) if ch in ";\r\n"]
    for start in starts:
        rest = cell[start:]
        if rest.startswith("'"):
            continue
        head = rest.lstrip()
        while head.startswith('"'):
            head = head[1:].lstrip()
        if head[:1] and head[0] in FORMULA:
            where = "the start" if start == 0 else f"offset {start} (after {cell[start - 1]!r})"
            return f"{head[0]!r} at {where}"
    return None


def _assert_crlf(text: str) -> None:
    """Every record ends in CRLF (line breaks inside quoted cells are the cell's own)."""
    quoted = False
    for i, ch in enumerate(text):
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "\n":
            assert text[i - 1 : i] == "\r", f"bare LF at {i}"
        elif not quoted and ch == "\r":
            assert text[i + 1 : i + 2] == "\n", f"bare CR at {i}"
    assert text.endswith("\r\n"), "the last record has no CRLF"


def assert_csv_safe(data: bytes) -> list[list[str]]:
    """Assert `data` is UTF-8 with a BOM, CRLF records, and only inert cells; return the rows."""
    assert data.startswith(codecs.BOM_UTF8), "no UTF-8 byte-order mark (Excel garbles Korean)"
    text = data[len(codecs.BOM_UTF8) :].decode("utf-8")
    _assert_crlf(text)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    problems = [
        f"row {r} column {c}: {cell!r}: {reason}"
        for r, row in enumerate(rows)
        for c, cell in enumerate(row)
        if (reason := unsafe_reason(cell))
    ]
    assert not problems, "cells a spreadsheet would run:\n" + "\n".join(problems)
    return rows

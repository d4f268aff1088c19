"""The one CSV writer: attendees type the text organisers open in Excel, so no cell may run.

The rule (OWASP "CSV Injection", CWE-1236), applied to every cell whoever wrote it (header,
attendee text, and numbers the bot writes alike; the bot writes no negative numbers today, and a
single rule cannot be fooled by text that merely looks like a number):

1. A cell gets a leading apostrophe ``'`` when it starts with a tab, a carriage return or NUL,
   or when its first character after any leading whitespace and double quotes is ``=``, ``+``,
   ``-`` or ``@`` (or their full-width forms ``＝ ＋ － ＠``, which some spreadsheets accept).
   A cell that starts with an apostrophe is already text and is left alone.
2. Inside a cell, the same characters are defused after a ``;`` or a line break, where a
   spreadsheet that splits on semicolons (the list separator of many European locales) or
   misreads a multi-line cell would start a new cell: an apostrophe goes before the character
   (``"Anna;=cmd"`` becomes ``"Anna;'=cmd"``).

The file is RFC 4180 (quotes doubled, fields with commas, quotes or line breaks quoted), CRLF
line ends, UTF-8 with a byte-order mark so that Excel shows Korean text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

BOM = "\ufeff"
#: Characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = "=+-@＝＋－＠"
#: Characters that are dangerous as a cell's very first character, whatever follows.
CONTROL_STARTS = "\t\r\0"
_LEAD = re.compile(rf"[\s\"]*[{re.escape(FORMULA_STARTS)}]")
_INNER = re.compile(rf"[;\r\n][\s\"]*(?=[{re.escape(FORMULA_STARTS)}])")


def safe_cell(value: object) -> str:
    """One cell as inert text (None is empty); see the module's rule."""
    text = "" if value is None else str(value)
    lead = (text != "" and text[0] in CONTROL_STARTS) or _LEAD.match(text) is not None
    text = _INNER.sub(lambda m: m.group(0) + "'", text)
    return "'" + text if lead else text


def to_csv(header: Sequence[object], rows: Iterable[Sequence[object]]) -> bytes:
    """The whole file: header and rows, every cell through `safe_cell`, as Excel-ready bytes."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return (BOM + buffer.getvalue()).encode("utf-8")

"""Reading a CSV saved by a spreadsheet: Excel in Korea writes CP949 or UTF-16, not only UTF-8."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Collection, Iterator
from dataclasses import dataclass

#: Encodings we recognise, by the name the report shows ("utf-8-sig" is UTF-8 with a BOM).
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp949")
DELIMITERS = (",", ";", "\t")
#: The csv module's limit for one value (its default field_size_limit, which we keep).
CELL_LIMIT = 131_072


def decode(data: bytes) -> tuple[str, str] | None:
    """The text and its encoding: a BOM decides; else UTF-8, else CP949 (Korean Windows, a
    superset of EUC-KR); None when neither fits."""
    if data.startswith(codecs.BOM_UTF8):
        candidates: tuple[str, ...] = ("utf-8-sig",)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ("utf-16",)  # Excel's "Unicode text": UTF-16 with a BOM, tab-separated
    else:
        candidates = ("utf-8", "cp949")
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None


def sniff_delimiter(text: str, columns: Collection[str], required: Collection[str]) -> str:
    """The delimiter that splits the header into the columns we know (comma when in doubt)."""
    header = ""
    for line in io.StringIO(text, newline=""):
        if line.strip():
            header = line.strip("\r\n")
            break

    def fit(delimiter: str) -> tuple[int, int, int]:
        try:
            cells = next(csv.reader([header], delimiter=delimiter), [])
        except csv.Error:  # records() will say what is wrong with it
            return 0, 0, 0
        names = {c.strip().lower() for c in cells}
        return len(names & set(required)), len(names & set(columns)), len(cells)

    return max(DELIMITERS, key=fit)  # the first of equals wins: comma before the others


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record with the lines it spans; an unreadable one has a problem, not cells."""

    first: int
    last: int
    cells: list[str] | None
    problem: str = ""


def _explain(error: csv.Error) -> str:
    """What the csv module's complaint means for someone editing a spreadsheet."""
    message = str(error)
    if "field larger than field limit" in message:
        return f"a value is longer than {CELL_LIMIT:,} characters"
    if "unexpected end of data" in message:
        return "a quote is opened but never closed"
    if "expected after" in message:
        return (
            "a quote in the wrong place (a value containing quotes must be wrapped in "
            'quotes, with its own quotes doubled: "say ""hello""")'
        )
    return f"the line cannot be read ({message})"


def records(text: str, delimiter: str) -> Iterator[Record]:
    """Every record that is not blank, with its line numbers; after an unreadable record,
    reading goes on with the next line, so one bad line never hides the others."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if reader.line_num <= previous:  # no progress: nothing more can be read
                return
            yield Record(previous + 1, reader.line_num, None, _explain(error))
            previous = reader.line_num
            continue
        first, previous = previous + 1, reader.line_num
        if any(cell.strip() for cell in cells):  # blank lines and rows of empty cells
            yield Record(first, previous, cells)


def is_xlsx(data: bytes) -> bool:
    """An Excel workbook (a zip archive) rather than text."""
    return data.startswith(b"PK\x03\x04")


def _xlsx_cell(value: object) -> str:
    """A cell as text: whole numbers without ".0", dates as ISO, empty as ""."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def xlsx_records(data: bytes, limit: int) -> list[Record] | None:
    """The first sheet's non-blank rows (at most `limit`) as records numbered by spreadsheet
    row; None when the workbook cannot be opened. openpyxl reads in read-only mode, so a big
    sheet is streamed, and it never evaluates formulas."""
    import zipfile

    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return []
        found: list[Record] = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell(v) for v in row]
            while cells and not cells[-1].strip():
                cells.pop()
            if any(c.strip() for c in cells):
                found.append(Record(number, number, cells))
                if len(found) >= limit:
                    break
        return found
    finally:
        book.close()

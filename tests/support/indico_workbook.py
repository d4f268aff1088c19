"""Writes tests/data/imports/indico-registrants.xlsx: Indico's registrants export as XLSX with a
renamed field ("Field of research") and one Pending row.
Run: python -m tests.support.indico_workbook"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

HEADER = [
    "ID",
    "Name",
    "First Name",
    "Last Name",
    "Email Address",
    "Affiliation",
    "Position",
    "Country",
    "Field of research",
    "Registration date",
    "Registration state",
    "Tags",
]
ROWS = [
    [
        11,
        "Hana Park",
        "Hana",
        "Park",
        "hana@kaist.ac.kr",
        "KAIST",
        "Postdoc",
        "South Korea",
        "Quantum sensing; Metrology",
        datetime(2026, 11, 2, 9, 0),
        "Completed",
        None,
    ],
    [
        12,
        "Lukas Novak",
        "Lukas",
        "Novak",
        "lukas@cvut.cz",
        "Czech Technical University",
        "Professor",
        "Czechia",
        "Photonic qubits",
        datetime(2026, 11, 3, 9, 0),
        "Pending",
        None,
    ],
    [
        13,
        "Marie Dubois",
        "Marie",
        "Dubois",
        "marie@cnrs.fr",
        "CNRS",
        "Researcher",
        "France",
        "Quantum simulation",
        datetime(2026, 11, 4, 9, 0),
        "Completed",
        "speaker",
    ],
]
PATH = Path(__file__).resolve().parents[1] / "data" / "imports" / "indico-registrants.xlsx"


def write(path: Path = PATH) -> Path:
    """The workbook, one sheet named as Indico names it."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Registrations"
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(path)
    return path


if __name__ == "__main__":
    print(write())

"""Indico's registrants export, CSV with a BOM and XLSX: columns by alias or --map, countries by
English name, "; " lists, only Completed by default, Indico's guards on cells tolerated."""

from __future__ import annotations

from pathlib import Path

from core.people.registration_columns import ColumnOptions
from core.people.registrations import read_registrations

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
CSV = (DATA / "indico-registrants.csv").read_bytes()
XLSX = (DATA / "indico-registrants.xlsx").read_bytes()


def labels(item) -> list[str]:
    return [k.label for k in item.expertise]


def test_the_csv_export_is_recognised_and_only_completed_rows_come_in():
    parsed = read_registrations(CSV)
    assert parsed.encoding == "utf-8-sig" and parsed.source_format == "indico"
    assert parsed.errors == []
    people = {item.email: item for _line, item in parsed.rows}
    assert list(people) == ["minjun@kist.re.kr", "anna@tudelft.nl", "seoyeon@snu.ac.kr"]
    assert parsed.skipped == {"Pending": 1, "Withdrawn": 1}
    minjun = people["minjun@kist.re.kr"]
    assert (minjun.name, minjun.country) == ("Minjun Kim", "KR")  # "Korea, Republic of"
    assert minjun.organisation == "Korea Institute of Science and Technology"
    assert len(minjun.expertise) == 2  # "; " separated choices
    anna = people["anna@tudelft.nl"]
    assert anna.country == "NL" and "Cryogenics" in labels(anna)  # "+Cryogenics" tolerated
    seoyeon = labels(people["seoyeon@snu.ac.kr"])  # "'+Quantum sensing": guarded, then stripped
    assert len(seoyeon) == 1 and seoyeon[0][0] not in "'+" and "sensing" in seoyeon[0].lower()
    assert "Email Address → email" in parsed.used and "Affiliation → organisation" in parsed.used
    assert {"ID", "Position", "Phone Number", "Tags", "Registration date"} <= set(parsed.ignored)


def test_other_states_on_request():
    parsed = read_registrations(CSV, ColumnOptions(states=("Completed", "pending")))
    assert "jonas@fz-juelich.de" in [item.email for _line, item in parsed.rows]
    assert parsed.skipped == {"Withdrawn": 1}
    everyone = read_registrations(CSV, ColumnOptions(states=("all",)))
    assert len(everyone.rows) == 5 and everyone.skipped == {}


def test_the_xlsx_export_with_a_renamed_field_mapped():
    plain = read_registrations(XLSX)
    assert plain.encoding == "xlsx" and plain.source_format == "indico"
    assert "Field of research" in plain.ignored
    assert [item.email for _line, item in plain.rows] == ["hana@kaist.ac.kr", "marie@cnrs.fr"]
    assert [line for line, _item in plain.rows] == [2, 4]  # spreadsheet row numbers
    assert plain.skipped == {"Pending": 1}
    mapped = read_registrations(XLSX, ColumnOptions({"field of research": "expertise"}))
    hana = mapped.rows[0][1]
    assert hana.country == "KR" and len(hana.expertise) == 2
    assert "Field of research → expertise" in mapped.used
    assert mapped.rows[1][1].country == "FR"


def test_a_broken_workbook_is_refused_whole():
    assert read_registrations(b"PK\x03\x04 not really a zip").refusal == "workbook"


def test_forumbot_columns_keep_their_plus_signs():
    parsed = read_registrations(b"name,email,offers\nKim,kim@x.org,+ lab time\n")
    assert parsed.source_format == "forumbot"
    assert parsed.rows[0][1].offers == "+ lab time"


def test_a_map_to_an_unknown_column_is_named():
    assert "unknown column(s) hobbies" in (ColumnOptions({"x": "hobbies"}).problem() or "")

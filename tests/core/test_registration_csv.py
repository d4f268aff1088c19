"""The pure registration reader: Korean Excel encodings and delimiters, a row cap, and every
unreadable line refused by number while the others are still read."""

from __future__ import annotations

import codecs

import pytest

from core.people.registrations import MAX_ROWS, read_registrations
from core.people.spreadsheet import CELL_LIMIT, decode, sniff_delimiter

HEADER = ["name", "email", "organisation", "country", "delegation", "sector", "expertise"]
PEOPLE = [
    [
        "김민준",
        "minjun@kist.re.kr",
        "한국과학기술연구원",
        "대한민국",
        "KR",
        "research",
        "양자키분배, 초전도 큐비트",
    ],
    [
        "Anna de Vries",
        "anna@tudelft.nl",
        "TU Delft",
        "Nederland",
        "EU",
        "academia",
        "cryo-CMOS; QKD",
    ],
    ["이서연", "seoyeon@snu.ac.kr", "서울대학교", "한국", "KR", "university", ""],
]


def table(rows: list[list[str]], delimiter: str) -> str:
    """Rows as a spreadsheet writes them: values holding the delimiter or a quote are quoted."""

    def cell(value: str) -> str:
        if delimiter in value or '"' in value or "\n" in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in rows)


def people(data: bytes) -> list[tuple[int, str, str, str, str | None]]:
    parsed = read_registrations(data)
    assert parsed.errors == [] and parsed.refusal is None
    return [(n, r.name, r.email, r.organisation, r.country) for n, r in parsed.rows]


EXPECTED = [
    (2, "김민준", "minjun@kist.re.kr", "한국과학기술연구원", "KR"),
    (3, "Anna de Vries", "anna@tudelft.nl", "TU Delft", "NL"),
    (4, "이서연", "seoyeon@snu.ac.kr", "서울대학교", "KR"),
]


@pytest.mark.parametrize(
    ("data", "encoding", "delimiter"),
    [
        (table([HEADER, *PEOPLE], ",").encode("utf-8"), "utf-8", ","),
        (table([HEADER, *PEOPLE], ",").encode("utf-8-sig"), "utf-8-sig", ","),
        (table([HEADER, *PEOPLE], ";").encode("cp949"), "cp949", ";"),
        (table([HEADER, *PEOPLE], ",").encode("euc-kr"), "cp949", ","),
        (table([HEADER, *PEOPLE], "\t").encode("utf-16"), "utf-16", "\t"),  # BOM + UTF-16 LE
        (codecs.BOM_UTF16_BE + table([HEADER, *PEOPLE], "\t").encode("utf-16-be"), "utf-16", "\t"),
        (table([HEADER, *PEOPLE], ";").encode("utf-8-sig"), "utf-8-sig", ";"),
    ],
)
def test_the_same_people_from_every_korean_excel_format(data, encoding, delimiter):
    parsed = read_registrations(data)
    assert (parsed.encoding, parsed.delimiter) == (encoding, delimiter)
    assert people(data) == EXPECTED
    minjun = parsed.rows[0][1]
    assert [k.term_id for k in minjun.expertise] == ["qkd", "superconducting-qubits"]
    assert [k.term_id for k in parsed.rows[1][1].expertise] == ["cryo-cmos", "qkd"]


def test_an_unknown_encoding_is_refused_as_a_whole():
    data = table([HEADER, *PEOPLE], ",").encode("utf-8") + b"\xff\xfe\xff"
    assert decode(data) is None
    parsed = read_registrations(data)
    assert parsed.refusal == "encoding" and parsed.rows == [] and parsed.errors == []


def test_the_delimiter_is_the_one_that_finds_the_columns():
    known, required = HEADER, ("name", "email")
    assert sniff_delimiter("name;email;organisation\nA, B;a@b.c;X, Y\n", known, required) == ";"
    assert sniff_delimiter("\n\nname\temail\n", known, required) == "\t"
    assert sniff_delimiter("name,email\n", known, required) == ","
    assert sniff_delimiter("nothing here\n", known, required) == ","  # in doubt: comma


def test_ten_thousand_rows_pass_and_one_more_is_refused():
    rows = [[f"Person {i}", f"p{i}@example.org"] for i in range(MAX_ROWS + 1)]
    at_cap = read_registrations(table([["name", "email"], *rows[:MAX_ROWS]], ",").encode())
    assert at_cap.refusal is None and len(at_cap.rows) == MAX_ROWS and at_cap.errors == []
    over = read_registrations(table([["name", "email"], *rows], ",").encode())
    assert over.refusal == "too_many_rows" and over.rows == [] and over.errors == []


def test_a_giant_value_refuses_its_line_only():
    rows = [HEADER, PEOPLE[0], ["Big", "big@example.org", "x" * 200_000], PEOPLE[1]]
    parsed = read_registrations(table(rows, ",").encode())
    assert parsed.errors == [(3, f"a value is longer than {CELL_LIMIT:,} characters")]
    assert [n for n, _ in parsed.rows] == [2, 4]


def test_malformed_lines_mid_file_are_each_named_and_the_rest_is_read():
    text = (
        "name,email,organisation,country\r\n"  # 1
        "Anna de Vries,anna@tudelft.nl,TU Delft,NL\r\n"  # 2
        '"Lee" Ji-ho,jiho@kaist.ac.kr,KAIST,KR\r\n'  # 3: a quote in the wrong place
        "Park Soo,soo@postech.ac.kr,POSTECH, Pohang,KR\r\n"  # 4: an unquoted comma
        "\r\n"  # 5: blank, skipped
        ",,,\r\n"  # 6: empty cells only, skipped
        "이서연,seoyeon@snu.ac.kr,서울대학교,KR\r\n"  # 7
        'Kim,kim@kist.re.kr,"KIST\r\n'  # 8: a quote never closed...
        "Choi,choi@kist.re.kr,KIST,KR\r\n"  # 9: ...swallows the end of the file
    )
    parsed = read_registrations(text.encode())
    assert [(n, r.email) for n, r in parsed.rows] == [
        (2, "anna@tudelft.nl"),
        (7, "seoyeon@snu.ac.kr"),
    ]
    assert parsed.errors == [
        (
            3,
            "a quote in the wrong place (a value containing quotes must be wrapped in "
            'quotes, with its own quotes doubled: "say ""hello""")',
        ),
        (
            4,
            "5 values but the header has 4 columns "
            "(a value containing ',' must be wrapped in quotes)",
        ),
        (8, "a quote is opened but never closed (lines 8–9)"),
    ]


def test_a_quote_closed_lines_later_is_caught_by_the_line_break_it_holds():
    text = (
        "name,email,organisation,offers\n"
        'Kim,kim@kist.re.kr,"KIST,\n'  # 2: the quote closes on line 3
        'Choi,choi@kist.re.kr",KIST,"line one\n'
        'line two"\n'  # 4: a line break in offers is fine
    )
    parsed = read_registrations(text.encode())
    assert parsed.errors == [
        (
            2,
            "5 values but the header has 4 columns (a value containing ',' must be wrapped in "
            "quotes); organisation runs over several lines (is a quote not closed?) (lines 2–4)",
        )
    ]
    assert parsed.rows == []
    fine = read_registrations(b'name,email,offers\nKim,kim@kist.re.kr,"line one\nline two"\n')
    assert [(n, r.offers) for n, r in fine.rows] == [(2, "line one\nline two")]


def test_a_missing_column_and_an_overlong_email_are_refused():
    assert read_registrations(b"\nname;mail\nKim;kim@x.org\n").errors == [
        (2, "missing column(s): email")
    ]
    long_email = "a" * 250 + "@example.org"
    parsed = read_registrations(f"name,email\nKim,{long_email}\n".encode())
    assert parsed.errors == [(2, "email is longer than 254 characters")]


def test_an_unreadable_header_is_named():
    parsed = read_registrations(("name,email," + "x" * 200_000 + "\nKim,kim@x.org\n").encode())
    assert parsed.errors == [
        (1, f"the header cannot be read: a value is longer than {CELL_LIMIT:,} characters")
    ]
    assert parsed.rows == [] and parsed.refusal is None

"""Registration files as organisers send them in the chat: Korean Excel encodings and
delimiters, too many rows, oversized files and values, unreadable lines; one query for who
already exists, however long the file."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bot.__main__ import main
from core.people.registrations import MAX_ROWS
from handlers.i18n import Translator
from handlers.people.registrations import MAX_BYTES

EN, KO = Translator("en"), Translator("ko")
ORGANISER = 9000
HEADER = ["name", "email", "organisation", "country", "delegation", "sector", "expertise"]
PEOPLE = [
    ["김민준", "minjun@kist.re.kr", "한국과학기술연구원", "대한민국", "KR", "research", ""],
    ["Anna de Vries", "anna@tudelft.nl", "TU Delft", "Nederland", "EU", "academia", "QKD"],
    ["이서연", "seoyeon@snu.ac.kr", "서울대학교", "한국", "KR", "university", "양자키분배, 큐비트"],
]


def table(rows: list[list[str]], delimiter: str = ",") -> str:
    """Rows as a spreadsheet saves them: a value holding the delimiter or a quote is quoted."""

    def cell(value: str) -> str:
        if delimiter in value or '"' in value:
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(v) for v in row) + "\r\n" for row in rows)


async def organiser_bot(make_bot, language: str = "en"):
    bot = await make_bot(access={"mode": "invite"}, organisers={"telegram_ids": [ORGANISER]})
    return bot, bot.client(ORGANISER, "Org", language_code=language)


async def stored(bot) -> list[tuple[str, str, str, str | None, bool]]:
    async with bot.uow() as uow:
        rows = await uow.registrations.all()
    return sorted((r.email, r.name, r.organisation, r.country, bool(r.invite_code)) for r in rows)


EXPECTED = [
    ("anna@tudelft.nl", "Anna de Vries", "TU Delft", "NL", True),
    ("minjun@kist.re.kr", "김민준", "한국과학기술연구원", "KR", True),
    ("seoyeon@snu.ac.kr", "이서연", "서울대학교", "KR", True),
]


@pytest.mark.parametrize(
    ("language", "filename", "data", "encoding", "delimiter"),
    [
        ("ko", "명단.csv", table([HEADER, *PEOPLE], ";").encode("cp949"), "cp949", "semicolon"),
        ("en", "people.txt", table([HEADER, *PEOPLE], "\t").encode("utf-16"), "utf16", "tab"),
        ("ko", "people.csv", table([HEADER, *PEOPLE]).encode("utf-8-sig"), "utf8_bom", "comma"),
        ("en", "people.csv", table([HEADER, *PEOPLE]).encode("cp949"), "cp949", "comma"),
    ],
)
async def test_korean_excel_files_import_the_same_people(
    make_bot, language, filename, data, encoding, delimiter
):
    t = EN if language == "en" else KO
    bot, organiser = await organiser_bot(make_bot, language)
    await organiser.send_document(filename, data, mime_type="text/csv")
    report = organiser.last()
    how = t(
        "import.format",
        encoding=t(f"import.encoding_{encoding}"),
        delimiter=t(f"import.delimiter_{delimiter}"),
    )
    assert report.text == f"{t('import.dry', created=3, updated=0, refused=0)}\n{how}"
    assert report.buttons == [t("import.button", count=3)]
    assert await stored(bot) == []
    await organiser.press(t("import.button", count=3))
    assert organiser.last().text == t("import.done", created=3, updated=0, refused=0)
    assert await stored(bot) == EXPECTED
    async with bot.uow() as uow:
        seoyeon = await uow.registrations.get("seoyeon@snu.ac.kr")
    assert [k.term_id for k in seoyeon.expertise][:1] == ["qkd"]


@pytest.mark.parametrize("language", ["en", "ko"])
async def test_more_than_ten_thousand_rows_are_refused_naming_the_cap(make_bot, language):
    t = EN if language == "en" else KO
    bot, organiser = await organiser_bot(make_bot, language)
    rows = [[f"Person {i}", f"p{i}@example.org"] for i in range(MAX_ROWS + 1)]
    await organiser.send_document("people.csv", table([["name", "email"], *rows]).encode())
    refusal = organiser.last()
    assert refusal.text == t("import.too_many", limit=MAX_ROWS)
    assert "10,000" in refusal.text and refusal.buttons == []
    assert await stored(bot) == []


async def test_a_giant_value_is_refused_politely_by_line_and_the_rest_imports(make_bot):
    bot, organiser = await organiser_bot(make_bot)
    rows = [HEADER, PEOPLE[0], ["Big", "big@example.org", "x" * 200_000], PEOPLE[1], PEOPLE[2]]
    await organiser.send_document("people.csv", table(rows).encode())
    report = organiser.last().text
    assert report.startswith(EN("import.dry", created=3, updated=0, refused=1))
    problem = "a value is longer than 131,072 characters"
    assert report.endswith(EN("import.error", line=3, problem=problem))
    await organiser.press(EN("import.button", count=3))
    assert organiser.last().text == "\n".join(
        (
            EN("import.done", created=3, updated=0, refused=1),
            EN("import.error", line=3, problem=problem),
        )
    )
    assert await stored(bot) == EXPECTED  # bot.errors stays empty: no traceback anywhere


async def test_a_file_over_5_mb_is_refused_even_when_telegram_leaves_out_its_size(make_bot):
    bot, organiser = await organiser_bot(make_bot)
    big = table([HEADER, *PEOPLE]).encode() + b"," * MAX_BYTES
    update = organiser.document_update("people.csv", big)
    del update["message"]["document"]["file_size"]
    answer_get_file = bot.fake._handlers["getFile"]
    bot.fake._handlers["getFile"] = lambda params, files: {  # getFile may leave it out too
        k: v for k, v in answer_get_file(params, files).items() if k != "file_size"
    }
    await organiser.feed(update)
    assert organiser.last().text == EN("import.too_big")
    assert len(bot.fake.calls_to("getFile")) == 1  # refused after the download, not before
    assert await stored(bot) == []

    bot.fake._handlers["getFile"] = answer_get_file
    await organiser.send_document("people.csv", big)  # a stated size refuses before download
    assert organiser.last().text == EN("import.too_big")
    assert len(bot.fake.calls_to("getFile")) == 1


async def test_malformed_lines_mid_file_are_each_named_and_nothing_else_is_lost(make_bot):
    bot, organiser = await organiser_bot(make_bot, "ko")
    text = (
        "name,email,organisation,country\r\n"
        "Anna de Vries,anna@tudelft.nl,TU Delft,NL\r\n"
        '"Lee" Ji-ho,jiho@kaist.ac.kr,KAIST,KR\r\n'  # 3: a quote in the wrong place
        "Park Soo,soo@postech.ac.kr,POSTECH, Pohang,KR\r\n"  # 4: an unquoted comma
        "이서연,seoyeon@snu.ac.kr,서울대학교,KR\r\n"
        'Kim,kim@kist.re.kr,"KIST\r\n'  # 6: a quote never closed
        "Choi,choi@kist.re.kr,KIST,KR\r\n"
    )
    await organiser.send_document("people.csv", text.encode("cp949"))
    lines = organiser.last().text.split("\n")
    assert lines[0] == KO("import.dry", created=2, updated=0, refused=3)
    assert [line.split(":")[0] for line in lines[2:]] == [
        "• 3번째 줄",
        "• 4번째 줄",
        "• 6번째 줄",
    ]
    assert lines[3] == KO(
        "import.error",
        line=4,
        problem="5 values but the header has 4 columns "
        "(a value containing ',' must be wrapped in quotes)",
    )
    assert lines[4] == KO(
        "import.error", line=6, problem="a quote is opened but never closed (lines 6–7)"
    )
    await organiser.press(KO("import.button", count=2))
    assert organiser.last().text.split("\n")[1:] == lines[2:]
    assert [email for email, *_ in await stored(bot)] == ["anna@tudelft.nl", "seoyeon@snu.ac.kr"]


async def test_many_long_refusals_fit_in_one_message(make_bot):
    _bot, organiser = await organiser_bot(make_bot)
    long = "Atlantis " * 15
    bad = "".join(f"Person {i},not-an-email-{long},{long},{long}\r\n" for i in range(40))
    await organiser.send_document("p.csv", f"name,email,country,sector\r\n{bad}".encode())
    lines = organiser.last().text.split("\n")
    assert len("\n".join(lines)) <= 4096
    shown = [line for line in lines if line.startswith("• line ")]
    assert 5 < len(shown) < 25 and shown[0].startswith("• line 2: email 'not-an-email-")
    assert all(len(line) < 320 and line.endswith("…") for line in shown)
    assert lines[-1] == EN("import.more", count=40 - len(shown))
    assert organiser.last().buttons == []


async def test_one_query_finds_who_exists_however_long_the_file(make_bot):
    bot, organiser = await organiser_bot(make_bot)
    rows = [[f"Person {i}", f"p{i}@example.org", f"Org {i}"] for i in range(600)]
    statements: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _executemany) -> None:
        statements.append(" ".join(statement.split()).lower())

    def on(table_name: str, verb: str) -> int:
        return sum(1 for s in statements if s.startswith(verb) and table_name in s)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        data = table([["name", "email", "organisation"], *rows]).encode()
        await organiser.send_document("people.csv", data)
        assert on("registrations", "select") == 1
        await organiser.press(EN("import.button", count=600))
        assert organiser.last().text == EN("import.done", created=600, updated=0, refused=0)
        assert on("registrations", "select") == 2  # one more for the import itself
        assert on("registrations", "insert") <= 2 and on("invites", "insert") <= 2

        statements.clear()  # again, changed: 600 updates, still one query to find them
        changed = [[name, email, "New " + org] for name, email, org in rows]
        data = table([["name", "email", "organisation"], *changed]).encode()
        await organiser.send_document("people.csv", data)
        await organiser.press(EN("import.button", count=600))
        assert organiser.last().text == EN("import.done", created=0, updated=600, refused=0)
        assert on("registrations", "select") == 2
        assert on("registrations", "update") <= 2 and on("invites", "insert") == 0
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    async with bot.uow() as uow:
        p7 = await uow.registrations.get("p7@example.org")
    assert p7.organisation == "New Org 7" and p7.invite_code


def test_cli_reads_korean_excel_and_refuses_too_many_rows(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORUMBOT_CONFIG", raising=False)
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n'
        '[telegram]\nusername = "forum_bot"\n[access]\nmode = "invite"\n',
        encoding="utf-8",
    )
    people = tmp_path / "people.csv"
    people.write_bytes(table([HEADER, *PEOPLE], ";").encode("cp949"))
    assert main(["--config", str(cfg), "attendees", "import", str(people)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "read as CP949/EUC-KR, semicolon-separated",
        "3 new and 0 updated attendees were imported; 0 line(s) refused",
    ]
    rows = [[f"Person {i}", f"p{i}@example.org"] for i in range(MAX_ROWS + 1)]
    people.write_text(table([["name", "email"], *rows]), encoding="utf-8")
    assert main(["--config", str(cfg), "attendees", "import", str(people)]) == 2
    assert "more than 10,000 rows" in capsys.readouterr().err

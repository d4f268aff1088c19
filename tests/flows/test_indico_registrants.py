"""Indico's registrants export as organisers have it: sent in the chat as XLSX or CSV, or given
to `forumbot attendees import`; the check says what was recognised, used, ignored, left out."""

from __future__ import annotations

from pathlib import Path

from bot.__main__ import main
from handlers.i18n import Translator

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"
EN, KO = Translator("en"), Translator("ko")
ORGANISER = 9000


async def stored(bot) -> list[tuple[str, str, str | None]]:
    async with bot.uow() as uow:
        rows = await uow.registrations.all()
    return sorted((r.email, r.name, r.country) for r in rows)


async def test_an_indico_workbook_sent_in_the_chat(make_bot):
    bot = await make_bot(access={"mode": "invite"}, organisers={"telegram_ids": [ORGANISER]})
    organiser = bot.client(ORGANISER, "Org", language_code="ko")
    data = (DATA / "indico-registrants.xlsx").read_bytes()
    await organiser.send_document(
        "registrations.xlsx",
        data,
        mime_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    report = organiser.last()
    lines = report.text.split("\n")
    assert lines[0] == KO("import.dry", created=2, updated=0, refused=0)
    assert lines[1] == KO("imports.format_xlsx")
    assert lines[2] == KO("imports.recognised_indico")
    assert lines[3].startswith("사용한 열: Name, First Name → first_name")
    assert "Field of research" in lines[4] and "Position" in lines[4]
    assert lines[5] == KO("imports.skipped", states="Pending 1")
    assert await stored(bot) == []
    await organiser.press(KO("import.button", count=2))
    assert await stored(bot) == [
        ("hana@kaist.ac.kr", "Hana Park", "KR"),
        ("marie@cnrs.fr", "Marie Dubois", "FR"),
    ]


async def test_a_broken_workbook_is_refused_in_one_sentence(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORGANISER]})
    organiser = bot.client(ORGANISER, "Org")
    await organiser.send_document("people.xlsx", b"PK\x03\x04 broken")
    assert organiser.last().text == EN("imports.unreadable_workbook")
    assert organiser.last().buttons == []


def test_cli_dry_run_names_format_columns_and_states(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORUMBOT_CONFIG", raising=False)
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n', encoding="utf-8"
    )
    csv = str(DATA / "indico-registrants.csv")
    assert main(["--config", str(cfg), "attendees", "import", csv, "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "read as UTF-8 with BOM, comma-separated"
    assert out[1] == "recognised: Indico registrants export"
    assert out[2].startswith("columns used: Name, First Name → first_name")
    assert "Email Address → email" in out[2] and "Country" in out[2]
    assert out[3].startswith("columns ignored: ID, Position, Phone Number")
    assert out[4] == "left out for their registration state: 1 Pending, 1 Withdrawn (see --state)"
    assert out[5] == "3 new and 0 updated attendees would be imported; 0 line(s) refused"

    xlsx = str(DATA / "indico-registrants.xlsx")
    args = ["attendees", "import", xlsx, "--map", "Field of research=expertise"]
    assert main(["--config", str(cfg), *args, "--state", "Completed,Pending"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "read as an XLSX workbook (first sheet)"
    assert "Field of research → expertise" in out[2]
    assert out[-1] == "3 new and 0 updated attendees were imported; 0 line(s) refused"
    assert main(["--config", str(cfg), *args[:3], "--map", "Tags=hobbies"]) == 2
    assert "unknown column(s) hobbies" in capsys.readouterr().err


async def test_the_caption_maps_a_field_and_widens_the_states(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [ORGANISER]})
    organiser = bot.client(ORGANISER, "Org")
    data = (DATA / "indico-registrants.xlsx").read_bytes()
    caption = "Registrations for December\nField of research = expertise\nstate: Completed, Pending"
    await organiser.send_document("registrations.xlsx", data, caption=caption)
    report = organiser.last().text
    assert report.startswith(EN("import.dry", created=3, updated=0, refused=0))
    assert "Field of research → expertise" in report
    await organiser.press(EN("import.button", count=3))
    async with bot.uow() as uow:
        lukas = await uow.registrations.get("lukas@cvut.cz")
    assert lukas is not None and lukas.country == "CZ" and lukas.expertise
    await organiser.send_document("registrations.xlsx", data, caption="Tags = hobbies")
    assert organiser.last().text.startswith("I could not read the options in the caption")

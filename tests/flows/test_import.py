"""Registration import: validation with line numbers, dry runs, updates by email, invites with a
prefilled profile, by CLI and by sending the CSV to the bot."""

from __future__ import annotations

from pathlib import Path

from bot.__main__ import main
from core.people.registrations import read_registrations

CSV = """name,email,organisation,country,delegation,sector,expertise,offers,seeks
Anna de Vries,anna@tudelft.nl,Delft University of Technology,Nederland,EU,Academia,"cryo-CMOS, QKD",Cryo-CMOS control electronics,A QKD testbed
김민준,minjun@kist.re.kr,한국과학기술연구원,대한민국,KR,research,"양자키분배, 초전도 큐비트",서울 QKD 테스트베드,극저온 전자회로
,nobody@example.org,Nowhere,Germany,EU,industry,,,
Bad Country,bad@example.org,X,Atlantis,EU,industry,,,
Bad Email,not-an-email,X,France,EU,industry,,,
Anna Again,anna@tudelft.nl,TU Delft,Netherlands,EU,academia,,,
Wrong Delegation,wd@example.org,X,Germany,KR,industry,,,
"""


async def test_import_report_dry_run_and_update(make_bot):
    bot = await make_bot()
    uow, now = bot.uow, bot.clock.now()
    apply = bot.services.people.registrations.apply

    async def import_registrations(text: str, **kwargs):
        return await apply(read_registrations(text.encode()), **kwargs)

    dry = await import_registrations(CSV, invite_mode=False, dry_run=True, now=now)
    assert (dry.created, dry.updated) == (2, 0)
    assert dry.errors == [
        (4, "name is missing"),
        (5, "unknown country 'Atlantis'"),
        (6, "email 'not-an-email' is not valid"),
        (7, "duplicate of line 2 (same email)"),
        (8, "delegation KR does not match country DE"),
    ]
    async with uow() as u:
        assert await u.registrations.all() == []  # a dry run writes nothing
    real = await import_registrations(CSV, invite_mode=False, dry_run=False, now=now)
    assert (real.created, real.updated) == (2, 0)
    again = await import_registrations(
        CSV.replace("서울 QKD 테스트베드", "부산 테스트베드"),
        invite_mode=False,
        dry_run=False,
        now=now,
    )
    assert (again.created, again.updated) == (0, 2)
    async with uow() as u:
        people = {r.email: r for r in await u.registrations.all()}
    assert len(people) == 2
    minjun = people["minjun@kist.re.kr"]
    assert minjun.name == "김민준" and minjun.country == "KR" and minjun.sector == "academia"
    assert minjun.offers == "부산 테스트베드"
    assert [k.term_id for k in minjun.expertise] == ["qkd", "superconducting-qubits"]


async def test_organiser_imports_by_chat_and_the_invite_prefills_the_profile(make_bot):
    bot = await make_bot(access={"mode": "invite"}, organisers={"telegram_ids": [9000]})
    organiser = bot.client(9000, "Org")
    stranger = bot.client(5)
    await stranger.send_document("people.csv", CSV.encode(), mime_type="text/csv")
    assert "Checked" not in stranger.last().text
    await organiser.send_document("people.csv", CSV.encode("utf-8-sig"), mime_type="text/csv")
    report = organiser.last()
    assert "2 new and 0 updated attendees can be imported; 5 line(s) refused" in report.text
    assert "line 5: unknown country 'Atlantis'" in report.text
    await stranger.press_data(report.reply_markup[0][0]["callback_data"])
    assert stranger.last_answer()["text"] == "This command is for the event's organisers."
    await organiser.press("✅ Import 2 attendees")
    assert "Imported: 2 new" in organiser.last().text

    async with bot.uow() as u:
        code = (await u.registrations.get("minjun@kist.re.kr")).invite_code
    assert code
    minjun = bot.client(77, "민준", language_code="ko")
    await minjun.command("start", code)
    await minjun.press("동의합니다")
    card = next(m.text for m in minjun.messages() if "등록 정보로 프로필을 미리 채워" in m.text)
    assert "김민준" in card and "한국과학기술연구원" in card and "양자키분배" in card
    assert "경력 단계" in minjun.last().text  # the one thing the import did not know


def test_cli_import_and_invite_export(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORUMBOT_CONFIG", raising=False)
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path / "bot.db"}"\n'
        '[telegram]\nusername = "forum_bot"\n[access]\nmode = "invite"\n',
        encoding="utf-8",
    )
    people = tmp_path / "people.csv"
    people.write_text(CSV, encoding="utf-8")
    assert main(["--config", str(cfg), "attendees", "import", str(people), "--dry-run"]) == 1
    out = capsys.readouterr().out
    assert "2 new and 0 updated attendees would be imported; 5 line(s) refused" in out
    assert "line 6: email 'not-an-email' is not valid" in out
    out_csv = tmp_path / "links.csv"
    assert main(["--config", str(cfg), "invites", "export", "--out", str(out_csv)]) == 0
    assert "0 invite links" in capsys.readouterr().out
    assert main(["--config", str(cfg), "attendees", "import", str(people)]) == 1
    capsys.readouterr()
    assert main(["--config", str(cfg), "invites", "export", "--out", str(out_csv)]) == 0
    lines = Path(out_csv).read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0] == "name,email,link"
    assert any(
        line.startswith("김민준,minjun@kist.re.kr,https://t.me/forum_bot?start=") for line in lines
    )

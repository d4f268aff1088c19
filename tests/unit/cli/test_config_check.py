"""`forumbot config check`: a summary of the effective settings, never a secret."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.unit.cli.helpers import PASSWORD, REPO_ROOT, TOKEN, cli, write_config


def test_config_check_prints_a_summary_without_the_token(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """config check: status 0, the effective values, and the token only as 'set'."""
    write_config(
        tmp_path,
        f"""
[telegram]
token = "{TOKEN}"
api_base_url = "http://127.0.0.1:8081/bot"

[organisers]
telegram_ids = [11, 22]

[event]
name = "Test Forum"
timezone = "Asia/Seoul"

[access]
mode = "invite"

[i18n]
default_language = "ko"
""",
    )
    status, out, err = cli(capsys, "config", "check")
    assert status == 0
    assert err == ""
    lines = [line.strip() for line in out.splitlines()]
    assert lines[0] == "configuration OK"
    for expected in (
        "telegram.token: set",
        "telegram.api_base_url: http://127.0.0.1:8081/bot",
        "database.url: sqlite+aiosqlite:///forumbot.db",
        "organisers: 2",
        "event: Test Forum (Asia/Seoul)",
        "access.mode: invite",
        "i18n.default_language: ko",
        "outbox.max_per_second: 25",
        "web: off in the bot (`forumbot web` serves it), listen 127.0.0.1:8080, "
        "http://127.0.0.1:8080, secret MISSING (needed for the desk)",
    ):
        assert expected in lines
    assert TOKEN not in out
    assert TOKEN.split(":")[1] not in out


def test_config_check_reads_the_token_from_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without any file, FORUMBOT_TELEGRAM__TOKEN counts as set and is not printed."""
    monkeypatch.setenv("FORUMBOT_TELEGRAM__TOKEN", TOKEN)
    status, out, _err = cli(capsys, "config", "check")
    assert status == 0
    assert "telegram.token: set" in out
    assert TOKEN not in out


def test_config_check_on_the_example_says_the_token_is_missing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The example's token = "" is reported as missing, not as set."""
    shutil.copy(REPO_ROOT / "config.example.toml", tmp_path / "config.toml")
    status, out, _err = cli(capsys, "config", "check")
    assert status == 0
    assert "telegram.token: MISSING (needed for 'run')" in out
    assert "event: Korea-EU Quantum Research Forum (Europe/Brussels)" in out


def test_config_check_hides_the_database_password(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A PostgreSQL password in database.url is not printed by config check."""
    write_config(
        tmp_path, f'[database]\nurl = "postgresql+asyncpg://forum:{PASSWORD}@db:5432/forumbot"\n'
    )
    status, out, _err = cli(capsys, "config", "check")
    assert status == 0
    assert "postgresql+asyncpg://forum:" in out
    assert PASSWORD not in out

"""The `forumbot` command line: a bad config stops every command in one line, status 2."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot.__main__ import main
from tests.unit.cli.helpers import (
    PASSWORD,
    REPO_ROOT,
    TOKEN,
    assert_one_line_error,
    cli,
    run_cli,
    write_config,
)


def test_bad_config_in_a_real_process_is_one_line_and_status_2(tmp_path: Path) -> None:
    """A wrong-typed key: one stderr line naming it, exit status 2, no traceback, no token."""
    write_config(tmp_path, f'[telegram]\ntoken = "{TOKEN}"\n\n[outbox]\nmax_per_second = "fast"\n')
    done = run_cli(tmp_path, "config", "check")
    assert done.returncode == 2
    assert done.stdout == ""
    assert_one_line_error(done.stderr, "outbox.max_per_second", "'fast'")


def test_run_without_token_in_a_real_process_points_to_botfather(tmp_path: Path) -> None:
    """The first start after copying the example config explains how to get a token."""
    shutil.copy(REPO_ROOT / "config.example.toml", tmp_path / "config.toml")
    done = run_cli(tmp_path, "run")
    assert done.returncode == 2
    line = assert_one_line_error(done.stderr, "telegram.token", "@BotFather")
    assert "/newbot" in line
    assert "FORUMBOT_TELEGRAM__TOKEN" in line


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        pytest.param("[speakers]\nlist = []\n", "'speakers'", id="unknown-section"),
        pytest.param('[telegram]\ntokn = "x"\n', "'telegram.tokn'", id="unknown-key"),
        pytest.param('[organisers]\ntelegram_ids = "1"\n', "'organisers.telegram_ids'", id="type"),
        pytest.param('[event]\ntimezone = "Asia/Soul"\n', "'event.timezone'", id="time-zone"),
        pytest.param('[access]\nmode = "closed"\n', "'access.mode'", id="access-mode"),
        pytest.param('[event]\nname = "x\n', "line 2", id="malformed-toml"),
        pytest.param(f'[telegram]\ntoken = ["{TOKEN}"]\n', "'telegram.token'", id="secret-token"),
        pytest.param(
            f'[database]\nurl = ["postgresql+asyncpg://u:{PASSWORD}@h/db"]\n',
            "'database.url'",
            id="secret-url",
        ),
    ],
)
@pytest.mark.parametrize("command", [("config", "check"), ("run",), ("db", "upgrade")])
def test_bad_config_stops_every_command(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    toml: str,
    key: str,
    command: tuple[str, ...],
) -> None:
    """Each kind of bad config: status 2, one line naming the key, nothing done, no secret."""
    write_config(tmp_path, toml)
    status, out, err = cli(capsys, *command)
    assert status == 2
    assert out == ""
    assert_one_line_error(err, key, "config.toml")
    assert not (tmp_path / "forumbot.db").exists()


def test_missing_config_file_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    """--config pointing nowhere: status 2 and the path in the message."""
    status, out, err = cli(capsys, "--config", "missing/forumbot.toml", "config", "check")
    assert status == 2
    assert out == ""
    assert_one_line_error(err, "missing/forumbot.toml", "not found")


def test_bad_environment_value_is_reported_like_a_file_value(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """FORUMBOT_ACCESS__MODE=closed stops the CLI with the key named."""
    monkeypatch.setenv("FORUMBOT_ACCESS__MODE", "closed")
    status, _out, err = cli(capsys, "config", "check")
    assert status == 2
    assert_one_line_error(err, "'access.mode'", "'closed'")


def test_unknown_log_level_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--log-level LOUD is refused like any other bad option (status 2, no traceback)."""
    # As in a real process: the root logger has no handlers yet (pytest's are put back after).
    monkeypatch.setattr(logging.root, "handlers", [])
    with pytest.raises(SystemExit) as exit_info:
        main(["--log-level", "LOUD", "config", "check"])
    assert exit_info.value.code == 2
    assert "--log-level" in capsys.readouterr().err

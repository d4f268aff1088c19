"""What the command-line tests share: running `forumbot`, writing configs, reading results."""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from bot.cli.main import build_parser

REPO_ROOT = Path(__file__).resolve().parents[3]
TOKEN = "424242:SECRET-cli-Zq9"
PASSWORD = "hunter2-cli-Zq9"
TABLES = {"people", "profiles", "consents", "invites", "outbox", "alembic_version"}
LINK = re.compile(
    r"^https://t\.me/(?P<bot>[A-Za-z0-9_]{5,32})\?start=(?P<code>[A-Za-z0-9_-]{6,64})$"
)
#: The commands the issue asks for; any others the parser has are tested too.
REQUIRED_COMMANDS = {
    (),
    ("run",),
    ("db",),
    ("db", "upgrade"),
    ("config",),
    ("config", "check"),
    ("invites",),
    ("invites", "create"),
}


def command_paths(
    parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()
) -> list[tuple[str, ...]]:
    """Every command path of the parser: (), ("db",), ("db", "upgrade"), …"""
    paths = [prefix]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                paths += command_paths(sub, (*prefix, name))
    return paths


def subcommands(path: tuple[str, ...]) -> list[str]:
    """Names of the direct sub-commands of a command path."""
    return [
        p[-1] for p in command_paths(build_parser()) if len(p) == len(path) + 1 and p[:-1] == path
    ]


def clean_env() -> dict[str, str]:
    """The parent environment without FORUMBOT_* variables, with the repository importable."""
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("FORUMBOT_")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` in a fresh process, in `cwd`, with a clean environment."""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run main(args) in this process; return (exit status, stdout, stderr)."""
    capsys.readouterr()
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def write_config(directory: Path, text: str) -> Path:
    """Write directory/config.toml (found by the CLI as ./config.toml)."""
    path = directory / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def invite_rows(db: Path) -> list[tuple[str, int | None, str | None]]:
    """(code, used_by, used_at) of every invite in the SQLite file, or [] when there is no file."""
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        return list(conn.execute("SELECT code, used_by, used_at FROM invites"))


def assert_one_line_error(err: str, *needles: str) -> str:
    """stderr is exactly one `forumbot: config error:` line containing every needle."""
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    line = lines[0]
    assert line.startswith("forumbot: config error:"), line
    for needle in needles:
        assert needle in line, (needle, line)
    assert "Traceback" not in err
    assert TOKEN not in err
    assert PASSWORD not in err
    return line

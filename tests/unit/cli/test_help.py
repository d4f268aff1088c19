"""The `forumbot` command line: every command exists and answers --help."""

from __future__ import annotations

import pytest

from bot.__main__ import main
from bot.cli.main import build_parser
from tests.unit.cli.helpers import REQUIRED_COMMANDS, command_paths, subcommands

ALL_COMMANDS = sorted(set(command_paths(build_parser())) | REQUIRED_COMMANDS)


def test_parser_has_the_required_commands() -> None:
    """run, db upgrade, config check and invites create all exist."""
    assert set(command_paths(build_parser())) >= REQUIRED_COMMANDS


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "forumbot")
def test_help_for_every_command(capsys: pytest.CaptureFixture[str], path: tuple[str, ...]) -> None:
    """`forumbot ... --help` exits 0 with a usage line for that command and its sub-commands."""
    with pytest.raises(SystemExit) as exit_info:
        main([*path, "--help"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 0
    assert err == ""
    assert out.startswith(" ".join(["usage: forumbot", *path]))
    for name in subcommands(path):
        assert name in out
    if path == ("invites", "create"):
        assert "--count" in out
    if path == ():
        assert "--config" in out
        assert "--log-level" in out

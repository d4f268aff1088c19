"""`forumbot organisers add|remove|list`: who is an organiser, and where the rights come from."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from tests.unit.cli.helpers import cli, write_config

ADDED = re.compile(r"^added \d{4}-\d\d-\d\d \d\d:\d\d UTC$")


def organiser_rows(db: Path) -> list[tuple[int, bool]]:
    """(telegram_id, removed) of every stored organiser row."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT telegram_id, removed_at IS NOT NULL FROM organisers")
        return sorted((int(i), bool(r)) for i, r in rows)


def listed(out: str) -> dict[int, str]:
    """`organisers list` as {id: where the rights come from}."""
    return {int(line.split()[0]): line.split(maxsplit=1)[1] for line in out.splitlines()}


def test_remove_revokes_an_added_organiser_and_list_shows_who_is_left(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write_config(tmp_path, "[organisers]\ntelegram_ids = [111]\n")
    assert cli(capsys, "organisers", "add", "4242")[0] == 0
    assert cli(capsys, "organisers", "add", "5151")[0] == 0

    status, out, err = cli(capsys, "organisers", "list")
    assert status == 0, err
    found = listed(out)
    assert list(found) == [111, 4242, 5151]
    assert found[111] == "config"
    assert ADDED.match(found[4242]) and ADDED.match(found[5151])

    status, out, err = cli(capsys, "organisers", "remove", "4242")
    assert (status, err) == (0, "")
    assert out == "4242 is no longer an organiser (a running bot applies this within a minute)\n"
    # Kept, marked, until a running bot has taken back the chat menu.
    assert organiser_rows(tmp_path / "forumbot.db") == [(4242, True), (5151, False)]
    assert list(listed(cli(capsys, "organisers", "list")[1])) == [111, 5151]

    status, out, _err = cli(capsys, "organisers", "remove", "4242")  # again: nothing to do
    assert (status, out) == (0, "4242 was not an organiser\n")
    assert cli(capsys, "organisers", "remove", "777")[1] == "777 was not an organiser\n"

    status, out, _err = cli(capsys, "organisers", "add", "4242")  # back again
    assert out == "4242 is now an organiser\n"
    assert organiser_rows(tmp_path / "forumbot.db") == [(4242, False), (5151, False)]
    assert list(listed(cli(capsys, "organisers", "list")[1])) == [111, 4242, 5151]


def test_an_organiser_from_the_config_is_removed_in_the_config(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    write_config(tmp_path, "[organisers]\ntelegram_ids = [111]\n")
    status, out, err = cli(capsys, "organisers", "remove", "111")
    assert (status, out) == (2, "")
    assert err == (
        "forumbot: 111 is still an organiser through the config (organisers.telegram_ids): "
        "remove it there and restart the bot\n"
    )
    assert cli(capsys, "organisers", "add", "111")[0] == 0  # stored as well as configured
    assert listed(cli(capsys, "organisers", "list")[1])[111].startswith("config, added ")
    assert cli(capsys, "organisers", "remove", "111")[0] == 2  # the stored one goes, not the rights
    assert listed(cli(capsys, "organisers", "list")[1]) == {111: "config"}


def test_list_without_organisers_and_remove_refuses_a_bad_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert cli(capsys, "organisers", "list")[1] == "no organisers\n"
    status, out, err = cli(capsys, "organisers", "remove", "0")
    assert (status, out) == (2, "")
    assert err == "forumbot: ID must be a positive Telegram user id\n"

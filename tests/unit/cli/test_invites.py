"""`forumbot invites create`: distinct single-use links, the bot's username from config or getMe."""

from __future__ import annotations

from pathlib import Path

import pytest

from fake_bot_api import FakeBotApi, FakeBotApiServer
from tests.unit.cli.helpers import (
    LINK,
    TOKEN,
    assert_one_line_error,
    cli,
    invite_rows,
    write_config,
)


def test_invites_create_prints_distinct_links_and_stores_unused_invites(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--count 3 with telegram.username (no token needed): 3 t.me links, 3 unused rows."""
    write_config(tmp_path, '[telegram]\nusername = "@kr_eu_forum_bot"\n')
    status, out, err = cli(capsys, "invites", "create", "--count", "3")
    assert status == 0, err
    lines = out.splitlines()
    assert len(lines) == 3
    matches = [LINK.match(line) for line in lines]
    assert all(matches), lines
    assert {m["bot"] for m in matches if m} == {"kr_eu_forum_bot"}
    codes = {m["code"] for m in matches if m}
    assert len(codes) == 3

    rows = invite_rows(tmp_path / "forumbot.db")
    assert {code for code, _, _ in rows} == codes
    assert all(used_by is None and used_at is None for _, used_by, used_at in rows)

    status, out, _err = cli(capsys, "invites", "create")  # default --count 1, adds one more
    assert status == 0
    assert len(out.splitlines()) == 1
    assert len(invite_rows(tmp_path / "forumbot.db")) == 4


@pytest.mark.parametrize("count", ["0", "-1", "10001"])
def test_invites_create_refuses_a_count_out_of_range(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, count: str
) -> None:
    """--count outside 1..10000: status 2, a message naming --count, no invite created."""
    write_config(tmp_path, '[telegram]\nusername = "kr_eu_forum_bot"\n')
    status, out, err = cli(capsys, "invites", "create", "--count", count)
    assert status == 2
    assert out == ""
    assert err.strip() == "forumbot: --count must be between 1 and 10000"
    assert invite_rows(tmp_path / "forumbot.db") == []


def test_invites_create_asks_getme_over_http_for_the_username(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """No username configured: getMe on api_base_url (a fake Bot API over HTTP) names the bot."""
    fake = FakeBotApi()
    with FakeBotApiServer(fake) as server:
        write_config(
            tmp_path,
            f"""
[telegram]
token = "{TOKEN}"
api_base_url = "{server.base_url}"
api_file_url = "{server.base_file_url}"
""",
        )
        status, out, err = cli(capsys, "invites", "create", "--count", "2")
    assert status == 0, err
    assert fake.calls_to("getMe"), "the username was not asked from the Bot API"
    matches = [LINK.match(line) for line in out.splitlines()]
    assert len(matches) == 2
    assert all(m and m["bot"] == "forumbot_test_bot" for m in matches), out
    assert len(invite_rows(tmp_path / "forumbot.db")) == 2
    assert TOKEN not in out + err


def test_invites_create_without_username_or_token_points_to_botfather(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Neither telegram.username nor a token: status 2 and the token instructions."""
    status, out, err = cli(capsys, "invites", "create", "--count", "2")
    assert status == 2
    assert out == ""
    assert_one_line_error(err, "telegram.token", "@BotFather")
    assert invite_rows(tmp_path / "forumbot.db") == []


def test_invites_create_with_an_unreachable_bot_api_fails_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An unreachable telegram.api_base_url gives one `forumbot:` line, not a traceback."""
    write_config(
        tmp_path, f'[telegram]\ntoken = "{TOKEN}"\napi_base_url = "http://127.0.0.1:9/bot"\n'
    )
    status, out, err = cli(capsys, "invites", "create")
    assert status != 0
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("forumbot:")
    assert TOKEN not in err

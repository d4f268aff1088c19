"""`forumbot web`: the desk on its own, against the same database as the bot."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.unit.cli.helpers import clean_env, cli, write_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_web_needs_a_secret(capsys: pytest.CaptureFixture[str]) -> None:
    status, _out, err = cli(capsys, "web")
    assert status == 2
    assert "'web.secret' is missing" in err and "FORUMBOT_WEB__SECRET" in err


@pytest.mark.slow
def test_web_serves_the_desk_alone(tmp_path: Path) -> None:
    port = free_port()
    write_config(
        tmp_path,
        f"""
[database]
url = "sqlite+aiosqlite:///{tmp_path / "forum.db"}"
[web]
listen = "127.0.0.1:{port}"
public_url = "http://127.0.0.1:{port}"
secret = "a-long-enough-test-secret"
""",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "web"],
        cwd=tmp_path,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        answer = None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and answer is None:
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/grid", timeout=2)
            except httpx.TransportError:
                time.sleep(0.2)
        assert answer is not None, process.stderr.read() if process.poll() is not None else ""
        assert answer.status_code == 401 and "No access" in answer.text
        assert answer.headers["x-frame-options"] == "DENY"
    finally:
        process.terminate()
        out, err = process.communicate(timeout=20)
    assert "organisers' desk on http://127.0.0.1" in out
    assert "desk refused: no_session" in err
    assert "/grid" not in out + err  # no access log, no paths: they can carry login tokens

"""`forumbot run` against a Bot API-compatible server over real HTTP: long polling end to end.

The real CLI runs in a subprocess with `telegram.api_base_url` pointing at the fake Bot API
served on 127.0.0.1, so the bot's startup calls, getUpdates long polling, the handlers, the
outbox dispatcher job and the SIGINT shutdown are all exercised as in production.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest

from fake_bot_api import FakeBotApi, FakeBotApiServer, SentMessage
from tests.support.client import UserClient

REPO_ROOT = Path(__file__).resolve().parents[2]
USER_ID = 5101
ORGANISER_ID = 4242
# How SQLAlchemy's SQLite DateTime stores values (UTC, no offset): "2025-04-09 07:00:00.000000".
SQLITE_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")


class BotProcess:
    """The `forumbot run` subprocess, with its stderr kept in a file for diagnostics."""

    def __init__(self, config: Path, cwd: Path) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORUMBOT_")}
        env["PYTHONPATH"] = os.pathsep.join(
            [str(REPO_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
        )
        env["PYTHONUNBUFFERED"] = "1"
        self.stderr_path = cwd / "bot.stderr.log"
        self._stderr: IO[bytes] = self.stderr_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "--config", str(config), "run"],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._stderr,
            stderr=subprocess.STDOUT,
        )

    def stderr(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.stderr().splitlines()[-lines:])

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self._stderr.close()


def make_waiter(fake: FakeBotApi, bot: BotProcess) -> Callable[..., Any]:
    """wait_for(predicate, what, timeout): poll every 50 ms; fail with chat + log on timeout."""

    def wait_for(predicate: Callable[[], Any], what: str, timeout: float = 15.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            if bot.proc.poll() is not None:
                pytest.fail(
                    f"forumbot exited with {bot.proc.returncode} while waiting for {what}; "
                    f"log:\n{bot.tail()}"
                )
            if time.monotonic() > deadline:
                chat = [m.plain or m.text for m in fake.sent(USER_ID)]
                pytest.fail(
                    f"timed out after {timeout:.0f} s waiting for {what}; the bot sent "
                    f"{chat!r}; Bot API problems/rejections: {fake.problems!r} "
                    f"{[r.description for r in fake.rejections]!r}; log:\n{bot.tail()}"
                )
            time.sleep(0.05)

    return wait_for


def newest(fake: FakeBotApi, needle: str, after: int = 0) -> Callable[[], SentMessage | None]:
    """Predicate: the newest bot message to the user, past index `after`, containing needle."""

    def find() -> SentMessage | None:
        for message in reversed(fake.sent(USER_ID)[after:]):
            if needle in message.text and not message.deleted:
                return message
        return None

    return find


def write_config(tmp_path: Path, server: FakeBotApiServer, db_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(
        f"""
[telegram]
token = "123456:HTTP-TEST"
api_base_url = "{server.base_url}"
api_file_url = "{server.base_file_url}"

[database]
url = "sqlite+aiosqlite:///{db_path.as_posix()}"

[organisers]
telegram_ids = [{ORGANISER_ID}]

[event]
name = "Korea-EU Quantum Research Forum"

[outbox]
poll_interval_seconds = 0.2
""",
        encoding="utf-8",
    )
    return config


def db_query(db_path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db_path, timeout=10)) as conn, conn:
        return conn.execute(sql, params).fetchall()


@pytest.mark.slow
def test_forumbot_run_serves_long_polling_over_http(tmp_path: Path) -> None:
    """Start-up, round-trip and shutdown times: `python -m benchmarks.polling`."""
    fake = FakeBotApi()
    db_path = tmp_path / "bot.db"
    with FakeBotApiServer(fake) as server:
        config = write_config(tmp_path, server, db_path)
        bot = BotProcess(config, tmp_path)
        try:
            wait_for = make_waiter(fake, bot)
            user = UserClient(None, fake, USER_ID, "Ji-woo")  # type: ignore[arg-type]

            # Startup over HTTP: getMe, command menus, then long polling.
            wait_for(lambda: fake.calls_to("getUpdates"), "the first getUpdates")
            methods = {call.method for call in fake.calls}
            assert "getMe" in methods
            assert "deleteWebhook" in methods or "getUpdates" in methods
            default_menus = {
                call.params.get("language_code") or "en"
                for call in fake.calls_to("setMyCommands")
                if call.params.get("scope") in (None, {"type": "default"})
            }
            assert default_menus >= {"en", "ko"}, fake.calls_to("setMyCommands")

            # /start → welcome + privacy notice with the consent buttons.
            fake.push_update(user.text_update("/start"))
            notice = wait_for(newest(fake, "Privacy notice"), "the privacy notice")
            assert notice.buttons == ["✅ I accept", "No, thanks"]
            assert "Welcome to <b>Korea-EU Quantum Research Forum</b>" in "".join(
                m.text for m in fake.sent(USER_ID)
            )

            # Tap "✅ I accept" on that very message.
            accept = next(b for b in notice.inline_buttons if b["text"] == "✅ I accept")
            fake.push_update(user.callback_update(accept["callback_data"], notice))
            wait_for(newest(fake, "What is your <b>full name</b>"), "the name question")
            wait_for(lambda: user.last_answer() is not None, "answerCallbackQuery")

            def answer(text: str) -> int:
                seen = len(fake.sent(USER_ID))
                fake.push_update(user.text_update(text))
                return seen

            seen = answer("Ji-woo Kim")
            wait_for(newest(fake, "organisation", seen), "the organisation question")
            seen = answer("Korea Institute of Science and Technology")
            wait_for(newest(fake, "country", seen), "the country question")

            seen = answer("/profile")
            card = wait_for(newest(fake, "Ji-woo Kim", seen), "the profile card")
            assert "Korea Institute of Science and Technology" in card.text
            assert db_query(
                db_path,
                "SELECT full_name, organisation FROM profiles WHERE telegram_id = ?",
                USER_ID,
            ) == [("Ji-woo Kim", "Korea Institute of Science and Technology")]

            # The outbox dispatcher job runs in the real process: enqueue by hand, see it sent.
            [(consented_at,)] = db_query(
                db_path, "SELECT consented_at FROM people WHERE telegram_id = ?", USER_ID
            )
            assert SQLITE_DATETIME.match(consented_at), consented_at  # the stored format
            now = datetime.now(UTC) - timedelta(seconds=1)
            stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
            with closing(sqlite3.connect(db_path, timeout=10)) as conn, conn:
                conn.execute(
                    "INSERT INTO outbox (recipient_id, payload, due_at, dedupe_key, status, "
                    "attempts, created_at) VALUES (?, ?, ?, ?, 'pending', 0, ?)",
                    (
                        USER_ID,
                        json.dumps({"text": "Hello from the outbox"}),
                        stamp,
                        "http-test-outbox-1",
                        stamp,
                    ),
                )
            wait_for(newest(fake, "Hello from the outbox"), "the outbox message")
            wait_for(
                lambda: (
                    db_query(
                        db_path,
                        "SELECT status FROM outbox WHERE dedupe_key = ?",
                        "http-test-outbox-1",
                    )
                    == [("sent",)]
                ),
                "the outbox row to become 'sent'",
            )
            assert fake.problems == [], fake.problems
            assert fake.rejections == [], fake.rejections

            # Ctrl+C: a clean shutdown.
            bot.proc.send_signal(signal.SIGINT)
            try:
                code = bot.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pytest.fail(f"forumbot did not stop within 15 s of SIGINT; log:\n{bot.tail()}")
            log = bot.stderr()
            assert code == 0, f"exit code {code}; log:\n{bot.tail()}"
            assert "Traceback" not in log, log
        finally:
            bot.kill()

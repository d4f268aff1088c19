"""`forumbot run` over HTTP against the fake Bot API: start-up, one round trip, shutdown; and how
quickly the fake's long poll wakes up when an update arrives.

Run: ``python -m benchmarks.polling [--rounds 3] [--polls 50]``. Each round starts the real CLI
in a subprocess, on a fresh SQLite file, with ``telegram.api_base_url`` pointing at a
FakeBotApiServer on 127.0.0.1 (as tests/flows/test_polling_over_http.py does, which checks the
behaviour and not the time), and measures: spawn to the first getUpdates (imports, migrations,
getMe, command menus), /start pushed to the privacy notice sent (one long-polling round trip
through the handlers), and SIGINT to exit. The wake-up figure is the time from push_update to a
waiting getUpdates returning, in-process, without HTTP. Medians and maxima are printed.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fake_bot_api import FakeBotApi, FakeBotApiServer, JSONDict

REPO_ROOT = Path(__file__).resolve().parents[1]
USER_ID = 5101
CONFIG = """
[telegram]
token = "123456:BENCHMARK-TOKEN"
api_base_url = "{base_url}"
api_file_url = "{file_url}"

[database]
url = "sqlite+aiosqlite:///{db}"

[event]
name = "Korea-EU Quantum Research Forum"
"""


def seconds_until(predicate: Callable[[], Any], what: str, timeout: float = 120.0) -> float:
    """Seconds until predicate() is true, polled every 5 ms; gives up after `timeout`."""
    started = time.perf_counter()
    while not predicate():
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.005)
    return time.perf_counter() - started


def start_command(fake: FakeBotApi) -> JSONDict:
    """The update a user's /start produces, in English."""
    user = {"id": USER_ID, "is_bot": False, "first_name": "Ji-woo", "language_code": "en"}
    return {
        "message": {
            "message_id": fake.next_message_id(USER_ID),
            "date": int(time.time()),
            "chat": {"id": USER_ID, "type": "private", "first_name": "Ji-woo"},
            "from": user,
            "text": "/start",
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }
    }


def one_round(folder: Path) -> tuple[float, float, float]:
    """(start-up, round trip, shutdown) seconds of one `forumbot run` process."""
    fake = FakeBotApi()
    with FakeBotApiServer(fake) as server:
        config = folder / "config.toml"
        db = folder / "bot.db"
        db.unlink(missing_ok=True)
        config.write_text(
            CONFIG.format(
                base_url=server.base_url, file_url=server.base_file_url, db=db.as_posix()
            ),
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("FORUMBOT_")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
        with (folder / "bot.log").open("wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot", "--config", str(config), "run"],
                cwd=folder,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            try:
                startup = seconds_until(lambda: fake.calls_to("getUpdates"), "the first poll")
                fake.push_update(start_command(fake))
                round_trip = seconds_until(
                    lambda: any("Privacy notice" in m.text for m in fake.sent(USER_ID)),
                    "the privacy notice",
                )
                process.send_signal(signal.SIGINT)
                stopping = time.perf_counter()
                process.wait(timeout=120)
                shutdown = time.perf_counter() - stopping
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()
    return startup, round_trip, shutdown


def wake_up_seconds(polls: int) -> list[float]:
    """Seconds from push_update to a waiting getUpdates returning, one sample per poll."""
    fake = FakeBotApi()
    samples = []
    for offset in range(1, polls + 1):
        returned: list[float] = []

        def poll(offset: int = offset, returned: list[float] = returned) -> None:
            fake.handle("getUpdates", {"offset": offset, "timeout": 2}, {})
            returned.append(time.perf_counter())

        waiter = threading.Thread(target=poll)
        waiter.start()
        time.sleep(0.02)  # let it wait
        pushed = time.perf_counter()
        fake.push_update({"message": {"message_id": offset, "date": 0, "chat": {"id": 1}}})
        waiter.join()
        samples.append(returned[0] - pushed)
    return samples


def _line(name: str, samples: Sequence[float], unit: float, suffix: str) -> str:
    """One printed figure: median and maximum."""
    median, worst = statistics.median(samples) * unit, max(samples) * unit
    return f"{name:<44} {median:8.2f} {worst:8.2f} {suffix}"


def main(argv: Sequence[str] | None = None) -> None:
    """Parse options, run the rounds and the polls, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--polls", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        rounds = [one_round(Path(folder)) for _ in range(args.rounds)]
    wake_ups = wake_up_seconds(args.polls)
    print(f"{'':<44} {'median':>8} {'max':>8}")
    startup, round_trip, shutdown = zip(*rounds, strict=True)
    print(_line(f"forumbot run: spawn to first getUpdates ({args.rounds}x)", startup, 1, "s"))
    print(_line("forumbot run: /start to privacy notice", round_trip, 1, "s"))
    print(_line("forumbot run: SIGINT to exit", shutdown, 1, "s"))
    print(_line(f"fake long poll: push to return ({args.polls}x)", wake_ups, 1000, "ms"))


if __name__ == "__main__":
    main()

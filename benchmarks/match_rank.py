"""`forumbot match rank` on a large file: the wall time an organiser waits for a preview.

Run: ``python -m benchmarks.match_rank [--profiles 10000] [--top 1] [--seed 7]``. A seeded
synthetic cohort (see `benchmarks.cohort`) is written as JSON lines to a temporary folder, then
the real CLI entry point ranks it into another file, as ``forumbot match rank --profiles P --out
OUT --top N`` would; the figure covers reading, indexing, ranking and writing. The test
`tests/unit/test_match_rank.py` checks the same run's output, not its time.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.cohort import write_jsonl
from bot.__main__ import main as forumbot


def rank_seconds(folder: Path, profiles: int, top: int, seed: int) -> float:
    """Seconds `forumbot match rank` takes on a fresh file of `profiles` synthetic people."""
    source, out = folder / "cohort.jsonl", folder / "ranked.jsonl"
    write_jsonl(source, profiles, seed=seed)
    started = time.perf_counter()
    code = forumbot(
        ["match", "rank", "--profiles", str(source), "--out", str(out), "--top", str(top)]
    )
    took = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"forumbot match rank exited with {code}")
    return took


def main(argv: Sequence[str] | None = None) -> None:
    """Parse options, rank once, print the figure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--top", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    os.environ.pop("FORUMBOT_CONFIG", None)  # the defaults, not a local config.toml's [matching]
    home = Path.cwd()
    with tempfile.TemporaryDirectory() as folder:
        os.chdir(folder)  # no config.toml from the current folder either
        try:
            took = rank_seconds(Path(folder), args.profiles, args.top, args.seed)
        finally:
            os.chdir(home)
    print(f"forumbot match rank: {args.profiles:,} profiles, top {args.top}: {took:.1f} s")


if __name__ == "__main__":
    main()

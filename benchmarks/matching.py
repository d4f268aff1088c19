"""Speed, memory and quality figures for the matching engine, printed as one table.

Run: ``python -m benchmarks.matching [--sizes 1000 10000] [--queries 200]``. Figures are measured
on seeded synthetic cohorts (see `benchmarks.cohort`), in one process, after a warm-up that
loads the taxonomy (about 1 s once per process, not part of any figure). The naive baseline —
rapidfuzz ``token_set_ratio`` of one person's whole text against every other person's — is timed
in the same run, so the ratio compares like with like.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from rapidfuzz import fuzz, process

from benchmarks.cohort import generate, read_labels, read_profiles
from core.matching import MatchIndex, MatchProfile, evaluate, ideal_baseline, random_baseline

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "matching"


def _ms(samples: Sequence[float]) -> tuple[float, float]:
    """Median and 95th percentile, in milliseconds."""
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _time_each(ids: Sequence[str], run: Callable[[str], object]) -> list[float]:
    """Seconds per call of run(id) for each id."""
    samples = []
    for profile_id in ids:
        start = time.perf_counter()
        run(profile_id)
        samples.append(time.perf_counter() - start)
    return samples


def _full_text(profile: MatchProfile) -> str:
    """Everything a person wrote, as one string (what the naive baseline compares)."""
    parts = [*profile.expertise, profile.offers, profile.seeks, profile.bio]
    parts.extend(f"{p.title} {p.abstract}" for p in profile.publications)
    return " ".join(parts)


def _rss_mb() -> float:
    """Resident memory of this process in MB (Linux), or 0 where unknown."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _rss_child(n: int, seed: int) -> None:
    """In a fresh process: print the RSS growth (MB) of building an index for n profiles."""
    profiles = generate(n, seed)
    _warm_up()
    gc.collect()
    before = _rss_mb()
    index = MatchIndex()
    index.build(profiles)
    index.suggest(profiles[0].id)
    gc.collect()
    print(f"{_rss_mb() - before:.1f}")


def _index_memory(n: int, seed: int) -> tuple[float, float]:
    """Memory an index holds for n profiles: (tracemalloc MB, RSS growth MB).

    tracemalloc counts what the built index keeps (numpy arrays included); RSS growth is
    measured in a fresh process, so it also shows allocator slack left by the build.
    """
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.matching", "--rss-child", str(n), "--seed", str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    rss = float(child.stdout.strip().splitlines()[-1])
    profiles = generate(n, seed)
    gc.collect()
    tracemalloc.start()
    index = MatchIndex()
    index.build(profiles)
    index.suggest(profiles[0].id)
    gc.collect()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return held / 2**20, rss


def _warm_up() -> None:
    """Load the taxonomy and compile the matchers once, outside every measurement."""
    index = MatchIndex()
    index.build(generate(50, seed=99))
    index.suggest("u000000")


def bench_size(n: int, queries: int, naive_queries: int, seed: int) -> dict[str, float]:
    """All timings for one cohort size."""
    profiles = generate(n, seed)
    rng = random.Random(seed)
    index = MatchIndex()
    start = time.perf_counter()
    index.build(profiles)
    build = time.perf_counter() - start
    ids = [p.id for p in profiles]
    asked = rng.sample(ids, min(queries, n))
    plain = _ms(_time_each(asked, lambda i: index.suggest(i, 10, explain=False)))
    explained = _ms(_time_each(asked, lambda i: index.suggest(i, 10)))
    by_id = {p.id: p for p in profiles}

    def edit_and_ask(profile_id: str) -> None:
        before = by_id[profile_id]
        index.upsert(replace(before, offers=before.offers + " We also offer QKD testbed time."))
        index.suggest(profile_id, 10)

    edited = _ms(_time_each(rng.sample(ids, min(50, n)), edit_and_ask))
    texts = [_full_text(p) for p in profiles]
    naive_ids = rng.sample(range(n), min(naive_queries, n))
    naive_samples = _time_each(
        [str(i) for i in naive_ids],
        lambda i: process.extract(texts[int(i)], texts, scorer=fuzz.token_set_ratio, limit=11),
    )
    naive = _ms(naive_samples)
    return {
        "n": n,
        "build_s": build,
        "plain_med": plain[0],
        "plain_p95": plain[1],
        "med": explained[0],
        "p95": explained[1],
        "upsert_med": edited[0],
        "upsert_p95": edited[1],
        "naive_med": naive[0],
        "ratio": naive[0] / explained[0] if explained[0] else 0.0,
    }


def quality(seeds: int) -> list[str]:
    """Precision@5 and NDCG@10 on the labelled set, beside random and ideal rankings."""
    profiles_path, labels_path = DATA / "profiles.jsonl", DATA / "labels.jsonl"
    if not (profiles_path.exists() and labels_path.exists()):
        return ["(no labelled set at tests/data/matching: quality not measured)"]
    labels = read_labels(labels_path)
    index = MatchIndex()
    index.build(read_profiles(profiles_path))
    rows = [
        ("engine", evaluate(index, labels)),
        (f"random (mean of {seeds} seeds)", random_baseline(labels, range(seeds))),
        ("ideal (labels sorted)", ideal_baseline(labels)),
    ]
    first = rows[0][1]
    lines = [
        f"labelled set: {int(first['queries'])} people judged, {int(first['pairs'])} pairs",
        f"{'ranking':<28} {'precision@5':>12} {'NDCG@10':>9}",
    ]
    lines += [
        f"{name:<28} {found['precision@5']:>12.3f} {found['ndcg@10']:>9.3f}" for name, found in rows
    ]
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    """Parse options, run everything, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--naive-queries", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--random-seeds", type=int, default=100)
    parser.add_argument("--rss-child", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child:
        _rss_child(args.rss_child, args.seed)
        return
    _warm_up()
    results = [bench_size(n, args.queries, args.naive_queries, args.seed) for n in args.sizes]
    header = (
        f"{'profiles':>9} {'build s':>8} {'top10 ms med/p95':>17} {'+reasons med/p95':>17}"
        f" {'upsert+top10 ms':>16} {'naive ms':>9} {'naive/engine':>13}"
    )
    print("Matching engine benchmark (top-10 for one user; medians over random users)")
    print(header)
    for r in results:
        print(
            f"{int(r['n']):>9} {r['build_s']:>8.2f} {r['plain_med']:>8.1f}/{r['plain_p95']:<8.1f}"
            f" {r['med']:>8.1f}/{r['p95']:<8.1f} {r['upsert_med']:>7.1f}/{r['upsert_p95']:<8.1f}"
            f" {r['naive_med']:>9.1f} {r['ratio']:>12.0f}x"
        )
    largest = max(args.sizes)
    traced, rss = _index_memory(largest, args.seed)
    print(f"index memory at {largest} profiles: {traced:.1f} MB held (tracemalloc),", end=" ")
    print(f"{rss:.1f} MB RSS growth (fresh process)")
    print()
    for line in quality(args.random_seeds):
        print(line)


if __name__ == "__main__":
    main()

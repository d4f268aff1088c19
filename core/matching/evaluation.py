"""Ranking quality against expert judgements (precision@k, NDCG@k), so changes are measured.

Judgements are pooled: each person A has a handful of labelled candidates B. Following the usual
practice for pooled relevance sets, every A is ranked only among its own labelled candidates,
and As whose candidates are all "poor" are skipped (every ranking scores the same on them).
"""

from __future__ import annotations

import math
import random
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from core.matching.engine import MatchIndex

GAINS: Mapping[str, float] = {"good": 2.0, "neutral": 1.0, "poor": 0.0}


@dataclass(frozen=True, slots=True)
class Judgement:
    """An expert's verdict on A meeting B: "good", "neutral" or "poor"."""

    a: str
    b: str
    label: str
    why: str = ""


def precision_at_k(ranked_ids: Sequence[str], relevant: Collection[str], k: int) -> float:
    """Share of the top k that are relevant (k shrinks to the pool size for short pools)."""
    if k <= 0:
        raise ValueError("k must be positive")
    top = ranked_ids[:k]
    if not top:
        return 0.0
    return sum(1 for item in top if item in relevant) / len(top)


def _dcg(gains: Iterable[float]) -> float:
    """Discounted cumulative gain with linear gains and a log2 rank discount."""
    return sum(gain / math.log2(rank + 2) for rank, gain in enumerate(gains))


def ndcg_at_k(ranked_ids: Sequence[str], gains: Mapping[str, float], k: int) -> float:
    """DCG of the top k over the best achievable DCG from the labelled gains (0 if none)."""
    if k <= 0:
        raise ValueError("k must be positive")
    ideal = _dcg(sorted(gains.values(), reverse=True)[:k])
    if ideal <= 0:
        return 0.0
    return _dcg(gains.get(item, 0.0) for item in ranked_ids[:k]) / ideal


def _pools(labels: Iterable[Judgement]) -> dict[str, dict[str, float]]:
    """Gains per A per labelled B (the last judgement of a pair wins; self-pairs dropped)."""
    pools: dict[str, dict[str, float]] = {}
    for judgement in labels:
        if judgement.label not in GAINS:
            raise ValueError(f"unknown label {judgement.label!r} for {judgement.a}→{judgement.b}")
        if judgement.a != judgement.b:
            pools.setdefault(judgement.a, {})[judgement.b] = GAINS[judgement.label]
    return pools


def _score(
    rankings: Mapping[str, Sequence[str]],
    pools: Mapping[str, Mapping[str, float]],
    k_precision: int,
    k_ndcg: int,
) -> dict[str, float]:
    """Average the metrics over the As that have at least one non-poor candidate."""
    precisions: list[float] = []
    ndcgs: list[float] = []
    for a in sorted(rankings):
        gains = pools[a]
        if not any(g > 0 for g in gains.values()):
            continue
        relevant = {b for b, g in gains.items() if g >= GAINS["good"]}
        precisions.append(precision_at_k(rankings[a], relevant, k_precision))
        ndcgs.append(ndcg_at_k(rankings[a], gains, k_ndcg))
    n = len(precisions)
    return {
        f"precision@{k_precision}": sum(precisions) / n if n else 0.0,
        f"ndcg@{k_ndcg}": sum(ndcgs) / n if n else 0.0,
        "queries": float(n),
        "pairs": float(sum(len(pools[a]) for a in rankings)),
    }


def rank_candidates(index: MatchIndex, a: str, candidates: Collection[str]) -> list[str]:
    """The engine's order of A's candidates; ones its rules exclude go last, by id."""
    pool = set(candidates)
    ranked = [
        s.id for s in index.suggest(a, k=len(pool), only=lambda p: p.id in pool, explain=False)
    ]
    seen = set(ranked)
    return ranked + sorted(pool - seen)


def evaluate(
    index: MatchIndex, labels: Iterable[Judgement], *, k_precision: int = 5, k_ndcg: int = 10
) -> dict[str, float]:
    """Mean precision@k and NDCG@k of the index's rankings over the judged As it holds."""
    pools = {
        a: {b: g for b, g in pool.items() if b in index}
        for a, pool in _pools(labels).items()
        if a in index
    }
    rankings = {a: rank_candidates(index, a, pool) for a, pool in pools.items() if pool}
    return _score(rankings, pools, k_precision, k_ndcg)


def random_baseline(
    labels: Iterable[Judgement],
    seeds: Iterable[int] = range(20),
    *,
    k_precision: int = 5,
    k_ndcg: int = 10,
) -> dict[str, float]:
    """The same metrics for random orderings of each pool, averaged over seeds."""
    pools = _pools(labels)
    runs: list[dict[str, float]] = []
    for seed in seeds:
        rng = random.Random(seed)
        rankings: dict[str, list[str]] = {}
        for a in sorted(pools):
            order = sorted(pools[a])
            rng.shuffle(order)
            rankings[a] = order
        runs.append(_score(rankings, pools, k_precision, k_ndcg))
    if not runs:
        raise ValueError("at least one seed is needed")
    return {key: sum(run[key] for run in runs) / len(runs) for key in runs[0]}


def ideal_baseline(
    labels: Iterable[Judgement], *, k_precision: int = 5, k_ndcg: int = 10
) -> dict[str, float]:
    """The same metrics for the best possible ordering (labels sorted), the ceiling of a set."""
    pools = _pools(labels)
    rankings = {a: sorted(pool, key=lambda b: (-pool[b], b)) for a, pool in pools.items()}
    return _score(rankings, pools, k_precision, k_ndcg)

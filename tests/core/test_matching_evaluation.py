"""Ranking metrics on hand-made examples, and the quality floor on the labelled set."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from benchmarks.cohort import read_labels, read_profiles
from core.matching import (
    Judgement,
    MatchIndex,
    MatchProfile,
    evaluate,
    ideal_baseline,
    ndcg_at_k,
    precision_at_k,
    random_baseline,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "matching"


def test_precision_at_k_exact_values() -> None:
    ranked = ["a", "b", "c", "d", "e", "f"]
    assert precision_at_k(ranked, {"a", "c", "f"}, 5) == pytest.approx(2 / 5)
    assert precision_at_k(ranked, {"a", "c", "f"}, 1) == 1.0
    assert precision_at_k(["x", "a"], {"a"}, 5) == pytest.approx(1 / 2)  # short pool
    assert precision_at_k([], {"a"}, 5) == 0.0
    with pytest.raises(ValueError):
        precision_at_k(ranked, {"a"}, 0)


def test_ndcg_at_k_exact_values() -> None:
    gains = {"g1": 2.0, "g2": 2.0, "n": 1.0, "p": 0.0}
    assert ndcg_at_k(["g1", "g2", "n", "p"], gains, 10) == pytest.approx(1.0)
    dcg = 0.0 / math.log2(2) + 1.0 / math.log2(3) + 2.0 / math.log2(4) + 2.0 / math.log2(5)
    ideal = 2.0 / math.log2(2) + 2.0 / math.log2(3) + 1.0 / math.log2(4)
    assert ndcg_at_k(["p", "n", "g1", "g2"], gains, 10) == pytest.approx(dcg / ideal)
    cut = (0.0 + 1.0 / math.log2(3)) / (2.0 + 2.0 / math.log2(3))
    assert ndcg_at_k(["p", "n", "g1", "g2"], gains, 2) == pytest.approx(cut)
    assert ndcg_at_k(["p"], {"p": 0.0}, 10) == 0.0


def _tiny() -> tuple[MatchIndex, list[Judgement]]:
    profiles = [
        MatchProfile("a", organisation="A", country="NL", seeks="Single-photon detectors."),
        MatchProfile("b", organisation="B", country="KR", offers="Single-photon detectors."),
        MatchProfile("c", organisation="C", country="DE", offers="Trapped-ion processors."),
        MatchProfile("d", organisation="D", country="FR", offers="Optical lattice clocks."),
    ]
    index = MatchIndex()
    index.build(profiles)
    labels = [
        Judgement("a", "c", "poor"),
        Judgement("a", "b", "good"),
        Judgement("a", "d", "neutral"),
        Judgement("b", "c", "poor"),  # an A with only poor candidates is skipped
    ]
    return index, labels


def test_evaluate_ranks_among_labelled_candidates() -> None:
    index, labels = _tiny()
    found = evaluate(index, labels, k_precision=1, k_ndcg=3)
    assert found["queries"] == 1.0
    assert found["pairs"] == 4.0
    assert found["precision@1"] == 1.0  # b answers a's need and comes first
    # c and d share nothing with a: both score 0, so the id decides: b, c (poor), d (neutral)
    expected = (2.0 + 0.0 + 1.0 / math.log2(4)) / (2.0 + 1.0 / math.log2(3))
    assert found["ndcg@3"] == pytest.approx(expected)


def test_baselines() -> None:
    _, labels = _tiny()
    ideal = ideal_baseline(labels, k_precision=1, k_ndcg=3)
    assert ideal["precision@1"] == 1.0
    assert ideal["ndcg@3"] == pytest.approx(1.0)
    first = random_baseline(labels, range(50), k_precision=1, k_ndcg=3)
    assert first == random_baseline(labels, range(50), k_precision=1, k_ndcg=3)  # seeded
    assert 0.15 < first["precision@1"] < 0.55  # one good candidate out of three
    with pytest.raises(ValueError):
        random_baseline([Judgement("a", "b", "great")])


@pytest.mark.skipif(not (DATA / "labels.jsonl").exists(), reason="no labelled set")
def test_labelled_set_clearly_beats_random(capsys: pytest.CaptureFixture[str]) -> None:
    labels = read_labels(DATA / "labels.jsonl")
    index = MatchIndex()
    index.build(read_profiles(DATA / "profiles.jsonl"))
    engine = evaluate(index, labels)
    chance = random_baseline(labels, range(50))
    with capsys.disabled():
        print(
            f"\nlabelled set: precision@5 {engine['precision@5']:.3f} (random "
            f"{chance['precision@5']:.3f}), NDCG@10 {engine['ndcg@10']:.3f} (random "
            f"{chance['ndcg@10']:.3f})"
        )
    assert engine["queries"] >= 50
    assert engine["precision@5"] >= chance["precision@5"] + 0.15
    assert engine["ndcg@10"] >= chance["ndcg@10"] + 0.10

"""`forumbot match rank`: organisers preview suggestions from a JSON-lines file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.__main__ import main
from core.matching import evaluate

DATA = Path(__file__).resolve().parents[1] / "data" / "matching"


def rank(tmp_path: Path, profiles: Path, *extra: str) -> list[dict]:
    out = tmp_path / "out.jsonl"
    assert main(["match", "rank", "--profiles", str(profiles), "--out", str(out), *extra]) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(autouse=True)
def _no_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORUMBOT_CONFIG", raising=False)


def test_rank_the_labelled_set(tmp_path):
    rows = rank(tmp_path, DATA / "profiles.jsonl", "--top", "5")
    profiles = [json.loads(x) for x in (DATA / "profiles.jsonl").read_text().splitlines() if x]
    assert [r["id"] for r in rows] == [p["id"] for p in profiles]
    orgs = {p["id"]: p["organisation"] for p in profiles}
    for row in rows:
        scores = [s["score"] for s in row["suggestions"]]
        assert len(scores) == 5 and scores == sorted(scores, reverse=True)
        assert row["id"] not in {s["id"] for s in row["suggestions"]}
        for s in row["suggestions"]:
            assert s["reasons"], (row["id"], s["id"])
            assert orgs[s["id"]] != orgs[row["id"]]
    p01 = next(r for r in rows if r["id"] == "p01")
    assert "p02" in [s["id"] for s in p01["suggestions"]]  # cryo-CMOS for the transmon lab
    top = p01["suggestions"][0]
    assert any(r["kind"] == "seek_offer" and r["mine"] and r["theirs"] for r in top["reasons"])


def test_top_zero_scores_every_eligible_profile(tmp_path):
    rows = rank(tmp_path, DATA / "profiles.jsonl", "--top", "0")
    assert all(len(r["suggestions"]) >= 60 for r in rows)


def test_ranking_quality_floor_on_the_labelled_set():
    """Well above a random ranking on expert labels (figures printed by benchmarks.matching)."""
    from benchmarks.cohort import read_labels, read_profiles
    from core.matching import MatchIndex, random_baseline

    index = MatchIndex()
    index.build(read_profiles(DATA / "profiles.jsonl"))
    labels = read_labels(DATA / "labels.jsonl")
    ours = evaluate(index, labels)
    chance = random_baseline(labels, seeds=range(20))
    assert ours["precision@5"] >= chance["precision@5"] + 0.15, (ours, chance)
    assert ours["ndcg@10"] >= chance["ndcg@10"] + 0.15, (ours, chance)


def test_bad_lines_are_reported_with_their_number(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n\n{"id": "b", "expertise": 5}\n', encoding="utf-8")
    assert main(["match", "rank", "--profiles", str(bad), "--out", "-"]) == 2
    assert "line 3: 'expertise' must be a list of strings" in capsys.readouterr().err
    bad.write_text('{"id": "a"}\n{"id": "a"}\n', encoding="utf-8")
    assert main(["match", "rank", "--profiles", str(bad), "--out", "-"]) == 2
    assert "line 2: duplicate id 'a'" in capsys.readouterr().err
    bad.write_text("{nope\n", encoding="utf-8")
    assert main(["match", "rank", "--profiles", str(bad), "--out", "-"]) == 2
    assert "line 1: not valid JSON" in capsys.readouterr().err
    assert main(["match", "rank", "--profiles", str(tmp_path / "missing.jsonl"), "--out", "-"]) == 2


@pytest.mark.slow
def test_rank_a_10000_profile_file(tmp_path, capsys):
    from benchmarks.cohort import write_jsonl

    path = tmp_path / "cohort.jsonl"
    write_jsonl(path, 10_000, seed=7)
    rows = rank(tmp_path, path, "--top", "1")
    assert len(rows) == 10_000  # how long it takes: `python -m benchmarks.match_rank`
    assert all(len(r["suggestions"]) == 1 and r["suggestions"][0]["reasons"] for r in rows)

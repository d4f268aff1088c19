"""Matching engine: complementarity, exclusions, determinism, incremental edits, reasons."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from core.matching import MatchIndex, MatchPreferences, MatchProfile, Publication, Suggestion
from core.matching.text import sentences, stem, tokens

QKD_THEORIST = MatchProfile(
    id="a",
    name="Anna",
    organisation="TU Delft",
    country="NL",
    expertise=("QKD protocols", "security proofs"),
    bio="We design quantum key distribution protocols and finite-key security proofs for metro "
    "fibre networks.",
    offers="Finite-key security analysis for QKD protocols. Composable security proofs.",
    seeks="Single-photon detectors with low dark counts and high efficiency for our receiver.",
)
DETECTOR_MAKER = MatchProfile(
    id="b",
    name="Byung",
    organisation="KRISS",
    country="KR",
    expertise=("SNSPD", "cryogenic detectors"),
    bio="Our lab fabricates superconducting nanowire detectors in a cleanroom.",
    offers="We offer superconducting nanowire single-photon detectors with low dark counts and "
    "high detection efficiency.",
    seeks="Field trials of our detectors in deployed quantum networks.",
)
QKD_TWIN = MatchProfile(
    id="c",
    name="Carla",
    organisation="University of Vienna",
    country="AT",
    expertise=("quantum key distribution", "security proofs"),
    bio="We design quantum key distribution protocols and finite-key security proofs for fibre "
    "and satellite networks.",
    offers="Composable security proofs for quantum key distribution protocols.",
    seeks="Funding for a doctoral network.",
)
ION_TRAPPER = MatchProfile(
    id="d",
    name="Dieter",
    organisation="University of Innsbruck",
    country="AT",
    expertise=("trapped ions", "quantum gates"),
    bio="We build trapped-ion quantum processors with high-fidelity two-qubit gates.",
    offers="Access to a 20-ion quantum processor.",
    seeks="Compilers that map algorithms to native ion gates.",
)
ATOM_CLOCK = MatchProfile(
    id="e",
    name="Eun",
    organisation="KAIST",
    country="KR",
    expertise=("optical lattice clocks", "frequency metrology"),
    bio="We run ytterbium optical lattice clocks for time and frequency metrology.",
    offers="Clock comparisons over fibre links.",
    seeks="Low-noise lasers.",
)
COMPILER = MatchProfile(
    id="f",
    name="Felix",
    organisation="kaist.",
    country="KR",
    expertise=("quantum compilers", "qubit routing"),
    bio="We write quantum compilers and qubit routing passes for trapped ions and transmons.",
    offers="Open-source compiler passes for native gate sets.",
    seeks="Hardware partners with trapped-ion processors.",
)
COHORT = (QKD_THEORIST, DETECTOR_MAKER, QKD_TWIN, ION_TRAPPER, ATOM_CLOCK, COMPILER)


def _index(profiles: tuple[MatchProfile, ...] = COHORT, **prefs: object) -> MatchIndex:
    index = MatchIndex(MatchPreferences(**prefs))  # type: ignore[arg-type]
    index.build(profiles)
    return index


def _ids(found: list[Suggestion]) -> list[str]:
    return [s.id for s in found]


def test_complementarity_beats_plain_similarity() -> None:
    found = _index().suggest("a")
    assert _ids(found)[:2] == ["b", "c"]  # the detector maker answers the need; the twin mirrors
    assert found[0].score > found[1].score


def test_complementarity_wins_even_without_the_delegation_bonus() -> None:
    found = _index(cross_delegation_bonus=0.0).suggest("a")
    assert _ids(found)[0] == "b"


def test_never_oneself_and_exclude_ids_hold() -> None:
    index = _index()
    for profile in COHORT:
        assert profile.id not in _ids(index.suggest(profile.id, k=10))
    assert "b" not in _ids(index.suggest("a", exclude={"b", "unknown-id"}))


def test_hidden_profiles_never_appear_but_may_ask() -> None:
    hidden = replace(DETECTOR_MAKER, hidden=True)
    index = _index((QKD_THEORIST, hidden, QKD_TWIN, ION_TRAPPER, ATOM_CLOCK, COMPILER))
    for profile in COHORT:
        assert "b" not in _ids(index.suggest(profile.id, k=10))
    assert index.suggest("b")  # a hidden person still gets suggestions


def test_same_organisation_after_normalisation_is_excluded() -> None:
    index = _index()
    assert "f" not in _ids(index.suggest("e", k=10))  # "KAIST" vs "kaist."
    assert "e" not in _ids(index.suggest("f", k=10))
    relaxed = _index(exclude_same_organisation=False)
    assert "f" in _ids(relaxed.suggest("e", k=10))


def test_organisation_typos_merge_but_abbreviations_do_not() -> None:
    typo = replace(COMPILER, id="h", organisation="University of Innsbruk")
    short = replace(COMPILER, id="i", organisation="Univ. Innsbruck")
    index = _index((*COHORT, typo, short))
    found = _ids(index.suggest("d", k=10))
    assert "h" not in found  # rapidfuzz ratio ≥ 92 counts as the same organisation
    assert "i" in found  # abbreviations are not expanded
    kist = replace(ATOM_CLOCK, id="j", organisation="KIST")
    assert "j" in _ids(_index((*COHORT, kist)).suggest("e", k=10))  # KIST is not KAIST


def test_only_filter_limits_candidates() -> None:
    found = _index().suggest("a", k=10, only=lambda p: p.country == "AT")
    assert found
    assert set(_ids(found)) <= {"c", "d"}


def test_profiles_without_text_are_never_suggested() -> None:
    empty = MatchProfile(id="z", name="Nobody", organisation="Nowhere", country="KR")
    index = _index((*COHORT, empty))
    for profile in COHORT:
        assert "z" not in _ids(index.suggest(profile.id, k=10))
    assert index.suggest("z") == [] or all(s.score == 0 for s in index.suggest("z"))


def test_unknown_person_raises() -> None:
    with pytest.raises(KeyError):
        _index().suggest("nobody")


def test_same_input_same_ranking_whatever_the_order() -> None:
    reference = _index()
    shuffled = list(COHORT)
    random.Random(3).shuffle(shuffled)
    other = _index(tuple(shuffled))
    for profile in COHORT:
        assert reference.suggest(profile.id, k=10) == other.suggest(profile.id, k=10)


def test_ties_are_broken_by_id() -> None:
    twins = tuple(
        replace(DETECTOR_MAKER, id=i, organisation=f"Lab {i}") for i in ("t3", "t1", "t2")
    )
    index = _index((QKD_THEORIST, *twins))
    found = index.suggest("a", k=3)
    assert _ids(found) == ["t1", "t2", "t3"]
    assert len({s.score for s in found}) == 1
    assert _ids(index.suggest("a", k=2)) == ["t1", "t2"]  # the cut at k keeps the order too


def test_upsert_changes_results_without_rebuild() -> None:
    seeker = replace(ATOM_CLOCK, id="s", organisation="ETRI", seeks="A QKD link between our labs.")
    index = _index((*COHORT, seeker))
    before = index.suggest("s", k=10, only=lambda p: p.id == "d")
    edited = replace(ION_TRAPPER, offers=ION_TRAPPER.offers + " We also run a QKD link.")
    index.upsert(edited)
    after = index.suggest("s", k=10, only=lambda p: p.id == "d")
    assert after[0].score > before[0].score
    kinds = {r.kind: r for r in after[0].reasons}
    assert "qkd" in kinds["seek_offer"].topics
    assert "QKD link" in kinds["seek_offer"].theirs


def test_upsert_adds_new_people_and_remove_forgets_them() -> None:
    index = _index()
    newcomer = replace(DETECTOR_MAKER, id="n", organisation="Single Quantum")
    index.upsert(newcomer)
    assert "n" in index and len(index) == len(COHORT) + 1
    assert "n" in _ids(index.suggest("a", k=3))
    index.remove("n")
    index.remove("never-there")
    assert "n" not in index and len(index) == len(COHORT)
    for profile in COHORT:
        assert "n" not in _ids(index.suggest(profile.id, k=10))


def test_many_edits_compact_to_the_same_ranking_as_a_fresh_build() -> None:
    index = _index()
    edited = list(COHORT)
    for round_ in range(40):  # enough edits to trigger a compaction (fresh IDF)
        i = round_ % len(edited)
        edited[i] = replace(edited[i], bio=edited[i].bio + f" Update {round_}.")
        index.upsert(edited[i])
    fresh = _index(tuple(edited))
    for profile in edited:
        got = index.suggest(profile.id, k=10, explain=False)
        want = fresh.suggest(profile.id, k=10, explain=False)
        assert _ids(got) == _ids(want)
        assert [s.score for s in got] == pytest.approx([s.score for s in want], abs=1e-5)


def test_seek_offer_reason_quotes_the_matching_sentences() -> None:
    found = _index().suggest("a")[0]
    reason = found.reasons[0]
    assert reason.kind == "seek_offer"
    assert reason.mine.startswith("Single-photon detectors with low dark counts")
    assert "superconducting nanowire single-photon detectors" in reason.theirs
    assert "single-photon-detectors" in reason.topics
    assert len(reason.mine) <= 120 and len(reason.theirs) <= 120


def test_offer_seek_reason_for_what_they_need_from_me() -> None:
    found = _index().score_pair("f", "d")  # compiler passes ↔ ion lab seeking compilers
    kinds = {r.kind: r for r in found.reasons}
    assert "offer_seek" in kinds or "seek_offer" in kinds
    reason = kinds.get("offer_seek") or kinds["seek_offer"]
    assert reason.mine and reason.theirs and reason.topics


def test_shared_topics_fold_abbreviations() -> None:
    found = _index().score_pair("a", "c")  # "QKD protocols" vs "quantum key distribution"
    shared = next(r for r in found.reasons if r.kind == "shared_topics")
    assert "qkd" in shared.topics


def test_every_positive_suggestion_has_concrete_reasons() -> None:
    index = _index()
    for profile in COHORT:
        for suggestion in index.suggest(profile.id, k=10):
            if suggestion.score > 0:
                assert suggestion.reasons
            for reason in suggestion.reasons:
                assert reason.kind in {
                    "seek_offer",
                    "offer_seek",
                    "shared_topics",
                    "cross_delegation",
                }
                assert reason.topics or (reason.mine and reason.theirs)
                assert len(reason.topics) <= 3


def test_score_pair_matches_suggest() -> None:
    index = _index()
    for suggestion in index.suggest("a", k=10):
        assert index.score_pair("a", suggestion.id) == suggestion
    with pytest.raises(ValueError):
        index.score_pair("a", "a")


def test_cross_delegation_bonus_prefers_the_other_delegation() -> None:
    eu = replace(DETECTOR_MAKER, id="x1", organisation="Lab EU", country="DE")
    kr = replace(DETECTOR_MAKER, id="x2", organisation="Lab KR", country="KR")
    index = _index((QKD_THEORIST, eu, kr))
    found = index.suggest("a", k=2)
    assert _ids(found) == ["x2", "x1"]
    assert found[0].score == pytest.approx(found[1].score + 0.1, abs=1e-6)
    assert found[0].reasons[-1].kind == "cross_delegation"
    flat = _index((QKD_THEORIST, eu, kr), cross_delegation_bonus=0.0).suggest("a", k=2)
    assert _ids(flat) == ["x1", "x2"]  # equal scores, so the id decides


def test_exposure_cap_pushes_a_popular_person_down() -> None:
    index = _index(exposure_cap=3, exposure_penalty=0.5)
    assert _ids(index.suggest("a"))[0] == "b"
    capped = index.suggest("a", exposure={"b": 3, "c": 1})
    assert _ids(capped)[0] != "b"
    assert "b" in _ids(capped)  # pushed down, not removed
    under = index.suggest("a", exposure={"b": 2})
    assert _ids(under)[0] == "b"


def test_synonyms_meet_across_abbreviation_and_korean() -> None:
    for text in ("QKD", "quantum key distribution", "Quantum Key Distribution (QKD)", "양자키분배"):
        assert "term:qkd" in tokens(text)
    korean = MatchProfile(
        id="k",
        organisation="ETRI",
        country="KR",
        expertise=("양자키분배",),
        bio="양자암호통신 시스템을 개발합니다.",
    )
    found = _index((QKD_THEORIST, korean, ION_TRAPPER)).score_pair("a", "k")
    assert found.score > 0
    assert any("qkd" in r.topics for r in found.reasons)


def test_publications_count_towards_topics() -> None:
    paper = Publication(
        title="Twin-field quantum key distribution over 400 km",
        abstract="We demonstrate twin-field QKD over deployed fibre with decoy states.",
    )
    reader = MatchProfile(id="r", organisation="X", country="FR", publications=(paper,))
    found = _index((QKD_THEORIST, reader)).score_pair("a", "r")
    assert found.score > 0
    assert any("qkd" in r.topics or "tf-qkd" in r.topics for r in found.reasons)


def test_text_helpers() -> None:
    assert stem("detectors") == stem("detection") == stem("detecting") == "detect"
    assert stem("optimisation") == stem("optimization") == stem("optimize")
    assert stem("qubits") == "qubit"
    long_text = "We offer " + ", ".join(f"item number {i}" for i in range(40)) + ". Short one."
    pieces = sentences(long_text)
    assert all(len(p) <= 120 for p in pieces)
    assert pieces[-1] == "Short one."

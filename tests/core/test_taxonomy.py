"""Unit tests for the quantum taxonomy: phrase matching, keyword lists and text folding."""

import unicodedata

import pytest

from core.reference.taxonomy import (
    Keyword,
    all_terms,
    match_term,
    normalise_keywords,
    term_by_id,
    terms_in_text,
)

AREAS = {"computing", "communication", "sensing", "foundations", "enabling"}


def _id(text: str) -> str | None:
    term = match_term(text)
    return term.id if term else None


@pytest.mark.parametrize(
    "text",
    [
        "QKD",
        "qkd",
        "Quantum Key Distribution",
        "quantum key distribution",
        "quantum key distrib.",
        "quantum key distrib",
        "quant. key distrib.",
        "양자키분배",
        "양자 키 분배",
        "Quantum key distribution (QKD)",
        "quantum key distrbution",
        "  QKD  ",
    ],
)
def test_qkd_variants(text: str) -> None:
    assert _id(text) == "qkd"


@pytest.mark.parametrize(
    ("text", "term_id"),
    [
        ("superconducting qubit", "superconducting-qubits"),
        ("Superconducting Qubits", "superconducting-qubits"),
        ("transmon", "superconducting-qubits"),
        ("초전도 큐비트", "superconducting-qubits"),
        ("trapped ion", "trapped-ions"),
        ("NV center", "nv-centres"),
        ("NV centres", "nv-centres"),
        ("cryo CMOS", "cryo-cmos"),
        ("cryo–CMOS", "cryo-cmos"),
        ("quantum optimisation", "quantum-optimization"),
        ("quantm error correction", "qec"),
        ("양자 컴퓨터", "quantum-computing"),
        ("양자내성암호", "pqc"),
        ("PQC", "pqc"),
        ("VQE", "variational-algorithms"),
        ("SNSPDs", "snspd"),
        ("quantum gravity", "quantum-gravity"),
        ("quantum gravimetry", "quantum-gravimetry"),
    ],
)
def test_match_term(text: str, term_id: str) -> None:
    assert _id(text) == term_id


@pytest.mark.parametrize(
    "text",
    [
        "machine learning for finance",
        "cooking",
        "machine learning",
        "quantum",
        "quantum state",
        "quantum mechanics",
        "quantum comp",
        "",
        "   ",
        "...",
        "🙂",
        "x" * 5000,
    ],
)
def test_unrelated_phrases_do_not_match(text: str) -> None:
    assert match_term(text) is None


def test_short_acronyms_match_exactly_only() -> None:
    assert _id("QML") == "qml"
    assert _id("QML") != "qkd"
    assert _id("QKE") is None
    assert _id("QDK") is None
    assert _id("PQD") is None


def test_normalise_keywords_folds_and_keeps_free_tags() -> None:
    text = "QKD, quantum key distrib., 양자 물리, Machine learning for finance"
    keywords = normalise_keywords(text)
    assert keywords == [
        Keyword("Quantum key distribution", "qkd"),
        Keyword("양자 물리", None),
        Keyword("Machine learning for finance", None),
    ]


def test_normalise_keywords_separators() -> None:
    text = (
        "QKD; transmon\nquantum annealing / cooking • SNSPD\n- NV centres\n* optical clocks\n• QML"
    )
    assert [k.term_id or k.label for k in normalise_keywords(text)] == [
        "qkd",
        "superconducting-qubits",
        "quantum-annealing",
        "cooking",
        "snspd",
        "nv-centres",
        "atomic-clocks",
        "qml",
    ]


def test_slash_without_spaces_is_not_a_separator() -> None:
    assert normalise_keywords("HPC/AI") == [Keyword("HPC/AI", None)]


def test_normalise_keywords_dedupes_in_order() -> None:
    keywords = normalise_keywords("Cooking, qkd, COOKING, 양자키분배, cooking , QKD")
    assert keywords == [Keyword("Cooking", None), Keyword("Quantum key distribution", "qkd")]


def test_free_tags_are_cleaned() -> None:
    [tag] = normalise_keywords("  cold   plasma   physics  ")
    assert tag == Keyword("cold plasma physics", None)
    [long_tag] = normalise_keywords("word " * 40)
    assert long_tag.term_id is None
    assert len(long_tag.label) <= 60
    assert long_tag.label == long_tag.label.strip()


def test_empty_and_junk_input() -> None:
    assert normalise_keywords("") == []
    assert normalise_keywords(" , ; \n - \n •  / ") == []
    assert normalise_keywords("🙂, ✨") == []


def test_limit() -> None:
    text = ", ".join(f"topic {i}" for i in range(50))
    assert len(normalise_keywords(text)) == 20
    assert [k.label for k in normalise_keywords(text, limit=3)] == ["topic 0", "topic 1", "topic 2"]
    assert normalise_keywords(text, limit=0) == []


def test_huge_keyword_input_is_cut_to_size() -> None:
    """Its speed is printed by `python -m benchmarks.reference_lookups`."""
    repeated = normalise_keywords("quantum thing, " * 50_000)
    assert repeated[0].label == "quantum thing"
    assert len(repeated) <= 20 and all(len(k.label) <= 60 for k in repeated)
    [one_word] = normalise_keywords("x" * 100_000)
    assert 0 < len(one_word.label) <= 60 and one_word.term_id is None


def test_terms_in_text_finds_terms() -> None:
    assert terms_in_text("We build QKD links and superconducting qubits") == [
        "qkd",
        "superconducting-qubits",
    ]


def test_terms_in_text_respects_word_boundaries() -> None:
    assert terms_in_text("qkdlink xsnspdx PQCX aQKD qkd_x ions") == []
    assert terms_in_text("quantum") == []


def test_terms_in_text_prefers_longest_match() -> None:
    assert terms_in_text("entanglement distribution") == ["entanglement-distribution"]
    assert terms_in_text("CV-QKD and MDI‑QKD") == ["cv-qkd", "mdi-qkd"]
    assert terms_in_text("양자암호통신망 구축") == ["qkd-networks"]


def test_terms_in_text_handles_variants() -> None:
    text = "Quantum Key Distribution; a superconducting qubit; cryo CMOS; NV centers; SQUIDs"
    assert terms_in_text(text) == [
        "qkd",
        "superconducting-qubits",
        "cryo-cmos",
        "nv-centres",
        "squids",
    ]
    assert terms_in_text("양자키분배를 연구하고 초전도 큐비트를 만듭니다") == [
        "qkd",
        "superconducting-qubits",
    ]


def test_terms_in_long_text() -> None:
    """Its speed is printed by `python -m benchmarks.reference_lookups`."""
    found = terms_in_text("lorem ipsum QKD dolor 양자 " * 10_000)
    assert found == ["qkd"]


def test_term_by_id() -> None:
    term = term_by_id("qkd")
    assert term is not None
    assert term.label_en == "Quantum key distribution"
    assert term.label_ko == "양자키분배"
    assert term.area == "communication"
    assert "QKD" in term.synonyms
    assert term_by_id("nope") is None


def test_taxonomy_size_and_areas() -> None:
    terms = all_terms()
    assert 80 <= len(terms) <= 130
    assert {t.area for t in terms} == AREAS


def test_term_ids_are_unique_slugs() -> None:
    ids = [t.id for t in all_terms()]
    assert len(ids) == len(set(ids))
    assert all(i == i.lower() and " " not in i for i in ids)


def test_every_term_has_korean_label_and_valid_area() -> None:
    for term in all_terms():
        assert any("\uac00" <= ch <= "\ud7a3" for ch in term.label_ko), term.id
        assert term.area in AREAS, term.id
        assert term.label_en.strip() == term.label_en


def test_no_form_points_at_two_terms() -> None:
    owner: dict[str, str] = {}
    for term in all_terms():
        for form in (term.label_en, term.label_ko, *term.synonyms):
            key = "".join(
                ch for ch in unicodedata.normalize("NFKC", form).casefold() if ch.isalnum()
            )
            assert owner.setdefault(key, term.id) == term.id, form


def test_every_form_matches_its_own_term() -> None:
    for term in all_terms():
        for form in (term.label_en, term.label_ko, *term.synonyms):
            assert _id(form) == term.id, form
            assert term.id in terms_in_text(f"We work on {form} here."), form

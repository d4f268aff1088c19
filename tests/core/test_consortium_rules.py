"""The Horizon Europe rules engine: each case a consortium, its expected verdict and reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from core.consortia.model import Entity, EntityType, Topic
from core.consortia.programme import (
    ActionType,
    Pillar,
    Status,
    pillar_of,
    status,
    topic_id_problem,
)
from core.consortia.rules import RULES, evaluate, would_help

A = ActionType
AFTER = date(2025, 4, 9)  # the forum: Korea associated to Pillar II
BEFORE = date(2024, 12, 31)
NEW_YEAR = date(2025, 1, 1)
CLUSTER = Topic("HORIZON-CL4-2025-03-DIGITAL-EMERGING-02", pillar=Pillar.II)
QUANTUM_MS = Topic(
    "HORIZON-CL4-2025-05-DIGITAL-EMERGING-05", pillar=Pillar.II, allowed=frozenset({"MS"})
)
QUANTUM_MS_NO = Topic(
    "HORIZON-CL4-2025-05-DIGITAL-EMERGING-06",
    pillar=Pillar.II,
    allowed=frozenset({"MS", "NO", "IS"}),
)
NO_CN = Topic("HORIZON-CL5-2025-01-01", pillar=Pillar.II, excluded=frozenset({"CN"}))
ERC = Topic("ERC-2025-STG", pillar=Pillar.I)
MSCA = Topic("HORIZON-MSCA-2025-DN-01-01", pillar=Pillar.I)
EIC = Topic("HORIZON-EIC-2025-PATHFINDEROPEN-01", pillar=Pillar.III)


def e(name: str, country: str, kind: EntityType = EntityType.RESEARCH, **kw: object) -> Entity:
    return Entity(name, country, kind, **kw)  # type: ignore[arg-type]


KR = e("KIST", "KR")
KR_UNI = e("Seoul National University", "KR", EntityType.UNIVERSITY)
NL = e("TU Delft", "NL", EntityType.UNIVERSITY)
DE = e("Forschungszentrum Jülich", "DE")
DE2 = e("TU München", "DE", EntityType.UNIVERSITY)
FR = e("CNRS", "FR")
IT = e("INRiM", "IT")
NO = e("SINTEF", "NO")
CH = e("ETH Zürich", "CH", EntityType.UNIVERSITY)
GB = e("University of Oxford", "GB", EntityType.UNIVERSITY)
US = e("MIT", "US", EntityType.UNIVERSITY)
CN = e("Tsinghua", "CN", EntityType.UNIVERSITY)
JP = e("RIKEN", "JP")
NZ = e("University of Auckland", "NZ", EntityType.UNIVERSITY)
DE_AFF = e("Jülich Supercomputing GmbH", "DE", EntityType.SME, affiliated=True)
AT_AFF = e("AIT subsidiary", "AT", EntityType.SME, affiliated=True)


@dataclass
class Case:
    """One consortium and what the engine must say about it."""

    name: str
    entities: list[Entity]
    action: ActionType
    topic: Topic | None
    on: date
    eligible: bool
    unmet: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


CASES = [
    Case("KR NL DE RIA cluster after 2025", [KR, NL, DE], A.RIA, CLUSTER, AFTER, True),
    Case("KR NL DE IA cluster after 2025", [KR, NL, DE], A.IA, CLUSTER, AFTER, True),
    Case(
        "KR in Pillar II on 1 January 2025 counts",
        [KR, NL, DE],
        A.RIA,
        CLUSTER,
        NEW_YEAR,
        True,
    ),
    Case(
        "KR in Pillar II on 31 December 2024 does not count",
        [KR, NL, DE],
        A.RIA,
        CLUSTER,
        BEFORE,
        False,
        [("countries", {"needed": 1, "other_than": ("DE", "NL")})],
        ["associated_later"],
    ),
    Case(
        "KR in an ERC topic: third country (Pillar I)",
        [KR],
        A.ERC,
        ERC,
        AFTER,
        False,
        [("countries", {"needed": 1, "other_than": ()})],
        ["other_pillar"],
    ),
    Case("ERC host in a Member State", [FR], A.ERC, ERC, AFTER, True),
    Case("ERC host in Switzerland in 2025", [CH], A.ERC, ERC, AFTER, True),
    Case(
        "ERC host in Switzerland in 2024",
        [CH],
        A.ERC,
        ERC,
        BEFORE,
        False,
        [("countries", {"needed": 1})],
        ["associated_later"],
    ),
    Case(
        "three entities from one country count once",
        [DE, DE2, NL],
        A.RIA,
        CLUSTER,
        AFTER,
        False,
        [("countries", {"needed": 1, "other_than": ("DE", "NL")})],
        ["same_country"],
    ),
    Case(
        "an affiliated entity does not count",
        [NL, DE, AT_AFF],
        A.RIA,
        CLUSTER,
        AFTER,
        False,
        [("countries", {"needed": 1, "other_than": ("DE", "NL")})],
        ["affiliated"],
    ),
    Case(
        "an affiliated entity beside three independent ones",
        [NL, DE, FR, DE_AFF],
        A.RIA,
        CLUSTER,
        AFTER,
        True,
        notes=["affiliated"],
    ),
    Case(
        "no Member State: needs one",
        [KR, NO, CH],
        A.RIA,
        CLUSTER,
        AFTER,
        False,
        [("member_state", {"needed": 1, "other_than": ()})],
    ),
    Case(
        "third countries do not count: US",
        [US, NL, DE],
        A.RIA,
        CLUSTER,
        AFTER,
        False,
        [("countries", {"needed": 1})],
        ["third_country"],
    ),
    Case(
        "Japan is not associated",
        [JP, FR, DE],
        A.RIA,
        CLUSTER,
        AFTER,
        False,
        [("countries", {"needed": 1})],
        ["third_country"],
    ),
    Case(
        "restricted to Member States: KR cannot take part",
        [KR, NL, DE],
        A.RIA,
        QUANTUM_MS,
        AFTER,
        False,
        [("countries", {"needed": 1, "other_than": ("DE", "NL"), "restricted": True})],
        ["not_allowed"],
    ),
    Case(
        "restricted to Member States: a fourth from IT makes it",
        [KR, NL, DE, IT],
        A.RIA,
        QUANTUM_MS,
        AFTER,
        True,
        notes=["not_allowed"],
    ),
    Case(
        "restricted to MS, NO and IS: Norway counts",
        [NO, NL, DE],
        A.RIA,
        QUANTUM_MS_NO,
        AFTER,
        True,
    ),
    Case(
        "restricted to MS, NO and IS: Switzerland does not",
        [CH, NL, DE],
        A.RIA,
        QUANTUM_MS_NO,
        AFTER,
        False,
        [("countries", {"needed": 1})],
        ["not_allowed"],
    ),
    Case(
        "an exclusion list leaves others alone",
        [CN, KR, NL, DE],
        A.RIA,
        NO_CN,
        AFTER,
        True,
        notes=["not_allowed"],
    ),
    Case("CSA with one entity in a Member State", [IT], A.CSA, CLUSTER, AFTER, True),
    Case("CSA with one Korean entity in Pillar II", [KR], A.CSA, CLUSTER, AFTER, True),
    Case(
        "CSA with only a US entity",
        [US],
        A.CSA,
        CLUSTER,
        AFTER,
        False,
        [("countries", {"needed": 1, "minimum": 1})],
        ["third_country"],
    ),
    Case("UK counts from 2024", [GB, NL, DE], A.RIA, CLUSTER, AFTER, True),
    Case("New Zealand in Pillar II", [NZ, NL, DE], A.RIA, CLUSTER, AFTER, True),
    Case(
        "New Zealand in an MSCA network (Pillar I)",
        [NZ, NL, DE],
        A.MSCA_DN,
        MSCA,
        AFTER,
        False,
        [("countries", {"needed": 1})],
        ["other_pillar"],
    ),
    Case("MSCA DN with FR NL DE", [FR, NL, DE], A.MSCA_DN, MSCA, AFTER, True),
    Case(
        "MSCA SE: a third-country partner completes three countries",
        [FR, NL, US],
        A.MSCA_SE,
        MSCA,
        AFTER,
        True,
        notes=["third_country"],
    ),
    Case(
        "MSCA SE: two countries only",
        [FR, DE, DE2],
        A.MSCA_SE,
        MSCA,
        AFTER,
        False,
        [("all_countries", {"needed": 1, "other_than": ("DE", "FR")})],
        ["same_country"],
    ),
    Case(
        "MSCA SE: KR does not count as AC in Pillar I but completes the countries",
        [FR, KR, US],
        A.MSCA_SE,
        MSCA,
        AFTER,
        False,
        [("countries", {"needed": 1, "other_than": ("FR",)})],
        ["other_pillar", "third_country"],
    ),
    Case("EIC Pathfinder with three MS", [FR, NL, IT], A.EIC_PATHFINDER, EIC, AFTER, True),
    Case(
        "EIC Pathfinder: KR is Pillar II only",
        [KR, FR, NL],
        A.EIC_PATHFINDER,
        EIC,
        AFTER,
        False,
        [("countries", {"needed": 1, "other_than": ("FR", "NL")})],
        ["other_pillar"],
    ),
    Case(
        "empty consortium",
        [],
        A.RIA,
        CLUSTER,
        AFTER,
        False,
        [("countries", {"needed": 3, "other_than": ()}), ("member_state", {"needed": 1})],
    ),
    Case(
        "Korean university: the signing entity is explained",
        [KR_UNI, NL, DE],
        A.RIA,
        CLUSTER,
        AFTER,
        True,
        notes=["kr_signing"],
    ),
    Case("no topic given: RIA defaults to Pillar II", [KR, NL, DE], A.RIA, None, AFTER, True),
    Case(
        "lower-case country codes are read as codes",
        [e("x", "kr"), e("y", "nl"), e("z", "de")],
        A.RIA,
        CLUSTER,
        AFTER,
        True,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_verdicts(case: Case) -> None:
    verdict = evaluate(case.entities, case.action, on=case.on, topic=case.topic)
    assert verdict.eligible is case.eligible
    assert [c.code for c in verdict.unmet] == [code for code, _ in case.unmet]
    for condition, (_code, params) in zip(verdict.unmet, case.unmet, strict=True):
        for name, value in params.items():
            assert condition.params[name] == value, (condition, name)
    assert sorted({n.code for n in verdict.notes}) == sorted(set(case.notes))


def test_there_are_at_least_thirty_cases() -> None:
    assert len(CASES) >= 30


def test_notes_name_the_entity_and_the_pillar() -> None:
    verdict = evaluate([KR], A.ERC, on=AFTER, topic=ERC)
    (note,) = verdict.notes
    assert note.params == {"entity": "KIST", "country": "KR", "pillar": "I", "pillars": ("II",)}
    before = evaluate([KR, NL, DE], A.RIA, on=BEFORE, topic=CLUSTER)
    assert before.notes[0].params["since"] == "2025-01-01"


def test_pending_members_are_said() -> None:
    verdict = evaluate([NL, DE, FR], A.RIA, on=AFTER, topic=CLUSTER, pending=2)
    assert verdict.eligible
    assert [(n.code, n.params) for n in verdict.notes] == [("pending", {"count": 2})]


def test_every_action_has_a_rule_with_its_source() -> None:
    assert set(RULES) == set(ActionType)
    assert all(rule.source for rule in RULES.values())


@pytest.mark.parametrize(
    ("country", "pillar", "on", "expected"),
    [
        ("KR", Pillar.II, BEFORE, Status.THIRD),
        ("KR", Pillar.II, NEW_YEAR, Status.ASSOCIATED),
        ("KR", Pillar.I, AFTER, Status.THIRD),
        ("KR", Pillar.III, AFTER, Status.THIRD),
        ("DE", Pillar.I, BEFORE, Status.MEMBER_STATE),
        ("NO", Pillar.I, BEFORE, Status.ASSOCIATED),
        ("GB", Pillar.II, date(2023, 6, 1), Status.THIRD),
        ("US", Pillar.II, AFTER, Status.THIRD),
    ],
)
def test_association_status(country: str, pillar: Pillar, on: date, expected: Status) -> None:
    assert status(country, pillar, on) is expected


@pytest.mark.parametrize(
    ("text", "problem", "pillar"),
    [
        ("HORIZON-CL4-2025-03-DIGITAL-EMERGING-02", None, Pillar.II),
        (" horizon-cl4-2025-05-digital-emerging-05 ", None, Pillar.II),
        ("ERC-2025-STG", None, Pillar.I),
        ("HORIZON-MSCA-2025-DN-01-01", None, Pillar.I),
        ("HORIZON-EIC-2025-PATHFINDEROPEN-01", None, Pillar.III),
        ("HORIZON-WIDERA-2025-ACCESS-01", None, Pillar.WIDERA),
        ("quantum call", "format", None),
        ("HORIZON", "format", None),
        ("HORIZON-CL4-" + "X" * 60, "format", Pillar.II),
    ],
)
def test_topic_ids(text: str, problem: str | None, pillar: Pillar | None) -> None:
    assert topic_id_problem(text) == problem
    assert pillar_of(text) == pillar


def test_fill_the_gap_looks_for_what_is_missing() -> None:
    two = [KR, NL]
    assert would_help(two, DE, A.RIA, on=AFTER, topic=CLUSTER)
    assert not would_help(two, e("Radboud", "NL"), A.RIA, on=AFTER, topic=CLUSTER)
    assert not would_help(two, US, A.RIA, on=AFTER, topic=CLUSTER)
    restricted = [KR, NL, DE]
    assert would_help(restricted, IT, A.RIA, on=AFTER, topic=QUANTUM_MS)
    assert not would_help(restricted, CH, A.RIA, on=AFTER, topic=QUANTUM_MS)
    assert not would_help([KR, NL, DE], FR, A.RIA, on=AFTER, topic=CLUSTER)  # already eligible

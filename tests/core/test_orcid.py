"""ORCID iDs checked by ISO 7064 MOD 11-2 before any request, and a public record turned into
a proposal: the name, the current employment, keywords through the taxonomy, up to ten works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.people.orcid import OrcidUnavailable, check_digit, parse_orcid, proposal_from_record
from core.reference.errors import InvalidAnswer

RECORD = json.loads(
    (Path(__file__).resolve().parents[1] / "data" / "imports" / "orcid-record.json").read_text()
)


@pytest.mark.parametrize(
    "typed",
    [
        "0000-0002-1825-0097",
        "https://orcid.org/0000-0002-1825-0097",
        "orcid.org/0000-0002-1825-0097/",
        "0000000218250097",
        " 0000 0002 1825 0097 ",
    ],
)
def test_the_forms_people_type(typed):
    assert parse_orcid(typed) == "0000-0002-1825-0097"


def test_an_x_check_digit():
    assert check_digit("000000021694233") == "X"
    assert parse_orcid("0000-0002-1694-233x") == "0000-0002-1694-233X"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("0000-0002-1825-0098", "orcid_check"),
        ("0000-0002-1825-009", "orcid_format"),
        ("https://example.org/0000-0002-1825-0097", "orcid_format"),
        ("Ji-woo Kim", "orcid_format"),
    ],
)
def test_mistyped_ids_are_refused_with_the_reason(typed, reason):
    with pytest.raises(InvalidAnswer) as caught:
        parse_orcid(typed)
    assert caught.value.params["reason"] == reason


def test_a_record_becomes_a_proposal():
    proposal = proposal_from_record("0000-0002-1825-0097", RECORD)
    assert proposal.full_name == "Ji-woo Kim"
    # two employments: the ended one (Delft, until 2019) is not current
    assert (proposal.organisation, proposal.country) == (
        "Korea Institute of Science and Technology",
        "KR",
    )
    assert [k.term_id for k in proposal.expertise][:2] == ["qkd", "superconducting-qubits"]
    assert proposal.expertise[2].label == "Testbeds"
    titles = [p.title for p in proposal.publications]
    assert titles == [
        "Field trial of a metropolitan QKD network in Seoul",  # one per group, preferred first
        "Cryogenic control electronics for superconducting qubits",
    ]
    assert proposal.publications[0].abstract.startswith("Twelve months of key exchange")
    assert proposal.publications[1].abstract == ""
    assert proposal.offered() == ["full_name", "employment", "expertise", "publications"]


def test_ten_works_at_most_and_only_what_is_there():
    many = json.loads(json.dumps(RECORD))
    group = many["activities-summary"]["works"]["group"][1]
    many["activities-summary"]["works"]["group"] = [group] * 14
    del many["person"]["keywords"]
    proposal = proposal_from_record("0000-0002-1825-0097", many)
    assert len(proposal.publications) == 10 and proposal.expertise == []
    assert "expertise" not in proposal.offered()


@pytest.mark.parametrize("body", [[], {"error-desc": "nope"}, "text", None])
def test_a_malformed_record(body):
    with pytest.raises(OrcidUnavailable) as caught:
        proposal_from_record("0000-0002-1825-0097", body)
    assert caught.value.params["reason"] == "malformed"

"""What *Fill the gap* reads as expertise the team lacks: the taxonomy terms the topic and the
idea name, covered exactly or (for a whole area) by any expertise in that area."""

from __future__ import annotations

from core.consortia.gap import brought, missing_expertise, named_terms
from core.consortia.model import Topic
from core.people.profile import Profile
from core.reference.taxonomy import normalise_keywords

SENSING_TOPIC = Topic("HORIZON-CL4-2025-03-DIGITAL-EMERGING-02", "Quantum sensing for industry")


def person(pid: int, expertise: str) -> Profile:
    return Profile(pid, expertise=normalise_keywords(expertise))


def test_the_topic_title_note_and_idea_name_terms_in_order():
    topic = Topic("X", "Quantum sensing for industry", note="with QKD links")
    assert named_terms("Cryo-CMOS control", topic) == ["quantum-sensing", "qkd", "cryo-cmos"]
    assert named_terms("", Topic("X")) == []


def test_a_named_area_is_covered_by_any_expertise_in_it():
    named = named_terms("Cryo-CMOS control for a QKD testbed", SENSING_TOPIC)
    team = [person(1, "superconducting qubits, QKD"), person(2, "cryo-CMOS")]
    assert missing_expertise(named, team) == ["quantum-sensing"]
    assert missing_expertise(named, [*team, person(3, "atomic clocks")]) == []
    assert brought(["quantum-sensing"], person(4, "NV centres in diamond")) == ("quantum-sensing",)


def test_a_specific_term_needs_that_term():
    named = named_terms("An atom interferometry gravimeter", Topic("X"))
    assert "atom-interferometry" in named
    # Quantum sensing in general does not cover atom interferometry in particular.
    assert brought(named, person(5, "quantum sensing, optical clocks")) == ()
    assert brought(named, person(6, "atom interferometry")) == ("atom-interferometry",)
    assert missing_expertise(named, []) == named

"""[[topics]] in the event file: read into core Topics, every mistake named at its line."""

from __future__ import annotations

from bot.event_file import load_event_file, parse_event_toml
from core.consortia.programme import ActionType, Pillar
from tests.unit.event_file.helpers import EXAMPLE, MINIMAL, errors_of, line_of

TOPICS = (
    MINIMAL
    + """
[[topics]]
id = "HORIZON-CL4-2025-03-DIGITAL-EMERGING-02"
title = "Quantum sensing"
action = "RIA"
note = "Cluster 4"

[[topics]]
id = "horizon-cl4-2025-05-digital-emerging-05"
title = "Quantum pilot lines"
action = "IA"
pillar = "II"
allowed = ["MS", "NO"]
"""
)


def test_topics_become_core_topics() -> None:
    event = parse_event_toml(TOPICS)
    first, second = event.topics
    assert first.id == "HORIZON-CL4-2025-03-DIGITAL-EMERGING-02"
    assert (first.action, first.pillar, first.restricted, first.note) == (
        ActionType.RIA,
        Pillar.II,
        False,
        "Cluster 4",
    )
    assert second.id == "HORIZON-CL4-2025-05-DIGITAL-EMERGING-05"  # stored as the portal writes it
    assert second.allowed == {"MS", "NO"} and second.restricted


def test_the_example_declares_a_cluster_topic_and_a_restricted_quantum_topic() -> None:
    topics = load_event_file(EXAMPLE).topics
    assert len(topics) == 2
    cluster, quantum = topics
    assert cluster.pillar is Pillar.II and not cluster.restricted
    assert quantum.restricted and "MS" in quantum.allowed and "KR" not in quantum.allowed
    assert "quantum" in quantum.title.lower()


def test_a_bad_id_action_pillar_and_country_are_each_named() -> None:
    text = (
        TOPICS.replace('id = "HORIZON-CL4-2025-03-DIGITAL-EMERGING-02"', 'id = "cluster four"')
        .replace('action = "IA"', 'action = "RIA-X"')
        .replace('pillar = "II"', 'pillar = "2"')
        .replace('allowed = ["MS", "NO"]', 'allowed = ["MS", "Norway"]')
    )
    errors = errors_of(text)
    assert errors == [
        f"line {line_of(text, 'cluster four')}: topics[0].id: must be a call topic identifier "
        'like "HORIZON-CL4-2025-03-DIGITAL-EMERGING-02" or "ERC-2025-STG" (got "cluster four")',
        f"line {line_of(text, 'RIA-X')}: topics[1].action: must be one of RIA, IA, CSA, "
        'MSCA-DN, MSCA-SE, ERC, EIC-PATHFINDER (got "RIA-X")',
        f"line {line_of(text, 'pillar =')}: topics[1].pillar: must be one of I, II, III, WIDERA "
        '(got "2")',
        f'line {line_of(text, "allowed =")}: topics[1].allowed: "Norway" is not a country code '
        'like "NO" (two capital letters) nor "MS" (every Member State) or "AC" '
        "(every Associated Country)",
    ]


def test_duplicate_ids_and_both_lists_are_refused() -> None:
    text = TOPICS.replace(
        "horizon-cl4-2025-05-digital-emerging-05", "HORIZON-CL4-2025-03-DIGITAL-EMERGING-02"
    ).replace('allowed = ["MS", "NO"]', 'allowed = ["MS"]\nexcluded = ["CN"]')
    errors = errors_of(text)
    assert any("topics[1].id: duplicate topic id" in e for e in errors)
    assert any("topics[1].excluded: give either allowed or excluded" in e for e in errors)


def test_an_unknown_field_is_named() -> None:
    text = TOPICS.replace('note = "Cluster 4"', 'deadline = "2025-09-16"')
    errors = errors_of(text)
    assert len(errors) == 1 and "topics[0].deadline" in errors[0]

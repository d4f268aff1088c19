"""Rules for call topics as organisers declare them in the event file (`[[topics]]`), each
stated once: the event-file checks report them in these words at the field's line."""

from __future__ import annotations

from collections.abc import Sequence

from core.consortia.model import Topic
from core.consortia.programme import (
    ActionType,
    Pillar,
    normalise_topic_id,
    pillar_of,
    topic_id_problem,
)
from core.reference.countries import country_by_code

#: Country groups a topic may allow besides single countries.
GROUPS = ("MS", "AC")
NOTE_MAX = 500


def topic_id(value: str) -> str | None:
    """A call topic identifier as the Funding & Tenders portal writes it."""
    if topic_id_problem(value):
        return (
            f'must be a call topic identifier like "HORIZON-CL4-2025-03-DIGITAL-EMERGING-02" '
            f'or "ERC-2025-STG" (got "{value}")'
        )
    return None


def action(value: str) -> str | None:
    """One of the types of action the rules engine knows."""
    if value in {a.value for a in ActionType}:
        return None
    return f'must be one of {", ".join(a.value for a in ActionType)} (got "{value}")'


def pillar(value: str) -> str | None:
    """One of the programme's pillars."""
    if value in {p.value for p in Pillar}:
        return None
    return f'must be one of {", ".join(p.value for p in Pillar)} (got "{value}")'


def countries(values: Sequence[str]) -> str | None:
    """ISO country codes (upper case, e.g. "NO") or the groups "MS" and "AC"."""
    for value in values:
        if value not in GROUPS and (value != value.upper() or country_by_code(value) is None):
            return (
                f'"{value}" is not a country code like "NO" (two capital letters) '
                'nor "MS" (every Member State) or "AC" (every Associated Country)'
            )
    return None


def make_topic(
    id_: str,
    *,
    title: str = "",
    action_type: str | None = None,
    pillar_name: str | None = None,
    allowed: Sequence[str] = (),
    excluded: Sequence[str] = (),
    note: str = "",
) -> Topic:
    """The core Topic from checked fields; the pillar comes from the identifier when not given."""
    key = normalise_topic_id(id_)
    return Topic(
        id=key,
        title=title.strip(),
        action=ActionType(action_type) if action_type else None,
        pillar=Pillar(pillar_name) if pillar_name else pillar_of(key),
        allowed=frozenset(allowed),
        excluded=frozenset(excluded),
        note=note.strip()[:NOTE_MAX],
    )

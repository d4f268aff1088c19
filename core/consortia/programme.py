"""Horizon Europe as data: Member States, Associated Countries by pillar and date, types of
action and the pillar a call topic belongs to.

Sources: Regulation (EU) 2021/695 (Horizon Europe) Art. 16 (association of third countries) and
Art. 22 (eligibility); the Commission's list "Horizon Europe: List of participating countries"
(associated countries and their dates). The list changes: it is guidance, the call text prevails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from core.reference.countries import all_countries


class Pillar(StrEnum):
    """The programme's parts; association may cover only some of them."""

    I = "I"  # noqa: E741  Excellent Science: ERC, MSCA, research infrastructures
    II = "II"  # Global Challenges and European Industrial Competitiveness: the clusters
    III = "III"  # Innovative Europe: EIC
    WIDERA = "WIDERA"  # Widening participation and strengthening the ERA


class ActionType(StrEnum):
    """Types of action with their own minimum conditions (core/consortia/rules.py)."""

    RIA = "RIA"
    IA = "IA"
    CSA = "CSA"
    MSCA_DN = "MSCA-DN"
    MSCA_SE = "MSCA-SE"
    ERC = "ERC"
    EIC_PATHFINDER = "EIC-PATHFINDER"


#: The 27 EU Member States (ISO 3166-1 alpha-2), from the one country list
#: (tests/core/test_countries.py pins it to the 27).
MEMBER_STATES: frozenset[str] = frozenset(c.code for c in all_countries() if c.eu)

ALL_PILLARS: frozenset[Pillar] = frozenset(Pillar)


@dataclass(frozen=True, slots=True)
class Association:
    """A third country associated to Horizon Europe for some pillars from a date (until another,
    when the agreement ends)."""

    country: str
    since: date
    pillars: frozenset[Pillar] = ALL_PILLARS
    until: date | None = None

    def covers(self, pillar: Pillar, on: date) -> bool:
        """Entities of this country count as Associated Country entities in this pillar then."""
        ended = self.until is not None and on >= self.until
        return pillar in self.pillars and self.since <= on and not ended


PILLAR_II = frozenset({Pillar.II})

#: Associated Countries (Regulation 2021/695 Art. 16; association agreements, applying from
#: the date given: most from the programme's start in 2021).
ASSOCIATIONS: tuple[Association, ...] = (
    *(
        Association(code, date(2021, 1, 1))
        for code in [
            "AL",
            "AM",
            "BA",
            "FO",
            "GE",
            "IS",
            "IL",
            "XK",
            "MD",
            "ME",
            "MK",
            "NO",
            "RS",
            "TN",
            "TR",
            "UA",
        ]
    ),
    # United Kingdom: Protocol I of the Trade and Cooperation Agreement, from the 2024 calls.
    Association("GB", date(2024, 1, 1)),
    # New Zealand: Pillar II only, from the 2024 work programme.
    Association("NZ", date(2024, 1, 1), PILLAR_II),
    # Canada: Pillar II only, agreement of 2024, from the 2024 calls.
    Association("CA", date(2024, 1, 1), PILLAR_II),
    # Switzerland: transitional arrangement for the 2025 calls, then the agreement.
    Association("CH", date(2025, 1, 1)),
    # Republic of Korea: Pillar II only, transitional arrangement for the 2025 work programme
    # from 1 January 2025; association agreement signed 17 July 2025.
    Association("KR", date(2025, 1, 1), PILLAR_II),
)


class Status(StrEnum):
    """How an entity's country counts for one topic on one day."""

    MEMBER_STATE = "ms"
    ASSOCIATED = "ac"
    THIRD = "third"


def status(country: str, pillar: Pillar, on: date) -> Status:
    """Member State, Associated Country (for this pillar on this day) or third country."""
    code = country.strip().upper()
    if code in MEMBER_STATES:
        return Status.MEMBER_STATE
    if any(a.country == code and a.covers(pillar, on) for a in ASSOCIATIONS):
        return Status.ASSOCIATED
    return Status.THIRD


def associated_somewhere(country: str, on: date) -> bool:
    """Associated for at least one pillar then (e.g. Korea for Pillar II): worth explaining."""
    code = country.strip().upper()
    return any(a.country == code and a.since <= on for a in ASSOCIATIONS)


#: HORIZON-CL4-2025-03-DIGITAL-EMERGING-02, ERC-2025-STG, HORIZON-MSCA-2025-DN-01-01 …
TOPIC_ID = re.compile(r"(HORIZON|ERC)(-[A-Z0-9]{1,24}){2,8}")
TOPIC_ID_MAX = 64
#: The part of a topic id after HORIZON- that names the pillar.
_PILLAR_OF_PART: dict[str, Pillar] = {
    **{f"CL{n}": Pillar.II for n in range(1, 7)},
    "ERC": Pillar.I,
    "MSCA": Pillar.I,
    "INFRA": Pillar.I,
    "EIC": Pillar.III,
    "EIE": Pillar.III,
    "WIDERA": Pillar.WIDERA,
}


def normalise_topic_id(text: str) -> str:
    """How a typed topic id is stored: upper case, no spaces around."""
    return text.strip().upper()


def topic_id_problem(text: str) -> str | None:
    """Why this is not a call topic identifier (None when it has the form of one)."""
    value = normalise_topic_id(text)
    if len(value) > TOPIC_ID_MAX or not TOPIC_ID.fullmatch(value):
        return "format"
    return None


def pillar_of(topic_id: str) -> Pillar | None:
    """The pillar a topic belongs to, read from its identifier (None when it does not say)."""
    parts = normalise_topic_id(topic_id).split("-")
    if parts[0] == "ERC":
        return Pillar.I
    if len(parts) > 1:
        return _PILLAR_OF_PART.get(parts[1])
    return None


def default_pillar(action: ActionType) -> Pillar:
    """The pillar a type of action belongs to when the topic does not say."""
    if action in (ActionType.ERC, ActionType.MSCA_DN, ActionType.MSCA_SE):
        return Pillar.I
    if action is ActionType.EIC_PATHFINDER:
        return Pillar.III
    return Pillar.II

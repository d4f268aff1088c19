"""Seeded synthetic cohorts with realistic text lengths, and JSON-lines reading/writing of profiles.

The generator draws each person's topics from one taxonomy area (plus the odd neighbour), so that
there is real structure to find, and pads texts with a generic scientific vocabulary to the lengths
seen in real profiles: expertise 3–6 terms, offers/seeks 20–60 words, bio 40–80 words, 0–3
publications with 80–150-word abstracts. About one person in ten writes the bio in Korean.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from bot.match_rank import read_profiles as bot_read_profiles
from core.matching import Judgement, MatchProfile, Publication
from core.reference.taxonomy import Term, all_terms

GENERIC_WORDS = """
    analysis approach architecture array bandwidth benchmark calibration cavity characterisation
    circuit coherence coupling crosstalk cryogenic decoherence demonstration density design
    detection device dynamics efficiency electronics emission energy environment error experiment
    fabrication feedback fidelity field frequency gate geometry hamiltonian hardware implementation
    integration interface isolation laser latency layout loss material measurement mechanism
    microwave mode model modulation noise operation optics optimisation oscillator output parameter
    performance phase
    photon platform polarisation power precision prototype protocol pulse readout regime resonator
    robustness sample scalability scheme sensitivity signal simulation source spectrum stability
    state structure substrate system technique temperature theory threshold timing tomography
    transmission transition tuning uncertainty variation wavelength yield
""".split()  # noqa: SIM905 - a word list reads better as text

FILLER = """
    the of and in for with on to by from we our a an that this which using based novel new
    high low robust scalable efficient experimental theoretical practical compact stable
""".split()  # noqa: SIM905

COUNTRIES = ("KR",) * 8 + ("DE", "FR", "NL", "IT", "ES", "AT", "FI", "BE", "PL", "SE", "DK", "IE")
COUNTRIES += ("CH", "GB", "US", "JP")

ORG_STEMS = (
    "Institute of Quantum Science",
    "University of Technology",
    "National Laboratory",
    "Research Centre",
    "Advanced Institute",
    "Photonics Lab",
    "Quantum Computing Startup",
    "Metrology Institute",
)

OFFER_OPENERS = ("We offer", "Our group provides", "Access to", "We can share", "Expertise in")
SEEK_OPENERS = ("We seek", "Looking for partners in", "We need", "Interested in", "We want")


def _sentence(rng: random.Random, words: int, topics: list[str]) -> str:
    """A pseudo-sentence of about `words` words mixing topics, generic words and filler."""
    out: list[str] = []
    while len(out) < words:
        pick = rng.random()
        if pick < 0.06 and topics:
            out.extend(rng.choice(topics).split())
        elif pick < 0.6:
            out.append(rng.choice(GENERIC_WORDS))
        else:
            out.append(rng.choice(FILLER))
    text = " ".join(out[:words])
    return text[0].upper() + text[1:] + "."


def _text(rng: random.Random, low: int, high: int, topics: list[str], opener: str = "") -> str:
    """A few sentences totalling between low and high words."""
    total = rng.randint(low, high)
    parts: list[str] = []
    done = 0
    if opener:
        parts.append(opener)
        done += len(opener.split())
    while done < total:
        n = min(total - done, rng.randint(8, 20))
        parts.append(_sentence(rng, n, topics))
        done += n
    return " ".join(parts)


def _forms(term: Term) -> list[str]:
    """English surface forms of a term."""
    return [term.label_en, *(s for s in term.synonyms if s.isascii())]


def generate(n: int, seed: int = 0) -> list[MatchProfile]:
    """N synthetic profiles, identical for the same (n, seed)."""
    rng = random.Random(seed)
    terms = list(all_terms())
    by_area: dict[str, list[Term]] = {}
    for term in terms:
        by_area.setdefault(term.area, []).append(term)
    areas = sorted(by_area)
    orgs = [f"{rng.choice(ORG_STEMS)} {i}" for i in range(max(10, n // 8))]
    profiles: list[MatchProfile] = []
    for i in range(n):
        area = rng.choice(areas)
        own = rng.sample(by_area[area], k=min(len(by_area[area]), rng.randint(3, 6)))
        if rng.random() < 0.3:
            own[-1] = rng.choice(terms)
        wanted = rng.sample(terms, k=2)
        own_forms = [rng.choice(_forms(t)) for t in own]
        want_forms = [rng.choice(_forms(t)) for t in wanted]
        country = rng.choice(COUNTRIES)
        korean = country == "KR" and rng.random() < 0.25
        if korean:
            bio = (
                " ".join(f"{t.label_ko} 연구를 수행하고 있습니다." for t in own)
                + " "
                + _text(rng, 30, 60, own_forms)
            )
        else:
            bio = _text(rng, 40, 80, own_forms)
        publications = tuple(
            Publication(
                title=_sentence(rng, rng.randint(8, 14), own_forms).rstrip("."),
                abstract=_text(rng, 80, 150, own_forms),
            )
            for _ in range(rng.randint(0, 3))
        )
        profiles.append(
            MatchProfile(
                id=f"u{i:06d}",
                name=f"Researcher {i}",
                organisation=rng.choice(orgs),
                country=country,
                expertise=tuple(own_forms),
                offers=_text(rng, 20, 60, own_forms, rng.choice(OFFER_OPENERS)),
                seeks=_text(rng, 20, 60, want_forms, rng.choice(SEEK_OPENERS)),
                bio=bio,
                publications=publications,
                hidden=rng.random() < 0.02,
            )
        )
    return profiles


def profile_to_json(profile: MatchProfile) -> dict[str, Any]:
    """The JSON-lines shape used by `forumbot match rank` and tests/data/matching."""
    return {
        "id": profile.id,
        "name": profile.name,
        "organisation": profile.organisation,
        "country": profile.country,
        "expertise": list(profile.expertise),
        "offers": profile.offers,
        "seeks": profile.seeks,
        "bio": profile.bio,
        "publications": [{"title": p.title, "abstract": p.abstract} for p in profile.publications],
    }


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    """Parsed JSON objects of a JSON-lines file, skipping blank lines."""
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def read_labels(path: Path) -> list[Judgement]:
    """All judgements of a labels JSON-lines file."""
    return [
        Judgement(str(d["a"]), str(d["b"]), str(d["label"]), str(d.get("why") or ""))
        for d in _lines(path)
    ]


read_profiles = bot_read_profiles  # one reader for the CLI, the tests and the benchmarks


def write_profiles(path: Path, profiles: Iterable[MatchProfile]) -> None:
    """Write profiles as JSON lines."""
    with path.open("w", encoding="utf-8") as handle:
        for profile in profiles:
            handle.write(json.dumps(profile_to_json(profile), ensure_ascii=False) + "\n")


def write_jsonl(path: str | Path, n: int, seed: int = 0) -> None:
    """Write a synthetic cohort of n profiles as JSON lines (for `forumbot match rank`)."""
    write_profiles(Path(path), generate(n, seed))

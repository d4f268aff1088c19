"""`forumbot match rank`: organisers preview suggestions for a profiles file before the event."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from core.matching import MatchIndex, MatchPreferences, MatchProfile, Publication, Suggestion


class ProfileFileError(ValueError):
    """A line of the profiles file that is not a usable profile (with its line number)."""


def _text(value: Any, where: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ProfileFileError(f"{where}: expected a string")
    return value


def parse_profile(data: Any, line: int) -> MatchProfile:
    """One JSON object → MatchProfile; every field but `id` is optional."""
    if not isinstance(data, dict):
        raise ProfileFileError(f"line {line}: expected a JSON object")
    if "id" not in data or data["id"] in (None, ""):
        raise ProfileFileError(f"line {line}: 'id' is missing")
    expertise = data.get("expertise") or []
    if isinstance(expertise, str):
        expertise = [x.strip() for x in expertise.split(",") if x.strip()]
    if not isinstance(expertise, list):
        raise ProfileFileError(f"line {line}: 'expertise' must be a list of strings")
    pubs = []
    for i, pub in enumerate(data.get("publications") or []):
        if not isinstance(pub, dict):
            raise ProfileFileError(f"line {line}: publications[{i}] must be an object")
        pubs.append(
            Publication(
                _text(pub.get("title"), f"line {line}: publications[{i}].title"),
                _text(pub.get("abstract"), f"line {line}: publications[{i}].abstract"),
            )
        )
    return MatchProfile(
        id=str(data["id"]),
        name=_text(data.get("name"), f"line {line}: name"),
        organisation=_text(data.get("organisation"), f"line {line}: organisation"),
        country=_text(data.get("country"), f"line {line}: country"),
        expertise=tuple(str(x) for x in expertise),
        offers=_text(data.get("offers"), f"line {line}: offers"),
        seeks=_text(data.get("seeks"), f"line {line}: seeks"),
        bio=_text(data.get("bio"), f"line {line}: bio"),
        publications=tuple(pubs),
        hidden=bool(data.get("hidden", False)),
    )


def read_profiles(path: Path) -> list[MatchProfile]:
    """All profiles of a JSON-lines file; blank lines are skipped, ids must be unique."""
    out: list[MatchProfile] = []
    ids: set[str] = set()
    with path.open(encoding="utf-8-sig") as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ProfileFileError(f"line {line_no}: not valid JSON ({exc.msg})") from None
            profile = parse_profile(data, line_no)
            if profile.id in ids:
                raise ProfileFileError(f"line {line_no}: duplicate id {profile.id!r}")
            ids.add(profile.id)
            out.append(profile)
    return out


def _reason_json(suggestion: Suggestion) -> list[dict[str, Any]]:
    return [
        {
            k: v
            for k, v in (
                ("kind", r.kind),
                ("topics", list(r.topics)),
                ("mine", r.mine),
                ("theirs", r.theirs),
            )
            if v
        }
        for r in suggestion.reasons
    ]


def rank(
    profiles: list[MatchProfile], top: int, preferences: MatchPreferences
) -> Iterator[dict[str, Any]]:
    """Per profile, its suggestions best first (`top` 0 = every eligible other profile, scored;
    the organiser's exclusions such as same organisation and hidden profiles still apply)."""
    index = MatchIndex(preferences)
    index.build(profiles)
    k = len(profiles) if top <= 0 else top
    for profile in profiles:
        found = index.suggest(profile.id, k=k)
        yield {
            "id": profile.id,
            "suggestions": [
                {"id": s.id, "score": round(s.score, 6), "reasons": _reason_json(s)} for s in found
            ],
        }


def write_rankings(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write JSON lines; returns how many were written."""
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count

"""ORCID iDs and public records: the iD checked (ISO 7064 MOD 11-2) before anything is asked of
ORCID, and a record turned into what the person may take into their profile."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from core.people.profile import MAX_PUBLICATIONS, Publication, clean_text
from core.reference.countries import country_by_code
from core.reference.errors import DomainError, InvalidAnswer
from core.reference.taxonomy import Keyword, normalise_keywords

#: The iD as typed: bare, or in an orcid.org URL; hyphens or spaces optional.
_TYPED = re.compile(
    r"^(?:https?://)?(?:www\.)?(?:sandbox\.)?(?:orcid\.org/)?"
    r"(\d{4})[- ]?(\d{4})[- ]?(\d{4})[- ]?(\d{3}[\dXx])/?$"
)
#: What a proposal may fill, in the order the person is asked.
PROPOSAL_FIELDS = ("full_name", "employment", "expertise", "publications")


class OrcidUnavailable(DomainError):
    """ORCID could not give the record: reason "not_found", "unreachable" or "malformed"."""

    code = "orcid_unavailable"


class OrcidRecords(Protocol):
    """Reads a public ORCID record (the composition root gives the HTTP one)."""

    async def record(self, orcid: str) -> object:
        """The record's JSON; raises OrcidUnavailable."""
        ...


def check_digit(base: str) -> str:
    """ISO 7064 MOD 11-2 over the first fifteen digits: "0"-"9" or "X"."""
    total = 0
    for digit in base:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def parse_orcid(text: str) -> str:
    """The iD as 0000-0000-0000-0000, or InvalidAnswer ("orcid_format" when it does not look
    like one, "orcid_check" when its last digit does not match the others)."""
    found = _TYPED.match(text.strip())
    if found is None:
        raise InvalidAnswer(reason="orcid_format", field="orcid")
    digits = "".join(found.groups()).upper()
    if check_digit(digits[:15]) != digits[15]:
        raise InvalidAnswer(reason="orcid_check", field="orcid")
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


@dataclass(frozen=True, slots=True)
class OrcidProposal:
    """What a public record offers the profile; every part is confirmed one by one."""

    orcid: str
    full_name: str | None = None
    organisation: str | None = None
    country: str | None = None
    expertise: list[Keyword] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)

    def offered(self) -> list[str]:
        """The parts this record has, in asking order."""
        has = {
            "full_name": bool(self.full_name),
            "employment": bool(self.organisation),
            "expertise": bool(self.expertise),
            "publications": bool(self.publications),
        }
        return [name for name in PROPOSAL_FIELDS if has[name]]


def _value(node: object, *path: str) -> Any:
    """node[path...] through ORCID's nesting ({"value": ...} leaves), None when absent."""
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return node


def _text(node: object, *path: str) -> str:
    value = _value(node, *path)
    if isinstance(value, Mapping):
        value = value.get("value")
    return clean_text(str(value)) if isinstance(value, str | int) else ""


def _date_key(summary: object, which: str) -> tuple[int, int, int]:
    """A fuzzy date ({year, month, day}) as a sortable tuple."""
    return tuple(  # type: ignore[return-value]
        int(_text(summary, which, part) or 0) for part in ("year", "month", "day")
    )


def _employment(activities: object) -> tuple[str | None, str | None]:
    """Organisation and country of the current employment (no end date; latest start)."""
    groups = _value(activities, "employments", "affiliation-group")
    current = []
    for group in groups if isinstance(groups, list) else []:
        for item in _value(group, "summaries") or []:
            summary = _value(item, "employment-summary")
            if isinstance(summary, Mapping) and summary.get("end-date") is None:
                current.append(summary)
    if not current:
        return None, None
    latest = max(current, key=lambda s: _date_key(s, "start-date"))
    name = _text(latest, "organization", "name")[:200] or None
    code = _text(latest, "organization", "address", "country").upper()
    return name, code if country_by_code(code) else None


def _works(activities: object) -> list[Publication]:
    """Up to ten works (one per group, ORCID's preferred version first): title, and the short
    description as abstract when the record has one."""
    groups = _value(activities, "works", "group")
    works: list[Publication] = []
    for group in groups if isinstance(groups, list) else []:
        summaries = _value(group, "work-summary")
        if not isinstance(summaries, list) or not summaries:
            continue
        title = " ".join(_text(summaries[0], "title", "title").split())[:300]
        if title:
            abstract = " ".join(_text(summaries[0], "short-description").split())
            works.append(Publication(title, abstract))
        if len(works) >= MAX_PUBLICATIONS:
            break
    return works


def proposal_from_record(orcid: str, record: object) -> OrcidProposal:
    """The name, current employment, keywords (through the taxonomy) and works of a record;
    OrcidUnavailable("malformed") when it is not an ORCID record."""
    if not isinstance(record, Mapping) or not (
        isinstance(record.get("person"), Mapping)
        or isinstance(record.get("activities-summary"), Mapping)
    ):
        raise OrcidUnavailable(reason="malformed")
    person = record.get("person")
    name = _text(person, "name", "credit-name") or " ".join(
        p for p in (_text(person, "name", "given-names"), _text(person, "name", "family-name")) if p
    )
    keywords = _value(person, "keywords", "keyword")
    typed = (
        ", ".join(_text(k, "content") for k in keywords if isinstance(k, Mapping))
        if isinstance(keywords, list)
        else ""
    )
    activities = record.get("activities-summary")
    organisation, country = _employment(activities)
    return OrcidProposal(
        orcid=orcid,
        full_name=" ".join(name.split())[:100] or None,
        organisation=organisation,
        country=country,
        expertise=normalise_keywords(typed) if typed else [],
        publications=_works(activities),
    )

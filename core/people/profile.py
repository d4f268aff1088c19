"""The attendee profile: its fields, their rules, and the order in which we ask for them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum

from core.reference.countries import resolve_country
from core.reference.errors import InvalidAnswer
from core.reference.taxonomy import Keyword, normalise_keywords


class Kind(StrEnum):
    """How an answer is typed and checked."""

    TEXT = "text"
    COUNTRY = "country"
    CHOICE = "choice"
    KEYWORDS = "keywords"
    PUBLICATIONS = "publications"


@dataclass(frozen=True, slots=True)
class Publication:
    """A paper the person pasted or the organisers imported; its text feeds the matching."""

    title: str
    abstract: str = ""


#: Who may see a profile: everyone, only meeting partners, or nobody through suggestions.
VISIBILITIES = ("all", "meetings", "hidden")
MAX_PUBLICATIONS = 10


SECTORS = ("academia", "industry", "public", "other")
CAREER_STAGES = ("student", "early", "established", "leading", "other")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One profile question: its kind, whether it may be skipped, and its length limit."""

    name: str
    kind: Kind
    required: bool = True
    max_length: int = 200
    choices: tuple[str, ...] = ()
    #: False for fields offered only through /profile editing (long, optional extras).
    onboarding: bool = True


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("full_name", Kind.TEXT, max_length=100),
    FieldSpec("organisation", Kind.TEXT, max_length=200),
    FieldSpec("country", Kind.COUNTRY),
    FieldSpec("sector", Kind.CHOICE, choices=SECTORS),
    FieldSpec("career_stage", Kind.CHOICE, choices=CAREER_STAGES),
    FieldSpec("expertise", Kind.KEYWORDS, max_length=1000),
    FieldSpec("offers", Kind.TEXT, max_length=1000),
    FieldSpec("seeks", Kind.TEXT, max_length=1000),
    FieldSpec("he_interests", Kind.TEXT, required=False, max_length=500),
    FieldSpec("bio", Kind.TEXT, required=False, max_length=500),
    FieldSpec("publications", Kind.PUBLICATIONS, required=False, max_length=4000, onboarding=False),
)
FIELD_NAMES = tuple(f.name for f in FIELDS)
ONBOARDING_FIELDS = tuple(f.name for f in FIELDS if f.onboarding)
_BY_NAME = {f.name: f for f in FIELDS}


def spec(name: str) -> FieldSpec:
    """The spec of a field; raises InvalidAnswer for a name that is not a profile field."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise InvalidAnswer(reason="unknown_field", field=name) from None


@dataclass(slots=True)
class Profile:
    """What an attendee tells others about themselves; every field may still be unanswered."""

    telegram_id: int
    full_name: str | None = None
    organisation: str | None = None
    country: str | None = None
    sector: str | None = None
    career_stage: str | None = None
    expertise: list[Keyword] = field(default_factory=list)
    offers: str | None = None
    seeks: str | None = None
    he_interests: str | None = None
    bio: str | None = None
    publications: list[Publication] = field(default_factory=list)
    #: Optional fields the person chose to skip, so onboarding does not ask them again.
    skipped: list[str] = field(default_factory=list)
    visibility: str = "all"
    #: Fields the person keeps to themselves (never shown on cards to others).
    hidden_fields: list[str] = field(default_factory=list)
    #: ORCID iD as the person gave it (check digit verified; ownership not verified).
    orcid: str | None = None

    def is_answered(self, name: str) -> bool:
        """A field counts as answered when it has a value or was explicitly skipped."""
        value = getattr(self, name)
        return bool(value) or name in self.skipped

    def next_unanswered(self) -> str | None:
        """The first question onboarding still has to ask, or None when it is done."""
        for f in FIELDS:
            if f.onboarding and not self.is_answered(f.name):
                return f.name
        return None

    def is_complete(self) -> bool:
        """All required fields have values."""
        return all(getattr(self, f.name) for f in FIELDS if f.required)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """NFC-normalise, drop control characters and trim, keeping line breaks the person typed."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def parse_publications(text: str) -> list[Publication]:
    """Blocks separated by blank lines; each block's first line is the title, the rest abstract."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    if len(blocks) > MAX_PUBLICATIONS:
        raise InvalidAnswer(reason="too_many", field="publications", limit=MAX_PUBLICATIONS)
    out = []
    for block in blocks:
        title, _, abstract = block.partition("\n")
        out.append(Publication(" ".join(title.split())[:300], " ".join(abstract.split())))
    return out


def parse_answer(name: str, raw: str) -> str | list[Keyword] | list[Publication]:
    """Validate and normalise one typed answer; raises InvalidAnswer with a reason code."""
    fs = spec(name)
    text = clean_text(raw)
    if not text:
        raise InvalidAnswer(reason="empty", field=name)
    if len(text) > fs.max_length:
        raise InvalidAnswer(reason="too_long", field=name, limit=fs.max_length, length=len(text))
    if fs.kind is Kind.TEXT:
        if name == "full_name":
            text = " ".join(text.split())
        return text
    if fs.kind is Kind.COUNTRY:
        country = resolve_country(text)
        if country is None:
            raise InvalidAnswer(reason="unknown_country", field=name)
        return country.code
    if fs.kind is Kind.CHOICE:
        if text not in fs.choices:
            raise InvalidAnswer(reason="bad_choice", field=name)
        return text
    if fs.kind is Kind.PUBLICATIONS:
        return parse_publications(text)
    keywords = normalise_keywords(text)
    if not keywords:
        raise InvalidAnswer(reason="empty", field=name)
    return keywords

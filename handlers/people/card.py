"""The profile card as others and its owner read it: field values in the reader's language."""

from __future__ import annotations

from core.people.profile import Profile
from core.reference.countries import country_by_code
from core.reference.taxonomy import Keyword, term_by_id
from handlers.common import clip
from handlers.i18n import Safe, Translator


def country_name(t: Translator, code: str | None) -> str:
    """A country code as the reader's language names it."""
    country = country_by_code(code) if code else None
    if country is None:
        return code or ""
    return country.name_ko if t.language == "ko" else country.name_en


def keyword_labels(t: Translator, keywords: list[Keyword]) -> str:
    """Expertise keywords, taxonomy terms in the reader's language, free tags as typed."""
    labels = []
    for k in keywords:
        term = term_by_id(k.term_id) if k.term_id else None
        labels.append((term.label_ko if t.language == "ko" else term.label_en) if term else k.label)
    return ", ".join(labels)


def field_value(t: Translator, profile: Profile, name: str) -> str:
    """One field as plain (unescaped) text for display; empty string when unanswered."""
    value = getattr(profile, name)
    if not value:
        return ""
    if name == "country":
        return country_name(t, value)
    if name == "sector":
        return t(f"sector.{value}")
    if name == "career_stage":
        return t(f"career.{value}")
    if name == "expertise":
        return keyword_labels(t, value)
    if name == "publications":
        return "; ".join(p.title for p in value)
    return str(value)


def render_card(t: Translator, profile: Profile) -> Safe:
    """The profile card; long texts are clipped so the card always fits one message."""
    dash = t("profile.missing")

    def val(name: str, limit: int) -> str:
        return clip(field_value(t, profile, name), limit) or dash

    card = t(
        "profile.card",
        name=val("full_name", 100),
        organisation=val("organisation", 200),
        country=val("country", 60),
        sector=val("sector", 60),
        career=val("career_stage", 60),
        expertise_label=t("field.expertise"),
        expertise=val("expertise", 800),
        offers_label=t("field.offers"),
        offers=val("offers", 700),
        seeks_label=t("field.seeks"),
        seeks=val("seeks", 700),
        he_label=t("field.he_interests"),
        he=val("he_interests", 400),
        bio_label=t("field.bio"),
        bio=val("bio", 500),
        pubs_label=t("field.publications"),
        pubs=val("publications", 300),
    )
    if profile.orcid:  # given by the person, so the card says it is not verified
        return Safe(f"{card}\n{t('orcid.line', orcid=profile.orcid)}")
    return card

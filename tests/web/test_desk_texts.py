"""Every text the desk's templates ask for exists in English and Korean."""

from __future__ import annotations

import re
from pathlib import Path

from core.feedback.exports import KINDS
from core.meetings.model import RequestStatus
from handlers.i18n import catalogue

TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"

#: Keys the templates build from a value: every value they can get must have its text.
FAMILIES = {
    "desk.web.state.": ["booked", "held", "no_show", "cancelled", "waitlisted"],
    "desk.web.refused.": [
        "no_session",
        "unknown",
        "expired",
        "used",
        "not_organiser",
        "csrf",
        "too_many",
    ],
    "desk.web.request.": [str(s) for s in RequestStatus],
    "desk.web.problem.": ["past", "closed", "not_started", "other"],
    "desk.web.table.": ["consultations", "waitlists", "broadcasts"],
    "desk.web.kind.": ["meeting", "consultation", "session"],
    "desk.web.meeting.done_": ["no_show", "cancelled"],
    "desk.web.field.": [
        "full_name",
        "organisation",
        "country",
        "sector",
        "career_stage",
        "expertise",
        "offers",
        "seeks",
        "he_interests",
        "bio",
    ],
}


def test_every_template_text_exists_in_both_languages():
    literal: set[str] = set()
    families: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        literal |= set(re.findall(r"""\bt(?:\.plural|\.block)?\('([a-z_.]+)'""", text))
        families |= set(re.findall(r"""\bt\('([a-z_.]+)' ~""", text))
    literal -= families
    assert len(literal) > 40
    assert families <= set(FAMILIES), families - set(FAMILIES)
    wanted = literal | {prefix + value for prefix, values in FAMILIES.items() for value in values}
    for language in ("en", "ko"):
        missing = sorted(k for k in wanted if k not in catalogue(language))
        assert missing == [], (language, missing)
    assert set(KINDS) >= set(FAMILIES["desk.web.table."])

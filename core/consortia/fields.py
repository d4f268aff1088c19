"""The fields people type for a consortium, each checked once (the chat re-asks on a refusal)."""

from __future__ import annotations

import re

from core.consortia.cards import ConsortiumError
from core.consortia.programme import normalise_topic_id, topic_id_problem
from core.people.profile import clean_text

TITLE_RANGE = (3, 200)
DESCRIPTION_MAX = 1000
PIC = re.compile(r"[0-9]{9}")


def one_line(text: str) -> str:
    """Typed text as one clean line: no control characters (PostgreSQL refuses NUL), single
    spaces."""
    return " ".join(clean_text(text).split())


def check_title(text: str) -> str:
    """A working title people recognise."""
    title = one_line(text)
    if not TITLE_RANGE[0] <= len(title) <= TITLE_RANGE[1]:
        raise ConsortiumError(reason="title")
    return title


def check_topic(text: str) -> str:
    """A call topic identifier in the portal's form."""
    if topic_id_problem(text):
        raise ConsortiumError(reason="topic")
    return normalise_topic_id(text)


def check_description(text: str) -> str:
    """A short description of the idea."""
    description = clean_text(text)
    if not description or len(description) > DESCRIPTION_MAX:
        raise ConsortiumError(reason="description")
    return description

"""Hostile inputs for the fuzz suite: texts people can type and callback data they can forge,
and the Hypothesis settings of a test that drives one running bot across its examples.

Telegram delivers valid UTF-8 only, so a lone surrogate can never reach the bot: the text
strategies draw every Unicode category except surrogates (Hypothesis' default alphabet).

`FUZZ_EXAMPLES=n` runs n random examples per fuzz test instead of the default few (the fixed
corpus of hostile inputs always runs); `FUZZ_SEED=n` draws other examples than the default
deterministic ones (without it every run draws the same, so a failure reproduces).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, seed, settings
from hypothesis import strategies as st

from core.feedback.exports import KINDS
from core.outreach.model import AUDIENCES
from core.people.profile import CAREER_STAGES, FIELD_NAMES, SECTORS, VISIBILITIES
from fake_bot_api import utf16_len
from handlers.routes import MAX_BYTES, SEPARATOR, Id, Route, Text

DEFAULT_EXAMPLES = 6


def examples(default: int = DEFAULT_EXAMPLES) -> int:
    """Random examples per fuzz test: FUZZ_EXAMPLES when set, else a default that keeps the
    suite within its minute on two cores."""
    raw = os.environ.get("FUZZ_EXAMPLES")
    return max(1, int(raw)) if raw else default


def fuzz(default: int = DEFAULT_EXAMPLES) -> Callable[[Any], Any]:
    """Put above @given: Hypothesis settings for a test that drives one running bot across
    its examples (deterministic unless FUZZ_SEED is set)."""
    chosen = os.environ.get("FUZZ_SEED")
    configured = settings(
        max_examples=examples(default),
        deadline=None,
        derandomize=chosen is None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )

    def decorate(test: Any) -> Any:
        test = configured(test)
        return seed(int(chosen))(test) if chosen is not None else test

    return decorate


#: A user's message is at most 4096 UTF-16 units (longer ones arrive split); the bot must
#: still cope with more, so the long inputs go past it.
LONG = 5000
MESSAGE_LIMIT = 4096
#: A caption a user can type: 1024 UTF-16 units (4096 with Telegram Premium).
CAPTION_LIMIT = 1024
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

#: Inputs every prompt gets on every run (Hypothesis' explicit examples), then random ones.
CORPUS: tuple[str, ...] = (
    " ",
    "\n\n\t",
    "\x00",
    "https://orcid.org/0000-0002-1825-0097",  # a well-formed ORCID iD (ORCID's own example)
    "Kim\x00Lee",
    "\u202eevil.exe\u202c and \u200fשלום\u200f",
    "👩\u200d🔬 Dr. Q \u200d\u200c\ufeff",
    "e\u0301\u0301\u0301 \u0e01\u0e34\u0e4a\u0e4a\u0e4a",
    "<b>bold</b> & <i>it</i> <a href='javascript:x'>l</a> <tg-spoiler>s</tg-spoiler>",
    "</pre></code><script>alert(1)</script>&amp;&lt;&#0;&#x110000;&bogus;",
    "*b* _i_ __u__ `c` ```pre``` [l](http://x) ||s|| ~st~ >q \\ # + - = | { } . !",
    '=HYPERLINK("http://evil.example","click")',
    "+SUM(A1:A2)",
    "-2+3",
    "@cmd",
    "\t=1+1",
    "{name} {0} %s %(x)s $x ${x}",
    "'; DROP TABLE people; --",
    "x" * LONG,
    "<" * 4096,
    "👩\u200d🔬" * 1300,
    "가" * 4097,
    "a\n" * 2600,
)

#: Short pieces random inputs are stitched from.
FRAGMENTS: tuple[str, ...] = (
    "<",
    ">",
    "&",
    "&amp;",
    "<b>",
    "</i>",
    '"',
    "'",
    "*",
    "_",
    "`",
    "[",
    "](",
    "||",
    "\\",
    "\x00",
    "\n",
    "\r",
    "\t",
    "\u200d",
    "\u200f",
    "\u202e",
    "\ufeff",
    "\u0301",
    "👩\u200d🔬",
    "🇰🇷",
    "김",
    "/",
    "/start",
    ":",
    "{",
    "}",
    "%s",
    "=",
    "+",
    "-",
    "@",
)


def hostile_text() -> st.SearchStrategy[str]:
    """Random text from every Unicode category, markup, formula prefixes, and long runs."""
    stitched = st.lists(
        st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=12
    ).map("".join)
    formula = st.builds(
        lambda prefix, rest: prefix + rest, st.sampled_from(FORMULA_PREFIXES), st.text(max_size=30)
    )
    long = st.builds(
        lambda piece, count: piece * count,
        st.sampled_from(["x", "<&", "👩\u200d🔬", "가", "\u200f", "ab "]),
        st.integers(min_value=1000, max_value=LONG + 500),
    )
    return st.one_of(st.text(max_size=60), stitched, formula, long)


def deliverable(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """What Telegram delivers of a typed text: trimmed (blank is not sent at all) and at most
    `limit` UTF-16 units. Only where the bot sends the text back as it came (a broadcast) does
    an undeliverable input make an impossible case; everywhere else the raw text goes in."""
    text = text.strip()
    while utf16_len(text) > limit:
        text = text[: len(text) - max(1, (utf16_len(text) - limit) // 2)]
    return text.strip()


# ---------------------------------------------------------------- callback data


OTHER_KEYS: tuple[str, ...] = ("en", "ko", "xx", "event", "Asia/Seoul", "Mars/Olympus", "KR")
OTHER_KEYS += ("NL", "EU", "all", "-", "today", "i", "c", "n", "z", "submitted", "planned", "1")
#: Half the presses go as drawn, the others mangled one way or another.
MUTATIONS = ("none",) * 4 + ("extra part", "truncated", "exactly 64 bytes", "over 64 bytes")


class Pools:
    """Argument values a forger would try: the world's ids and keys, edge numbers, and the
    names the product uses (fixed for a world, so Hypothesis draws the same way every time)."""

    def __init__(self, ids: Iterable[int], keys: Iterable[str]) -> None:
        edge = (0, 1, 2, -1, 99, 10**6, 2**31 - 1, 2**31, 2**63 - 1, 2**63, -(2**63), 10**19)
        self.ints = tuple(sorted({*ids, *edge}))
        named = (*FIELD_NAMES, *SECTORS, *CAREER_STAGES, *VISIBILITIES, *KINDS, *AUDIENCES)
        self.keys = tuple(dict.fromkeys((*keys, *named, *OTHER_KEYS)))


@dataclass(frozen=True)
class Forgery:
    """How to make one press's data: replay a button the bot sent (the index picks one of the
    route's, other people's included) or use shaped values, then maybe mangle it."""

    replay: int | None
    shaped: str
    mutation: str
    cut: int

    def data(self, seen: Sequence[str]) -> str:
        """The data, given the route's buttons the bot has sent so far."""
        data = seen[self.replay % len(seen)] if self.replay is not None and seen else self.shaped
        room = MAX_BYTES - len(data.encode())
        if self.mutation == "extra part":
            return data + SEPARATOR + "1"
        if self.mutation == "truncated":
            return data[: self.cut % max(1, len(data))]
        if self.mutation == "exactly 64 bytes" and room > 0:
            return data + "9" * room
        if self.mutation == "over 64 bytes":
            return data + "9" * (max(0, room) + 1)
        return data


def _arg(kind: object, pools: Pools) -> st.SearchStrategy[str]:
    if isinstance(kind, Text):
        return st.one_of(
            st.sampled_from(pools.keys),
            st.text(max_size=kind.max_length + 4).filter(lambda s: SEPARATOR not in s),
            st.just("é" * kind.max_length),
        )
    digits = kind.digits if isinstance(kind, Id) else 19
    return st.one_of(
        st.sampled_from(pools.ints).map(str),
        st.integers(min_value=-(10**digits), max_value=10**digits).map(str),
        st.sampled_from(["", "x", "1.5", "0x1", " 1", "٣", "1e3"]),
    )


def forgery(route: Route, pools: Pools) -> st.SearchStrategy[Forgery]:
    """A plan for one press on `route`: replayed or shaped data, maybe mangled."""
    shaped = st.tuples(*(_arg(kind, pools) for kind in route.args)).map(
        lambda values: SEPARATOR.join((route.head, *values))
    )
    return st.builds(
        Forgery,
        st.one_of(st.none(), st.integers(min_value=0, max_value=999)),
        shaped,
        st.sampled_from(MUTATIONS),
        st.integers(min_value=0, max_value=MAX_BYTES),
    )


def seen_on(route: Route, seen: Iterable[str]) -> list[str]:
    """Data of this route's buttons among those the bot has sent (to anyone)."""
    return [d for d in seen if route.parse(d) is not None]

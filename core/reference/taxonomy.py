"""Quantum-technology taxonomy, so free-text expertise keywords fold onto shared bilingual terms."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

from rapidfuzz import fuzz, process

AREAS: frozenset[str] = frozenset(
    {"computing", "communication", "sensing", "foundations", "enabling"}
)

_MAX_TEXT_CHARS = 10_000
_MAX_PHRASE_CHARS = 200
_MAX_TAG_CHARS = 60
_SHORT_CHARS = 4
_FUZZY_CUTOFF = 91.0
_MIN_PREFIX_CHARS = 3
_MIN_PREFIX_COVERAGE = 0.5
_APOSTROPHES = "'\u2018\u2019\u02bc`"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_SPELLINGS = (
    ("isation", "ization"),
    ("centre", "center"),
    ("colour", "color"),
    ("vapour", "vapor"),
    ("fibre", "fiber"),
    ("analogue", "analog"),
    ("travelling", "traveling"),
    ("ise", "ize"),
)
_SPLIT_RE = re.compile(r"[,;\uff0c\uff1b\u3001\u2022]|\s/\s")
_BULLET_RE = re.compile(r"^[-*\u2022\u00b7\u2023\u25e6\u25aa\u2013\u2014]+\s*")
_PAREN_RE = re.compile(r"^(.*?)\s*[(\[]([^()\[\]]*)[)\]]\s*$")
_FORM_SPLIT_RE = re.compile(r"[\s\-]+")
_SEP, _GAP, _END_PLURAL, _END_WORD, _END_HANGUL = "\x00sep", "\x00gap", "\x00s", "\x00w", "\x00h"
_ENDS = frozenset({_END_PLURAL, _END_WORD, _END_HANGUL})
_UNIT_REGEX = {
    _SEP: r"[\s\-]+",
    _GAP: r"[\s\-]*",
    _END_PLURAL: r"s?(?!\w)",
    _END_WORD: r"(?!\w)",
    _END_HANGUL: "(?![^\\W\uac00-\ud7a3\u3131-\u318e])",
}


@dataclass(frozen=True, slots=True)
class Term:
    """One curated concept that many spellings, abbreviations and translations fold onto."""

    id: str
    label_en: str
    label_ko: str
    area: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Keyword:
    """A participant's expertise keyword: a taxonomy term, or a free tag kept as typed."""

    label: str
    term_id: str | None


@dataclass(frozen=True, slots=True)
class _Index:
    """Lookup tables built once from the shipped data so matching stays cheap."""

    terms: tuple[Term, ...]
    by_id: dict[str, Term]
    exact: dict[str, str]
    loose: dict[str, str]
    split_keys: tuple[tuple[tuple[str, ...], str], ...]
    fuzzy_keys: list[str]
    fuzzy_ids: list[str]


def _forms(term: Term) -> tuple[str, ...]:
    """Every surface form a term is known by."""
    return (term.label_en, term.label_ko, *term.synonyms)


def _key(text: str) -> str:
    """Fold case, accents, dashes and punctuation; NFKD also splits Hangul so typos score well."""
    chars: list[str] = []
    for ch in unicodedata.normalize("NFKD", text).casefold():
        if ch in _APOSTROPHES:
            continue
        category = unicodedata.category(ch)
        if category == "Mn":
            continue
        chars.append(" " if category[0] in "PSZC" else ch)
    return " ".join("".join(chars).split())


def _loose(key: str) -> str:
    """Drop spaces, plural -s and British spellings so near-identical variants share a key."""
    words = []
    for raw in key.split():
        word = raw
        for british, american in _SPELLINGS:
            word = word.replace(british, american)
        if len(word) >= 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return "".join(words)


def _claim(table: dict[str, str], key: str, term_id: str) -> None:
    """Register a key, refusing data where one spelling would name two terms."""
    owner = table.setdefault(key, term_id)
    if owner != term_id:
        raise ValueError(f"taxonomy form {key!r} is claimed by {owner} and {term_id}")


@cache
def _index() -> _Index:
    """Load taxonomy.json lazily, once per process."""
    raw = json.loads(
        files("core.reference.data").joinpath("taxonomy.json").read_text(encoding="utf-8")
    )
    terms = tuple(
        Term(
            id=item["id"],
            label_en=item["label_en"],
            label_ko=item["label_ko"],
            area=item["area"],
            synonyms=tuple(item["synonyms"]),
        )
        for item in raw["terms"]
    )
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    for term in terms:
        for form in _forms(term):
            key = _key(form)
            _claim(exact, key, term.id)
            _claim(loose, _loose(key), term.id)
    fuzzy = [key for key in exact if len(key.replace(" ", "")) > _SHORT_CHARS]
    return _Index(
        terms=terms,
        by_id={term.id: term for term in terms},
        exact=exact,
        loose=loose,
        split_keys=tuple((tuple(key.split()), term_id) for key, term_id in exact.items()),
        fuzzy_keys=fuzzy,
        fuzzy_ids=[exact[key] for key in fuzzy],
    )


def all_terms() -> tuple[Term, ...]:
    """Every curated term, in data order."""
    return _index().terms


def term_by_id(term_id: str) -> Term | None:
    """Look up a stored term id."""
    return _index().by_id.get(term_id)


def _abbreviates(words: tuple[str, ...], entry: tuple[str, ...]) -> bool:
    """True when each typed word is the entry's word or a reasonable prefix of it."""
    if len(words) != len(entry):
        return False
    if sum(map(len, words)) < _MIN_PREFIX_COVERAGE * sum(map(len, entry)):
        return False
    return all(
        word == full or (len(word) >= _MIN_PREFIX_CHARS and full.startswith(word))
        for word, full in zip(words, entry, strict=True)
    )


def _prefix_match(key: str, dotted: bool) -> str | None:
    """Expand abbreviations like "quantum key distrib." when they point at exactly one term."""
    words = tuple(key.split())
    if len(words) < 2 and not dotted:
        return None
    found = {term_id for entry, term_id in _index().split_keys if _abbreviates(words, entry)}
    return found.pop() if len(found) == 1 else None


def _fuzzy_match(key: str) -> str | None:
    """Forgive small typos, conservatively, so unrelated phrases stay free tags."""
    index = _index()
    hit = process.extractOne(key, index.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
    return index.fuzzy_ids[hit[2]] if hit is not None else None


def _match_one(text: str) -> Term | None:
    """Match one phrase: exact, then loose, then abbreviation, then fuzzy (never for acronyms)."""
    key = _key(text)
    if not key:
        return None
    index = _index()
    term_id = index.exact.get(key) or index.loose.get(_loose(key))
    if term_id is None and len(key.replace(" ", "")) > _SHORT_CHARS:
        term_id = _prefix_match(key, text.rstrip().endswith(".")) or _fuzzy_match(key)
    return index.by_id[term_id] if term_id is not None else None


def match_term(text: str) -> Term | None:
    """Map one typed phrase onto a taxonomy term, or None when it is not a known concept."""
    text = text[:_MAX_PHRASE_CHARS]
    term = _match_one(text)
    if term is None:
        parts = _PAREN_RE.match(text)  # "Quantum key distribution (QKD)"
        if parts is not None:
            term = _match_one(parts.group(1)) or _match_one(parts.group(2))
    return term


def _phrases(text: str) -> Iterator[str]:
    """Split a typed keyword list on commas, semicolons, newlines, " / " and bullets."""
    for line in text[:_MAX_TEXT_CHARS].splitlines():
        for part in _SPLIT_RE.split(_BULLET_RE.sub("", line.strip())):
            phrase = part.strip()
            if any(ch.isalnum() for ch in phrase):
                yield phrase


def _clean_tag(phrase: str) -> str:
    """Keep a free tag as typed, minus runaway whitespace and length."""
    return " ".join(phrase.split())[:_MAX_TAG_CHARS].strip()


def normalise_keywords(text: str, limit: int = 20) -> list[Keyword]:
    """Turn a typed keyword list into deduplicated keywords, folding known terms to one label."""
    keywords: list[Keyword] = []
    seen: set[str] = set()
    typed: set[str] = set()
    for phrase in _phrases(text):
        if len(keywords) >= limit:
            break
        if phrase.casefold() in typed:
            continue  # repeated phrase: already handled, skip the matching cost
        typed.add(phrase.casefold())
        term = match_term(phrase)
        if term is not None:
            keyword, marker = Keyword(term.label_en, term.id), "term:" + term.id
        else:
            label = _clean_tag(phrase)
            keyword, marker = Keyword(label, None), "tag:" + label.casefold()
        if marker not in seen:
            seen.add(marker)
            keywords.append(keyword)
    return keywords


def _unify(text: str) -> str:
    """Make dashes and apostrophes uniform so documents and forms compare character by character."""
    text = unicodedata.normalize("NFC", text)
    return text.translate({ord(ch): "-" for ch in _DASHES} | {ord(ch): "'" for ch in _APOSTROPHES})


def _is_hangul(ch: str) -> bool:
    """Korean spacing is optional and particles attach directly, so Hangul needs its own rules."""
    return "\uac00" <= ch <= "\ud7a3" or "\u3131" <= ch <= "\u318e"


def _units(form: str) -> list[str]:
    """Spell a form as trie units: lowercase characters, separators and one end marker."""
    tokens = [token for token in _FORM_SPLIT_RE.split(_unify(form).lower()) if token]
    units: list[str] = []
    previous = ""
    for token in tokens:
        for j, ch in enumerate(token):
            if previous and _is_hangul(previous) and _is_hangul(ch):
                units.append(_GAP)
            elif previous and j == 0:
                units.append(_SEP)
            units.append(ch)
            previous = ch
    last = tokens[-1]
    if _is_hangul(last[-1]):
        units.append(_END_HANGUL)
        return units
    if not (last[-1].isascii() and last[-1].isalpha()):
        units.append(_END_WORD)
        return units
    if len(last) >= 4 and last.endswith("s") and not last.endswith("ss"):
        units.pop()  # stored singular; the end marker accepts an optional plural s
    units.append(_END_PLURAL)
    return units


@dataclass(slots=True)
class _Node:
    """Trie node; a node reached through an end marker carries its term id."""

    children: dict[str, _Node] = field(default_factory=dict)
    term_id: str | None = None


def _render(node: _Node, group_ids: list[str]) -> str:
    """Emit the trie as a regex, longer continuations before the end so the longest form wins."""
    alternatives: list[str] = []
    for unit in sorted(node.children, key=lambda unit: unit in _ENDS):
        child = node.children[unit]
        head = _UNIT_REGEX.get(unit) or re.escape(unit)
        if child.term_id is not None:
            group_ids.append(child.term_id)
            alternatives.append(head + "()")
        else:
            alternatives.append(head + _render(child, group_ids))
    if len(alternatives) == 1:
        return alternatives[0]
    return "(?:" + "|".join(alternatives) + ")"


@cache
def _text_pattern() -> tuple[re.Pattern[str], tuple[str, ...]]:
    """One trie-shaped regex over every form, with an empty group per form to recover its term."""
    root = _Node()
    for term in all_terms():
        for form in _forms(term):
            node = root
            for unit in _units(form):
                node = node.children.setdefault(unit, _Node())
            if node.term_id is None:
                node.term_id = term.id
    group_ids: list[str] = []
    pattern = re.compile(_render(root, group_ids))
    return pattern, tuple(group_ids)


def terms_in_text(text: str) -> list[str]:
    """Term ids mentioned anywhere in a longer text, in order of first mention."""
    pattern, group_ids = _text_pattern()
    lowered = _unify(text).lower()
    found: dict[str, None] = {}
    position = 0
    while (match := pattern.search(lowered, position)) is not None:
        start = match.start()
        position = max(match.end(), start + 1)
        if start and (lowered[start - 1].isalnum() or lowered[start - 1] == "_"):
            position = start + 1  # began inside a word; look again from the next character
            continue
        if match.lastindex is not None:
            found.setdefault(group_ids[match.lastindex - 1], None)
    return list(found)

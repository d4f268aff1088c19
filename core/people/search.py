"""Finding people by name across scripts: Hangul or Latin, with the usual romanisation variants
of Korean surnames (이 = Lee = Yi = Rhee)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from rapidfuzz import fuzz

_INITIALS = [
    "g",
    "kk",
    "n",
    "d",
    "tt",
    "r",
    "m",
    "b",
    "pp",
    "s",
    "ss",
    "",
    "j",
    "jj",
    "ch",
    "k",
    "t",
    "p",
    "h",
]
_MEDIALS = [
    "a",
    "ae",
    "ya",
    "yae",
    "eo",
    "e",
    "yeo",
    "ye",
    "o",
    "wa",
    "wae",
    "oe",
    "yo",
    "u",
    "wo",
    "we",
    "wi",
    "yu",
    "eu",
    "ui",
    "i",
]
_FINALS = [
    "",
    "k",
    "k",
    "k",
    "n",
    "n",
    "n",
    "t",
    "l",
    "k",
    "m",
    "l",
    "l",
    "l",
    "p",
    "l",
    "m",
    "p",
    "p",
    "t",
    "t",
    "ng",
    "t",
    "t",
    "k",
    "t",
    "p",
    "t",
]

#: Revised Romanization of a surname → spellings people actually use in passports and papers.
SURNAME_VARIANTS: dict[str, tuple[str, ...]] = {
    "i": ("lee", "yi", "rhee", "ri", "rii"),
    "gim": ("kim",),
    "bak": ("park", "pak"),
    "choe": ("choi", "choe"),
    "jeong": ("jung", "chung", "jeong"),
    "gang": ("kang",),
    "jo": ("cho", "jo"),
    "yun": ("yoon", "yun"),
    "jang": ("jang", "chang"),
    "im": ("lim", "im", "rim"),
    "han": ("han",),
    "o": ("oh", "o"),
    "seo": ("seo", "suh"),
    "sin": ("shin", "sin"),
    "gwon": ("kwon", "gwon"),
    "hwang": ("hwang",),
    "an": ("ahn", "an"),
    "song": ("song",),
    "yu": ("yoo", "yu", "ryu", "you"),
    "ryu": ("ryu", "yoo", "yu"),
    "hong": ("hong",),
    "jeon": ("jeon", "jun", "chun"),
    "go": ("ko", "go", "koh"),
    "mun": ("moon", "mun"),
    "yang": ("yang",),
    "son": ("son", "sohn"),
    "bae": ("bae", "pae"),
    "baek": ("baek", "paik", "baik"),
    "heo": ("heo", "huh", "hur"),
    "nam": ("nam",),
    "sim": ("shim", "sim"),
    "no": ("noh", "roh", "no"),
    "ha": ("ha",),
    "gu": ("koo", "ku", "gu"),
}
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def romanize(text: str) -> str:
    """Hangul syllables in Revised Romanization (simplified: no sound-change rules)."""
    out = []
    for char in text:
        code = ord(char) - 0xAC00
        if 0 <= code < 11172:
            initial, rest = divmod(code, 588)
            medial, final = divmod(rest, 28)
            out.append(_INITIALS[initial] + _MEDIALS[medial] + _FINALS[final])
        else:
            out.append(char)
    return "".join(out)


def _fold(text: str) -> str:
    parts = []
    for char in unicodedata.normalize("NFC", text.casefold()):
        if _HANGUL.match(char):
            parts.append(char)  # decomposing would turn syllables into loose jamo
        else:
            parts.extend(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
    text = "".join(parts)
    return " ".join(re.sub(r"[^a-z0-9\uac00-\ud7a3 ]+", " ", text).split())


def name_keys(name: str) -> set[str]:
    """Latin spellings a name may be looked up by: as written, romanised, surname variants,
    with and without spaces and in both orders (Korean names come surname first)."""
    folded = _fold(name)
    keys = {folded} if folded else set()
    if _HANGUL.search(name):
        hangul = [w for w in folded.split() if _HANGUL.search(w)]
        if len(hangul) == 1 and len(hangul[0]) >= 2:  # "김민준" → surname 김, given 민준
            surname, given = hangul[0][0], hangul[0][1:]
        elif len(hangul) >= 2:
            surname, given = hangul[0], "".join(hangul[1:])
        else:
            surname, given = hangul[0], ""
        rr_surname, rr_given = romanize(surname), romanize(given)
        for variant in (rr_surname, *SURNAME_VARIANTS.get(rr_surname, ())):
            keys |= {f"{variant} {rr_given}".strip(), f"{rr_given} {variant}".strip()}
    words = folded.split()
    if len(words) >= 2:
        keys.add(" ".join(reversed(words)))
        first, last = words[0], words[-1]
        for rr, variants in SURNAME_VARIANTS.items():
            spellings = {rr, *variants}
            if first in spellings:  # "Lee Seo-yeon": surname first
                keys |= {" ".join([v, *words[1:]]) for v in spellings}
            if last in spellings:  # "Seo-yeon Lee": surname last
                keys |= {" ".join([v, *words[:-1]]) for v in spellings}
    return {k.replace("-", "") for k in keys} | {k.replace(" ", "") for k in keys}


def search(
    query: str, people: Iterable[tuple[int, str]], limit: int = 10, cutoff: float = 80
) -> list[tuple[int, str, float]]:
    """People whose name matches the query in any script or spelling, best first."""
    wanted = name_keys(query)
    found = []
    for pid, name in people:
        keys = name_keys(name)
        score = max((fuzz.ratio(q, k) for q in wanted for k in keys), default=0.0)
        if score >= cutoff:
            found.append((pid, name, score))
    found.sort(key=lambda x: (-x[2], x[1], x[0]))
    return found[:limit]

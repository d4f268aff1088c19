"""Partner suggestions: score who complements whom, apply exclusions, and explain every pick.

Score of A→B (A's view), from the cosines of `core.matching.index`:

* ``seek``  = cos(seeks_A, offers_B + ½·topic_B)   (I seek what they offer or work on)
* ``give``  = cos(offers_A, seeks_B)                 (they seek what I offer)
* ``sim``   = cos(topic_A, topic_B)                  (plain topical similarity)

Each signal is first divided by its best value over everyone A could meet (floored at 0.2, so a
pool with no real match is not inflated). Short seek/offer texts and long topic texts give
cosines on different scales; expressed relative to A's best, the organiser weights trade like for
like. Then

    comp = 1 − (1 − seek)·(1 − 0.6·give)     a soft OR: either direction alone can carry a pair,
                                             A's own need counts fully, the reverse at 0.6
    base = (cw·comp + sw·sim) / (cw + sw)    cw, sw from preferences (cw = 0 if A wrote neither
                                             offers nor seeks, so the base stays on a 0..1 scale)
    score = base + bonus·min(1, base/0.1)    bonus only for EU↔KR; it tops up relevance, it never
                                             turns a stranger into a suggestion

With cw > sw, a perfect complement (comp = 1) beats a perfect topical twin (sim = 1) — the
spec's linear 0.65/0.35 blend of the two directions could not guarantee that (0.6·0.65 < 0.4).
Scores are rounded to 6 decimals and ties are broken by id, so rankings are reproducible.
"""

from __future__ import annotations

import unicodedata
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from core.matching.index import (
    NOVELTY_DAMPING,
    OFFER_TOPIC_SHARE,
    FieldTexts,
    PhraseCounts,
    PhraseVectors,
    VectorIndex,
    shared_tokens,
    weigh,
)
from core.matching.text import (
    AREA,
    AREA_PREFIX,
    TERM,
    TERM_PREFIX,
    WORD,
    count_texts,
    sentences,
    stem,
    surfaces,
    token_count,
    token_kinds,
    token_text,
    words,
)
from core.people.profile import Publication
from core.reference.countries import delegation
from core.reference.taxonomy import term_by_id

FloatArray = npt.NDArray[np.float64]

_SCALE_FLOOR = 0.2
_GIVE_SHARE = 0.6
_BONUS_RAMP = 0.1
_ORG_RATIO = 92.0
_COMMON_SHARE = 0.5
_WEAK_REASON = 0.25
_FREE_CANDIDATES = 30
_MAX_TOPICS = 3
_EXPLAIN_CACHE = 1024
_TAG_HIDDEN, _TAG_ORG, _TAG_DELEGATION = range(3)
_DELEGATIONS = {"OTHER": 0, "EU": 1, "KR": 2}
_DELEGATION_NAMES = {code: name for name, code in _DELEGATIONS.items()}


@dataclass(frozen=True, slots=True)
class MatchProfile:
    """What matching knows about one person; `id` is opaque (the bot uses the Telegram id)."""

    id: str
    name: str = ""
    organisation: str = ""
    country: str = ""
    expertise: tuple[str, ...] = ()
    offers: str = ""
    seeks: str = ""
    bio: str = ""
    publications: tuple[Publication, ...] = ()
    hidden: bool = False


@dataclass(frozen=True, slots=True)
class MatchPreferences:
    """Organiser-set knobs: delegation bonus, same-organisation rule, exposure cap, weights."""

    cross_delegation_bonus: float = 0.1
    exclude_same_organisation: bool = True
    exposure_cap: int | None = None
    exposure_penalty: float = 0.5
    complementarity_weight: float = 0.6
    similarity_weight: float = 0.4


@dataclass(frozen=True, slots=True)
class Reason:
    """One piece of evidence for a suggestion, quoting the texts it came from.

    `topics` holds taxonomy term ids (`term_by_id` resolves them), else words as the person
    wrote them, else (when only the field is shared) an area name such as "sensing". For
    "cross_delegation", `mine`/`theirs` are the delegations ("EU", "KR") and topics is empty.
    """

    kind: str
    topics: tuple[str, ...] = ()
    mine: str = ""
    theirs: str = ""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A person to meet, how strongly, and why (strongest reason first)."""

    id: str
    score: float
    reasons: tuple[Reason, ...]


_ASCII_PUNCTUATION = str.maketrans({chr(c): " " for c in range(128) if not chr(c).isalnum()})


@lru_cache(maxsize=65_536)
def organisation_key(name: str) -> str:
    """Fold case, accents, punctuation and "the", so "KAIST" and "kaist." compare equal."""
    if name.isascii():
        folded = name.casefold().translate(_ASCII_PUNCTUATION)
    else:
        chars: list[str] = []
        for ch in unicodedata.normalize("NFKD", name).casefold():
            category = unicodedata.category(ch)
            if category != "Mn":
                chars.append(" " if category[0] in "PSZC" else ch)
        folded = "".join(chars)
    return " ".join(word for word in folded.split() if word != "the")


def _fields(profile: MatchProfile) -> FieldTexts:
    """The texts the vector model reads from a profile."""
    return FieldTexts(
        expertise=profile.expertise,
        bio=profile.bio,
        publications=tuple(f"{p.title}\n{p.abstract}" for p in profile.publications),
        offers=profile.offers,
        seeks=profile.seeks,
    )


_TOPIC, _OFFERS, _SEEKS = range(3)


@dataclass(slots=True)
class _Explained:
    """A profile cut into quotable phrases (topic, offers, seeks) with their token counts."""

    profile: MatchProfile
    texts: tuple[str, ...]
    roles: npt.NDArray[np.int64]
    counts: PhraseCounts
    _surfaces: dict[str, str] | None = None
    _rows: tuple[npt.NDArray[np.int64], ...] | None = None

    def rows(self, role: int) -> npt.NDArray[np.int64]:
        """Phrase rows with one role."""
        if self._rows is None:
            self._rows = tuple(np.flatnonzero(self.roles == r) for r in (_TOPIC, _OFFERS, _SEEKS))
        return self._rows[role]

    def surface(self, stem_token: str) -> str | None:
        """The word this person wrote for a stem (first occurrence), if any."""
        if self._surfaces is None:
            p = self.profile
            text = "\n".join(
                (
                    *p.expertise,
                    p.bio,
                    p.offers,
                    p.seeks,
                    *(f"{x.title}\n{x.abstract}" for x in p.publications),
                )
            )
            self._surfaces = surfaces(text)
        return self._surfaces.get(stem_token)


def _explain_profiles(profiles: Sequence[MatchProfile]) -> list[_Explained]:
    """Analyse profiles phrase by phrase, all in one batch (only for the people explained).

    Seek phrases are damped where the person covers the token elsewhere, as in the vectors.
    """
    texts: list[str] = []
    roles: list[int] = []
    owners: list[int] = []
    for n, profile in enumerate(profiles):
        pieces = [*sentences(profile.bio)]
        for publication in profile.publications:
            pieces.extend(sentences(publication.title))
            pieces.extend(sentences(publication.abstract))
        parts = (
            (profile.expertise, _TOPIC),
            (pieces, _TOPIC),
            (sentences(profile.offers), _OFFERS),
            (sentences(profile.seeks), _SEEKS),
        )
        for group, role in parts:
            texts.extend(group)
            roles.extend([role] * len(group))
            owners.extend([n] * len(group))
    counts = count_texts(texts, range(len(texts)))
    values = weigh(counts)
    role_of = np.array(roles, dtype=np.int64)
    owner_of = np.array(owners, dtype=np.int64)
    width = token_count() + 1
    keys = owner_of[counts.group] * width + counts.token
    is_seek = role_of[counts.group] == _SEEKS
    covered = np.unique(keys[~is_seek])
    if len(covered):
        at = np.minimum(np.searchsorted(covered, keys), len(covered) - 1)
        values = np.where(is_seek & (covered[at] == keys), values * NOVELTY_DAMPING, values)
    row_ptr = np.searchsorted(counts.group, np.arange(len(texts) + 1))
    first_row = np.searchsorted(owner_of, np.arange(len(profiles) + 1)).tolist()
    explained = []
    for n, profile in enumerate(profiles):
        lo, hi = first_row[n], first_row[n + 1]
        start, end = int(row_ptr[lo]), int(row_ptr[hi])
        counts_n = PhraseCounts(
            row_ptr[lo : hi + 1] - start, counts.token[start:end], values[start:end]
        )
        explained.append(_Explained(profile, tuple(texts[lo:hi]), role_of[lo:hi], counts_n))
    return explained


@dataclass(frozen=True, slots=True)
class _Pair:
    """The two people a reason is about, their phrases, and where B's rows sit in the space."""

    a_id: str
    b_id: str
    mine: _Explained
    theirs: _Explained
    space: PhraseVectors
    part: int
    topic_a: tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]


@dataclass(frozen=True, slots=True)
class _Scored:
    """Everything one query computed over all slots."""

    score: FloatArray
    seek: FloatArray
    give: FloatArray
    sim: FloatArray
    bonus: FloatArray
    comp_weight: float
    sim_weight: float


class MatchIndex:
    """Partner suggestions over a set of profiles, with incremental edits."""

    def __init__(self, preferences: MatchPreferences | None = None) -> None:
        """Start empty with the organiser's preferences (defaults if None)."""
        self.preferences = preferences if preferences is not None else MatchPreferences()
        self._vectors = VectorIndex(n_tags=3)
        self._profiles: dict[str, MatchProfile] = {}
        self._org_ids: dict[str, int] = {}
        self._org_keys: list[str] = []
        self._org_same: dict[int, npt.NDArray[np.int64]] = {}
        self._explained: OrderedDict[str, _Explained] = OrderedDict()

    # ----- content --------------------------------------------------------------------------

    def _tags(self, profile: MatchProfile) -> tuple[int, int, int]:
        """Hidden flag, organisation id (-1 for none) and delegation code for one profile."""
        key = organisation_key(profile.organisation)
        org = -1
        if key:
            org = self._org_ids.get(key, -1)
            if org < 0:
                org = self._org_ids[key] = len(self._org_keys)
                self._org_keys.append(key)
                self._org_same.clear()
        return int(profile.hidden), org, _DELEGATIONS[delegation(profile.country)]

    def build(self, profiles: Iterable[MatchProfile]) -> None:
        """Replace everything with these profiles (a later duplicate id wins)."""
        self._profiles = {p.id: p for p in profiles}
        self._org_ids, self._org_keys, self._org_same = {}, [], {}
        self._explained.clear()
        self._vectors.build((p.id, _fields(p), self._tags(p)) for p in self._profiles.values())

    def upsert(self, profile: MatchProfile) -> None:
        """Add or replace one profile; only that person's vectors are recomputed.

        IDF stays frozen until enough edits pile up (see `core.matching.index`); the change is
        visible to the very next `suggest`.
        """
        self._profiles[profile.id] = profile
        self._vectors.upsert(profile.id, _fields(profile), self._tags(profile))

    def remove(self, profile_id: str) -> None:
        """Forget one profile (unknown ids are ignored)."""
        self._profiles.pop(profile_id, None)
        self._explained.pop(profile_id, None)
        self._vectors.remove(profile_id)

    def __len__(self) -> int:
        """Number of profiles."""
        return len(self._profiles)

    def __contains__(self, profile_id: object) -> bool:
        """True when a profile with this id is indexed."""
        return profile_id in self._profiles

    def profile(self, profile_id: str) -> MatchProfile:
        """The stored profile (KeyError if unknown)."""
        return self._profiles[profile_id]

    # ----- scoring --------------------------------------------------------------------------

    def _score_all(self, for_id: str) -> _Scored:
        """Score A against every slot; exclusions are applied by the caller."""
        if for_id not in self._profiles:
            raise KeyError(for_id)
        vectors = self._vectors
        vectors.prepare()
        signals = vectors.signals(for_id)
        slot = vectors.slot(for_id)
        tags = vectors.tags
        pool = vectors.alive & vectors.has_text() & (tags[:, _TAG_HIDDEN] == 0)
        pool[slot] = False

        def relative(values: FloatArray) -> FloatArray:
            best = float(values[pool].max()) if pool.any() else 0.0
            return np.clip(values / max(best, _SCALE_FLOOR), 0.0, 1.0)

        seek = relative(signals.seek_offer)
        give = relative(signals.offer_seek)
        sim = relative(signals.similarity)
        prefs = self.preferences
        a = self._profiles[for_id]
        wants = bool(a.seeks.strip() or a.offers.strip())
        cw = max(prefs.complementarity_weight, 0.0) if wants else 0.0
        sw = max(prefs.similarity_weight, 0.0)
        comp = 1.0 - (1.0 - seek) * (1.0 - _GIVE_SHARE * give)
        total = cw + sw
        base = (cw * comp + sw * sim) / total if total > 0 else np.zeros_like(sim)
        mine = tags[slot, _TAG_DELEGATION]
        theirs = tags[:, _TAG_DELEGATION]
        eu, kr = _DELEGATIONS["EU"], _DELEGATIONS["KR"]
        cross = ((mine == eu) & (theirs == kr)) | ((mine == kr) & (theirs == eu))
        bonus = np.where(
            cross, prefs.cross_delegation_bonus * np.minimum(1.0, base / _BONUS_RAMP), 0.0
        )
        score = np.round(base + bonus, 6)
        return _Scored(score, seek, give, sim, bonus, cw / total if total else 0.0,
                       sw / total if total else 0.0)  # fmt: skip

    def _same_organisation(self, org: int) -> npt.NDArray[np.int64]:
        """Organisation ids equal after folding, or within a rapidfuzz ratio of 92."""
        found = self._org_same.get(org)
        if found is None:
            hits = process.extract(
                self._org_keys[org],
                self._org_keys,
                scorer=fuzz.ratio,
                score_cutoff=_ORG_RATIO,
                limit=None,
            )
            found = np.array(sorted({org, *(hit[2] for hit in hits)}), dtype=np.int64)
            self._org_same[org] = found
        return found

    def suggest(
        self,
        for_id: str,
        k: int = 10,
        *,
        exclude: Collection[str] = (),
        exposure: Mapping[str, int] | None = None,
        only: Callable[[MatchProfile], bool] | None = None,
        explain: bool = True,
    ) -> list[Suggestion]:
        """Best k people for one person, best first; `explain=False` skips building reasons.

        People sharing nothing with `for_id` may fill the list last, with score 0 and no
        reasons (callers showing cards can drop them). Raises KeyError for an unknown id.
        """
        scored = self._score_all(for_id)
        vectors = self._vectors
        tags = vectors.tags
        eligible = vectors.alive & vectors.has_text() & (tags[:, _TAG_HIDDEN] == 0)
        eligible[vectors.slot(for_id)] = False
        for other in exclude:
            if other in self._profiles:
                eligible[vectors.slot(other)] = False
        org = int(tags[vectors.slot(for_id), _TAG_ORG])
        if self.preferences.exclude_same_organisation and org >= 0:
            eligible &= ~np.isin(tags[:, _TAG_ORG], self._same_organisation(org))
        score = scored.score.copy()
        cap = self.preferences.exposure_cap
        if exposure and cap is not None:
            for other, count in exposure.items():
                if count >= cap and other in self._profiles:
                    s = vectors.slot(other)
                    score[s] = round(score[s] * self.preferences.exposure_penalty, 6)
        candidates = np.flatnonzero(eligible)
        if k <= 0 or not len(candidates):
            return []
        rank = vectors.key_rank()
        if only is None and k < len(candidates):
            top = candidates[np.argpartition(-score[candidates], k - 1)[:k]]
            floor = score[top].min()
            candidates = candidates[score[candidates] >= floor]  # keep ties at the boundary
        order = candidates[np.lexsort((rank[candidates], -score[candidates]))]
        keys = vectors.keys
        chosen: list[int] = []
        for s in order.tolist():
            if only is not None and not only(self._profiles[keys[s]]):
                continue
            chosen.append(s)
            if len(chosen) == k:
                break
        return self._suggestions(
            for_id, [(keys[s], s, float(score[s])) for s in chosen], scored, explain
        )

    def score_pair(self, a_id: str, b_id: str) -> Suggestion:
        """A's view of B with the same scoring as `suggest`, and no exclusions but self."""
        if a_id == b_id:
            raise ValueError("a person is never matched with themselves")
        if b_id not in self._profiles:
            raise KeyError(b_id)
        scored = self._score_all(a_id)
        slot = self._vectors.slot(b_id)
        return self._suggestions(a_id, [(b_id, slot, float(scored.score[slot]))], scored, True)[0]

    # ----- reasons --------------------------------------------------------------------------

    def _explain(self, profile_ids: Sequence[str]) -> dict[str, _Explained]:
        """Phrase-level analyses, cached while each profile is unchanged (LRU)."""
        found: dict[str, _Explained] = {}
        missing: list[MatchProfile] = []
        for profile_id in profile_ids:
            profile = self._profiles[profile_id]
            cached = self._explained.get(profile_id)
            if cached is not None and cached.profile is profile:
                self._explained.move_to_end(profile_id)
                found[profile_id] = cached
            else:
                missing.append(profile)
        for explained in _explain_profiles(missing) if missing else ():
            found[explained.profile.id] = explained
            self._explained[explained.profile.id] = explained
            if len(self._explained) > _EXPLAIN_CACHE:
                self._explained.popitem(last=False)
        return found

    def _suggestions(
        self, a_id: str, picks: Sequence[tuple[str, int, float]], scored: _Scored, explain: bool
    ) -> list[Suggestion]:
        """Wrap scored people, with reasons when asked and when the score is positive."""
        explained_ids = [b for b, _, score in picks if score > 0] if explain else []
        reasons: dict[str, tuple[Reason, ...]] = {}
        if explained_ids:
            found = self._explain([a_id, *explained_ids])
            mine = found[a_id]
            theirs = [found[b] for b in explained_ids]
            space = PhraseVectors(self._vectors, [mine.counts, *(t.counts for t in theirs)])
            offer_or_topic = ((_OFFERS, 1.0), (_TOPIC, OFFER_TOPIC_SHARE))
            seek_offer = self._best_phrases(space, mine, theirs, _SEEKS, offer_or_topic)
            offer_seek = self._best_phrases(space, mine, theirs, _OFFERS, ((_SEEKS, 1.0),))
            topic_a = self._vectors.topic_row(a_id)
            slots = {b: slot for b, slot, _ in picks}
            for n, b_id in enumerate(explained_ids):
                reasons[b_id] = self._reasons(
                    _Pair(a_id, b_id, mine, theirs[n], space, n + 1, topic_a),
                    slots[b_id],
                    scored,
                    seek_rows=seek_offer[n],
                    give_rows=offer_seek[n],
                )
        return [Suggestion(b_id, float(score), reasons.get(b_id, ())) for b_id, _, score in picks]

    @staticmethod
    def _best_phrases(
        space: PhraseVectors,
        mine: _Explained,
        theirs: list[_Explained],
        source_role: int,
        target_roles: tuple[tuple[int, float], ...],
    ) -> list[tuple[int, int] | None]:
        """For each of them, my phrase and theirs that match best (rows in `space`)."""
        sources = mine.rows(source_role) + space.offsets[0]
        targets: list[npt.NDArray[np.int64]] = []
        factors: list[npt.NDArray[np.float64]] = []
        bounds = [0]
        for n, explained in enumerate(theirs):
            for role, factor in target_roles:
                rows = explained.rows(role) + space.offsets[n + 1]
                targets.append(rows)
                factors.append(np.full(len(rows), factor))
            bounds.append(bounds[-1] + sum(len(t) for t in targets[-len(target_roles) :]))
        return space.best(sources, np.concatenate(targets), np.concatenate(factors), bounds)

    def _reasons(
        self,
        pair: _Pair,
        slot: int,
        scored: _Scored,
        *,
        seek_rows: tuple[int, int] | None,
        give_rows: tuple[int, int] | None,
    ) -> tuple[Reason, ...]:
        """Build the evidence for A→B from the data, strongest contribution first."""
        seek, give, sim = (
            float(scored.seek[slot]), float(scored.give[slot]), float(scored.sim[slot])
        )  # fmt: skip
        comp = 1.0 - (1.0 - seek) * (1.0 - _GIVE_SHARE * give)
        candidates = sorted(
            (
                (scored.comp_weight * seek, 0, "seek_offer", seek_rows),
                (scored.comp_weight * (comp - seek), 1, "offer_seek", give_rows),
                (scored.sim_weight * sim, 2, "shared_topics", None),
            ),
            key=lambda item: (-item[0], item[1]),
        )
        found: list[tuple[float, int, Reason]] = []
        for weight, order, kind, rows in candidates:
            if weight <= 0 or (found and weight < _WEAK_REASON * found[0][0]):
                continue  # absent, or too weak beside the strongest to be worth saying
            reason = self._reason(kind, rows, pair)
            if reason is not None:
                found.append((weight, order, reason))
        bonus = float(scored.bonus[slot])
        if bonus > 0:
            tags = self._vectors.tags
            a_del = _DELEGATION_NAMES[int(tags[self._vectors.slot(pair.a_id), _TAG_DELEGATION])]
            b_del = _DELEGATION_NAMES[int(tags[slot, _TAG_DELEGATION])]
            found.append((bonus, 3, Reason("cross_delegation", (), a_del, b_del)))
        found.sort(key=lambda item: (-item[0], item[1]))
        return tuple(reason for _, _, reason in found)

    def _reason(self, kind: str, rows: tuple[int, int] | None, pair: _Pair) -> Reason | None:
        """One text reason: shared topics of the two profiles, or the best pair of phrases."""
        if kind == "shared_topics":
            codes, products = shared_tokens(pair.topic_a, self._vectors.topic_row(pair.b_id))
            topics = self._topics(codes, products, pair)
            return Reason(kind, topics) if topics else None
        if rows is None:
            return None
        topics = self._topics(*pair.space.shared(*rows), pair)
        if not topics:
            return None
        mine = pair.mine.texts[rows[0] - pair.space.offsets[0]]
        theirs = pair.theirs.texts[rows[1] - pair.space.offsets[pair.part]]
        return Reason(kind, topics, mine, theirs)

    def _topics(
        self, codes: npt.NDArray[np.int64], products: FloatArray, pair: _Pair
    ) -> tuple[str, ...]:
        """Shared tokens behind a match: taxonomy term ids first, then telling free words."""
        order = np.lexsort((codes, -products))
        ordered = codes[order]
        kinds = token_kinds(ordered)
        chosen = [token_text(c)[len(TERM_PREFIX) :] for c in ordered[kinds == TERM][:_MAX_TOPICS]]
        covered = frozenset().union(*(_term_stems(t) for t in chosen))
        candidates = ordered[kinds == WORD][:_FREE_CANDIDATES]
        shares = self._vectors.document_shares(candidates).tolist()
        need = _MAX_TOPICS - len(chosen)
        telling: list[str] = []
        anything: list[str] = []
        for code, share in zip(candidates.tolist(), shares, strict=True):
            token = token_text(code)
            if token in covered:
                continue
            anything.append(token)
            if len(token) >= 3 and not token.isdigit() and share <= _COMMON_SHARE:
                telling.append(token)
                if len(telling) >= need:
                    break
        if not chosen and not telling:  # nothing distinctive: name what is shared anyway
            telling = anything
        for token in telling[: max(0, need)]:
            chosen.append(pair.mine.surface(token) or pair.theirs.surface(token) or token)
        if not chosen:  # only the broad field is shared ("communication", "sensing"…)
            chosen = [token_text(c)[len(AREA_PREFIX) :] for c in ordered[kinds == AREA][:1]]
        return tuple(chosen)


@lru_cache(maxsize=4096)
def _term_stems(term_id: str) -> frozenset[str]:
    """Stems of every form of a term, so a term is not repeated as a free word."""
    term = term_by_id(term_id)
    if term is None:
        return frozenset()
    return frozenset(stem(w) for form in (term.label_en, *term.synonyms) for w in words(form))

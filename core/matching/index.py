"""TF-IDF vectors per person (topic, offers, seeks) in sparse matrices that take incremental edits.

Model: each text component is a bag of light stems plus taxonomy term tokens (``term:qkd``,
weighted ×2; broader terms such as ``qkd`` for ``cv-qkd`` and terms nested in a longer form at
half a mention) and a weak ``area:`` token per term (×0.5). Sublinear tf (1 + ln tf), smoothed
idf (ln((1+N)/(1+df)) + 1), L2-normalised float32 CSR rows whose columns are the token codes of
`core.matching.text`:

* ``topic`` = unit(1.0·expertise + 0.8·bio + 0.8·publications + 0.4·offers), each part unit
  on its own first, so a long abstract cannot drown three typed keywords;
* ``offers`` = unit(offers);
* ``seeks`` = unit(seeks) with words the person already covers elsewhere (expertise, bio,
  publications, offers) damped ×0.35: a seek is what is *missing*, so "detectors for our QKD
  link" written by a QKD researcher is about detectors.

IDF policy: document frequencies are kept exact on every edit, but the IDF used for weighting is
frozen between compactions. An upsert weighs only that person's rows (new words get the IDF they
would have under the frozen corpus size) and puts them in a small *tail* that overrides their old
row; queries multiply the main matrices and the tail. Once edits since the last compaction exceed
5 % of the people (at least 32), the next query compacts: fresh IDF, every row re-weighted from
the stored raw term frequencies in one vectorised pass, tail emptied.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
from scipy import sparse

from core.matching.text import (
    AREA,
    Counts,
    count_texts,
    find_token,
    token_count,
    token_kinds,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
_Ids = npt.NDArray[np.int32]
_Vals = npt.NDArray[np.float32]
Csr: TypeAlias = "sparse.csr_array[Any, tuple[int, int]]"

EXPERTISE, BIO, PUBLICATIONS, OFFERS, SEEKS = range(5)
_COMPONENTS = 5
_TOPIC_WEIGHTS = (1.0, 0.8, 0.8, 0.4, 0.0)
TERM_WEIGHT = 2.0
AREA_WEIGHT = 0.5
NOVELTY_DAMPING = 0.35
OFFER_TOPIC_SHARE = 0.5
_COMPACT_SHARE = 0.05
_COMPACT_MIN = 32
_BUILD_BATCH = 1000


@dataclass(frozen=True, slots=True)
class FieldTexts:
    """The texts of one person the vectors are made from, by component."""

    expertise: tuple[str, ...] = ()
    bio: str = ""
    publications: tuple[str, ...] = ()
    offers: str = ""
    seeks: str = ""


@dataclass(frozen=True, slots=True)
class Signals:
    """Raw cosines of one person against every slot: seek→offer, offer→seek, topic↔topic."""

    seek_offer: FloatArray
    offer_seek: FloatArray
    similarity: FloatArray


@dataclass(slots=True)
class _Rows:
    """One person's weighted rows (sorted token ids, values) and the offers+topic norm."""

    topic: tuple[_Ids, _Vals]
    offers: tuple[_Ids, _Vals]
    seeks: tuple[_Ids, _Vals]
    ot_norm: float


@dataclass(slots=True)
class _Doc:
    """A stored person: raw (pre-IDF) component vectors, the ids for df, caller tags."""

    key: str
    raw: tuple[tuple[_Ids, _Vals], ...]
    ids: _Ids
    tags: tuple[int, ...]


_KIND_WEIGHTS = np.array([1.0, TERM_WEIGHT, AREA_WEIGHT])  # by text.WORD, TERM, AREA


def weigh(counts: Counts) -> FloatArray:
    """Sublinear tf times the kind multiplier (taxonomy terms ×2, areas ×0.5, words ×1)."""
    tf = counts.amount
    sub = np.where(tf >= 1.0, 1.0 + np.log(np.maximum(tf, 1.0)), tf)
    weights: FloatArray = sub * _KIND_WEIGHTS[token_kinds(counts.token)]
    return weights


def _sorted_unique(values: IntArray) -> IntArray:
    """Sorted distinct values (sort-based: faster than np.unique's hashing on large arrays)."""
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def _stack(rows: Sequence[tuple[_Ids, _Vals]], width: int) -> Csr:
    """Stack per-person sparse rows into one CSR matrix of the given width."""
    lengths = np.fromiter((len(ids) for ids, _ in rows), dtype=np.int64, count=len(rows))
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    if rows and indptr[-1]:
        indices = np.concatenate([ids for ids, _ in rows]).astype(np.int32, copy=False)
        data = np.concatenate([vals for _, vals in rows]).astype(np.float32, copy=False)
    else:
        indices = np.zeros(0, dtype=np.int32)
        data = np.zeros(0, dtype=np.float32)
    return sparse.csr_array((data, indices, indptr), shape=(len(rows), width))


def _row_ids(matrix: Csr) -> IntArray:
    """Row index of every stored entry."""
    return np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))


def _unit_rows(matrix: Csr) -> Csr:
    """L2-normalise each row (empty rows stay empty)."""
    rows = _row_ids(matrix)
    norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    data = (matrix.data * scale[rows]).astype(np.float32)
    return sparse.csr_array((data, matrix.indices, matrix.indptr), shape=matrix.shape)


def _weigh(
    docs: Sequence[_Doc], idf: FloatArray, width: int
) -> tuple[sparse.csr_array, sparse.csr_array, sparse.csr_array, FloatArray]:
    """Apply IDF to raw components and combine them into topic/offers/seeks rows."""
    hats = []
    for c in range(_COMPONENTS):
        raw = _stack([doc.raw[c] for doc in docs], width)
        weighted = sparse.csr_array(
            ((raw.data * idf[raw.indices]).astype(np.float32), raw.indices, raw.indptr),
            shape=raw.shape,
        )
        hats.append(_unit_rows(weighted))
    topic_sum = sum(
        (hats[c] * w for c, w in enumerate(_TOPIC_WEIGHTS) if w),
        start=sparse.csr_array((len(docs), width), dtype=np.float32),
    )
    topic = _unit_rows(sparse.csr_array(topic_sum))
    topic.sort_indices()
    offers, seeks = hats[OFFERS], hats[SEEKS]
    dot = np.asarray(offers.multiply(topic).sum(axis=1), dtype=np.float64).ravel()
    has_o = (np.diff(offers.indptr) > 0).astype(np.float64)
    has_t = (np.diff(topic.indptr) > 0).astype(np.float64)
    ot_norm = np.sqrt(has_o + OFFER_TOPIC_SHARE**2 * has_t + 2 * OFFER_TOPIC_SHARE * dot)
    return topic, offers, seeks, ot_norm


def _row(matrix: Csr, i: int) -> tuple[_Ids, _Vals]:
    """One row of a CSR matrix as (indices, values) views."""
    start, end = int(matrix.indptr[i]), int(matrix.indptr[i + 1])
    return matrix.indices[start:end], matrix.data[start:end]


class VectorIndex:
    """People's TF-IDF rows in main CSR matrices plus a small tail of recent edits."""

    def __init__(self, n_tags: int = 0) -> None:
        """Start empty; each person carries `n_tags` caller integers (flags, organisation…)."""
        self._n_tags = n_tags
        self._df = np.zeros(1024, dtype=np.int64)
        self._docs: dict[str, _Doc] = {}
        self._clear_layout()

    # ----- layout ---------------------------------------------------------------------------

    def _clear_layout(self) -> None:
        """Forget matrices and slots (the docs and the vocabulary stay)."""
        self._keys: list[str] = []
        self._slot: dict[str, int] = {}
        self._alive = np.zeros(0, dtype=bool)
        self._tags = np.zeros((0, self._n_tags), dtype=np.int64)
        self._n_main = 0
        self._idf = np.zeros(0, dtype=np.float64)
        self._corpus = 0
        empty: Csr = sparse.csr_array(np.zeros((0, 0), dtype=np.float32))
        self._main: tuple[Csr, Csr, Csr] = (empty, empty, empty)
        self._main_ot = np.zeros(0, dtype=np.float64)
        self._tail: dict[int, _Rows] = {}
        self._tail_cache: tuple[IntArray, tuple[Csr, ...], FloatArray] | None = None
        self._edits = 0
        self._key_rank: IntArray | None = None
        self._has_text: npt.NDArray[np.bool_] | None = None

    def _compact(self) -> None:
        """Fresh IDF and every row re-weighted; slots renumbered in key order (deterministic)."""
        docs = [self._docs[key] for key in sorted(self._docs)]
        self._clear_layout()
        width = token_count()
        self._corpus = len(docs)
        self._idf = np.log((1.0 + self._corpus) / (1.0 + self._df[:width])) + 1.0
        self._keys = [doc.key for doc in docs]
        self._slot = {key: i for i, key in enumerate(self._keys)}
        self._alive = np.ones(len(docs), dtype=bool)
        self._tags = np.array([doc.tags for doc in docs], dtype=np.int64).reshape(
            len(docs), self._n_tags
        )
        topic, offers, seeks, ot_norm = _weigh(docs, self._idf, width)
        self._main = (topic, offers, seeks)
        self._main_ot = ot_norm
        self._n_main = len(docs)

    def _maybe_compact(self) -> None:
        """Compact lazily once edits pile up (see the module docstring)."""
        limit = max(_COMPACT_MIN, int(_COMPACT_SHARE * len(self._docs)))
        if self._edits > limit:
            self._compact()

    # ----- vocabulary and documents ---------------------------------------------------------

    def _grow(self) -> None:
        """Keep the per-token arrays as long as the vocabulary (doubling)."""
        size = token_count()
        if size > len(self._df):
            capacity = max(size, 2 * len(self._df))
            self._df = np.concatenate([self._df, np.zeros(capacity - len(self._df), np.int64)])

    def _make_docs(self, items: Sequence[tuple[str, FieldTexts, tuple[int, ...]]]) -> list[_Doc]:
        """Analyse people's texts into raw component vectors, vectorised over the batch.

        Values are sublinear tf × kind weight; in seeks, tokens the same person already covers
        in another component are damped.
        """
        texts: list[str] = []
        groups: list[int] = []
        for n, (_, fields, tags) in enumerate(items):
            if len(tags) != self._n_tags:
                raise ValueError(f"expected {self._n_tags} tags, got {len(tags)}")
            base = n * _COMPONENTS
            texts.extend(fields.expertise)
            texts.extend((fields.bio, *fields.publications, fields.offers, fields.seeks))
            n_expertise, n_publications = len(fields.expertise), len(fields.publications)
            groups.extend([base + EXPERTISE] * n_expertise)
            groups.append(base + BIO)
            groups.extend([base + PUBLICATIONS] * n_publications)
            groups.extend((base + OFFERS, base + SEEKS))
        counts = count_texts(texts, groups)  # sorted by (group, token code)
        self._grow()
        segment, ids, values = counts.group, counts.token, weigh(counts)
        width = max(token_count(), 1)
        keys = (segment // _COMPONENTS) * width + ids
        is_seek = segment % _COMPONENTS == SEEKS
        covered = _sorted_unique(keys[~is_seek])
        seek_at = np.flatnonzero(is_seek)
        if len(covered) and len(seek_at):
            pos = np.minimum(np.searchsorted(covered, keys[seek_at]), len(covered) - 1)
            values[seek_at[covered[pos] == keys[seek_at]]] *= NOVELTY_DAMPING
        bounds = np.searchsorted(segment, np.arange(len(items) * _COMPONENTS + 1)).tolist()
        ids32, values32 = ids.astype(np.int32), values.astype(np.float32)
        pieces = [(ids32[a:b], values32[a:b]) for a, b in pairwise(bounds)]
        unique = _sorted_unique(keys)
        doc_bounds = np.searchsorted(unique // width, np.arange(len(items) + 1)).tolist()
        unique_ids = (unique % width).astype(np.int32)
        return [
            _Doc(
                key=key,
                raw=tuple(pieces[n * _COMPONENTS : (n + 1) * _COMPONENTS]),
                ids=unique_ids[doc_bounds[n] : doc_bounds[n + 1]],
                tags=tags,
            )
            for n, (key, _, tags) in enumerate(items)
        ]

    def _attach(self, doc: _Doc) -> None:
        """Count a document into the document frequencies."""
        self._docs[doc.key] = doc
        self._df[doc.ids] += 1

    def _detach(self, key: str) -> None:
        """Remove a document from the document frequencies."""
        doc = self._docs.pop(key)
        self._df[doc.ids] -= 1

    def build(self, items: Iterable[tuple[str, FieldTexts, tuple[int, ...]]]) -> None:
        """Replace everything with these people (a later duplicate key wins) and compact once."""
        self._df = np.zeros(max(1024, token_count()), dtype=np.int64)
        latest = {key: (key, fields, tags) for key, fields, tags in items}
        ordered = [latest[key] for key in sorted(latest)]
        docs: list[_Doc] = []
        for start in range(0, len(ordered), _BUILD_BATCH):  # bounded temporaries, same result
            docs.extend(self._make_docs(ordered[start : start + _BUILD_BATCH]))
        self._docs = {doc.key: doc for doc in docs}
        if docs:
            all_ids = np.concatenate([doc.ids for doc in docs])
            self._df[: token_count()] = np.bincount(all_ids, minlength=token_count())
        self._compact()

    def _current_idf(self, ids: _Ids) -> FloatArray:
        """Frozen IDF, extended to words first seen after the last compaction."""
        known = len(self._idf)
        result = np.empty(len(ids), dtype=np.float64)
        old = ids < known
        result[old] = self._idf[ids[old]]
        new_ids = ids[~old]
        corpus = max(self._corpus, 1)
        result[~old] = np.log((1.0 + corpus) / (1.0 + self._df[new_ids])) + 1.0
        return result

    def upsert(self, key: str, fields: FieldTexts, tags: tuple[int, ...]) -> None:
        """Add or replace one person: only their rows are re-weighted, into the tail."""
        if key in self._docs:
            self._detach(key)
        doc = self._make_docs([(key, fields, tags)])[0]
        self._attach(doc)
        width = token_count()
        ids = np.unique(np.concatenate([r[0] for r in doc.raw]))
        idf = np.zeros(width, dtype=np.float64)
        idf[ids] = self._current_idf(ids.astype(np.int32))
        topic, offers, seeks, ot_norm = _weigh([doc], idf, width)
        rows = _Rows(_row(topic, 0), _row(offers, 0), _row(seeks, 0), float(ot_norm[0]))
        slot = self._slot.get(key)
        if slot is None:
            slot = len(self._keys)
            self._keys.append(key)
            self._slot[key] = slot
            self._alive = np.append(self._alive, True)
            self._tags = np.vstack([self._tags, np.array([tags], dtype=np.int64)])
        else:
            self._alive[slot] = True
            self._tags[slot] = tags
        self._tail[slot] = rows
        self._tail_cache = None
        self._has_text = None
        self._edits += 1

    def remove(self, key: str) -> None:
        """Forget one person (a no-op for unknown keys)."""
        if key not in self._docs:
            return
        self._detach(key)
        slot = self._slot[key]
        self._alive[slot] = False
        if self._tail.pop(slot, None) is not None:
            self._tail_cache = None
        self._has_text = None
        self._edits += 1

    # ----- reading --------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of people stored."""
        return len(self._docs)

    def __contains__(self, key: object) -> bool:
        """True when the key is stored."""
        return key in self._docs

    def prepare(self) -> None:
        """Compact if due; call before reading slots, which compaction renumbers."""
        self._maybe_compact()

    @property
    def keys(self) -> list[str]:
        """Key per slot (dead slots keep their old key; check `alive`)."""
        return self._keys

    @property
    def alive(self) -> npt.NDArray[np.bool_]:
        """Which slots hold a current person."""
        return self._alive

    @property
    def tags(self) -> IntArray:
        """Caller tags per slot, shape (slots, n_tags)."""
        return self._tags

    def key_rank(self) -> IntArray:
        """Rank of each slot's key in sorted order, so ties break by id with one lexsort."""
        if self._key_rank is None or len(self._key_rank) != len(self._keys):
            order = sorted(range(len(self._keys)), key=self._keys.__getitem__)
            rank = np.empty(len(order), dtype=np.int64)
            rank[order] = np.arange(len(order))
            self._key_rank = rank
        return self._key_rank

    def slot(self, key: str) -> int:
        """Slot of a stored key."""
        return self._slot[key]

    def _rows(self, slot: int) -> _Rows:
        """Weighted rows of one slot, from the tail if edited since compaction."""
        rows = self._tail.get(slot)
        if rows is not None:
            return rows
        topic, offers, seeks = self._main
        return _Rows(
            _row(topic, slot), _row(offers, slot), _row(seeks, slot), float(self._main_ot[slot])
        )

    def has_text(self) -> npt.NDArray[np.bool_]:
        """Slots whose person wrote anything the model can use (read-only, cached)."""
        if self._has_text is None or len(self._has_text) != len(self._keys):
            self._has_text = self._compute_has_text()
            self._has_text.flags.writeable = False
        return self._has_text

    def _compute_has_text(self) -> npt.NDArray[np.bool_]:
        """Slots with at least one non-empty row."""
        topic, offers, seeks = self._main
        result = np.zeros(len(self._keys), dtype=bool)
        n = self._n_main
        for matrix in (topic, offers, seeks):
            result[:n] |= np.diff(matrix.indptr) > 0
        for slot, rows in self._tail.items():
            result[slot] = bool(len(rows.topic[0]) or len(rows.offers[0]) or len(rows.seeks[0]))
        return result

    def _tail_matrices(self) -> tuple[IntArray, tuple[Csr, ...], FloatArray]:
        """The tail stacked into small matrices (cached until the next edit)."""
        if self._tail_cache is None:
            slots = sorted(self._tail)
            width = token_count()
            rows = [self._tail[s] for s in slots]
            matrices = (
                _stack([r.topic for r in rows], width),
                _stack([r.offers for r in rows], width),
                _stack([r.seeks for r in rows], width),
            )
            ot = np.array([r.ot_norm for r in rows], dtype=np.float64)
            self._tail_cache = (np.array(slots, dtype=np.int64), matrices, ot)
        return self._tail_cache

    def signals(self, key: str) -> Signals:
        """Cosines of one person against every slot (sparse mat-vecs, one per component)."""
        rows = self._rows(self._slot[key])
        n = len(self._keys)
        seek_offer = np.zeros(n, dtype=np.float64)
        offer_seek = np.zeros(n, dtype=np.float64)
        similarity = np.zeros(n, dtype=np.float64)
        topic, offers, seeks = self._main
        self._accumulate(
            rows,
            matrices=(topic, offers, seeks),
            ot_norm=self._main_ot,
            target=slice(0, self._n_main),
            out=(seek_offer, offer_seek, similarity),
        )
        if self._tail:
            slots, matrices, ot = self._tail_matrices()
            parts = (np.zeros(len(slots)), np.zeros(len(slots)), np.zeros(len(slots)))
            self._accumulate(
                rows, matrices=matrices, ot_norm=ot, target=slice(0, len(slots)), out=parts
            )
            seek_offer[slots], offer_seek[slots], similarity[slots] = parts
        return Signals(seek_offer, offer_seek, similarity)

    @staticmethod
    def _accumulate(
        rows: _Rows,
        *,
        matrices: tuple[Csr, ...],
        ot_norm: FloatArray,
        target: slice,
        out: tuple[FloatArray, FloatArray, FloatArray],
    ) -> None:
        """Multiply one block of rows by the query's dense vectors."""
        topic, offers, seeks = matrices
        seek_offer, offer_seek, similarity = out
        width = topic.shape[1]
        if topic.shape[0] == 0:
            return

        def dense(row: tuple[_Ids, _Vals]) -> _Vals | None:
            ids, vals = row
            keep = ids < width
            if not keep.any():
                return None
            vector = np.zeros(width, dtype=np.float32)  # float32 like the matrices: no upcast copy
            vector[ids[keep]] = vals[keep]
            return vector

        q_topic, q_offers, q_seeks = dense(rows.topic), dense(rows.offers), dense(rows.seeks)
        # One mat-vec per signal (a 2-column product is slower in scipy than two mat-vecs).
        if q_seeks is not None:
            have = np.asarray(offers @ q_seeks, dtype=np.float64)
            have += OFFER_TOPIC_SHARE * np.asarray(topic @ q_seeks, dtype=np.float64)
            seek_offer[target] = np.divide(
                have, ot_norm, out=np.zeros_like(have), where=ot_norm > 0
            )
        if q_topic is not None:
            similarity[target] = np.asarray(topic @ q_topic)
        if q_offers is not None:
            offer_seek[target] = np.asarray(seeks @ q_offers)

    def topic_row(self, key: str) -> tuple[_Ids, _Vals]:
        """One person's topic row (sorted token codes, weights), for naming shared topics."""
        return self._rows(self._slot[key]).topic

    def idf_of(self, token: str) -> float:
        """Current IDF of a token (the largest possible for an unseen one)."""
        code = find_token(token)
        if code is None:
            return math.log(1.0 + max(self._corpus, 1)) + 1.0
        return float(self.idf_codes(np.array([code], dtype=np.int64))[0])

    def idf_codes(self, codes: IntArray) -> FloatArray:
        """Current IDF for many token codes (the largest possible for unseen ones)."""
        corpus = max(self._corpus, 1)
        result = np.full(len(codes), math.log(1.0 + corpus) + 1.0)
        frozen = codes < len(self._idf)
        result[frozen] = self._idf[codes[frozen]]
        fresh = ~frozen & (codes < len(self._df))
        result[fresh] = np.log((1.0 + corpus) / (1.0 + self._df[codes[fresh]])) + 1.0
        return result

    def document_shares(self, codes: IntArray) -> FloatArray:
        """Share of people whose texts contain each token (how little a word says)."""
        result = np.zeros(len(codes))
        inside = codes < len(self._df)
        result[inside] = self._df[codes[inside]] / max(len(self._docs), 1)
        return result


@dataclass(frozen=True, slots=True)
class PhraseCounts:
    """Weighted token counts (before IDF) of some phrases, rows in CSR layout."""

    ptr: IntArray
    codes: IntArray
    values: FloatArray


class PhraseVectors:
    """Unit TF-IDF rows of a batch of phrases, weighted with one index's IDF, for quoting."""

    def __init__(self, index: VectorIndex, parts: Sequence[PhraseCounts]) -> None:
        """Stack the parts (each part's rows start at `offsets[i]`) and weigh them."""
        sizes = [len(part.ptr) - 1 for part in parts]
        self.offsets = [0, *np.cumsum(sizes).tolist()]
        codes = np.concatenate([p.codes for p in parts]) if parts else np.zeros(0, np.int64)
        values = np.concatenate([p.values for p in parts]) if parts else np.zeros(0)
        lengths = np.concatenate([np.diff(p.ptr) for p in parts]) if parts else np.zeros(0)
        ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=ptr[1:])
        width = max(token_count(), 1)
        raw = sparse.csr_array(
            (values * index.idf_codes(codes), codes, ptr), shape=(len(lengths), width)
        )
        self.matrix: Csr = _unit_rows(raw)

    def best(
        self, sources: IntArray, targets: IntArray, factors: FloatArray, bounds: Sequence[int]
    ) -> list[tuple[int, int] | None]:
        """For each target segment bounds[i]:bounds[i+1], the best (source, target) row pair.

        Best means the highest cosine times the target's factor; pairs sharing only a broad
        area token do not count.
        """
        n = len(bounds) - 1
        found: list[tuple[int, int] | None] = [None] * n
        if not len(sources) or not len(targets):
            return found
        mine = self.matrix[sources]
        theirs = self.matrix[targets]
        dots = np.asarray((mine @ theirs.T).toarray()) * factors[None, :]
        mine.data[token_kinds(mine.indices.astype(np.int64)) == AREA] = 0.0
        theirs.data[token_kinds(theirs.indices.astype(np.int64)) == AREA] = 0.0
        dots[np.asarray((mine @ theirs.T).toarray()) <= 0] = 0.0
        for owner in range(n):
            lo, hi = bounds[owner], bounds[owner + 1]
            if hi <= lo:
                continue
            segment = dots[:, lo:hi]
            i, j = divmod(int(np.argmax(segment)), hi - lo)
            if segment[i, j] > 0:
                found[owner] = (int(sources[i]), int(targets[lo + j]))
        return found

    def shared(self, a_row: int, b_row: int) -> tuple[IntArray, FloatArray]:
        """Token codes the two rows share and the products of their weights."""
        return shared_tokens(_row(self.matrix, a_row), _row(self.matrix, b_row))


def shared_tokens(
    a: tuple[npt.NDArray[Any], npt.NDArray[Any]], b: tuple[npt.NDArray[Any], npt.NDArray[Any]]
) -> tuple[IntArray, FloatArray]:
    """Codes two sorted sparse rows share, with the products of their weights."""
    common, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    products = a[1][ia].astype(np.float64) * b[1][ib]
    return common.astype(np.int64), products

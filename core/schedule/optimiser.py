"""Schedule optimiser: put wanted 1:1 meetings into slots and tables for the highest total score.

Pure (stdlib, numpy, scipy; no I/O). The storage layer builds a `Problem` from accepted requests
without a slot and mutual "want to meet" pairs, calls `optimise` (and `greedy`, the first-come
baseline organisers compare against), checks the result with `validate`, then books it.

Rules every result obeys and `validate` checks: one meeting per person per slot; at most
``tables[slot]`` meetings per slot, numbered 1..tables[slot]; nobody in a busy slot; at most
``cap`` meetings per person; each unordered pair at most once; nobody meets themselves. If any want
of a pair has a *usable* ``fixed_slot`` (a known slot with tables, neither person busy), the pair
meets in such a slot or not at all; an unusable fixed slot is ignored (the pair may meet anywhere).

`Report.upper_bound` is the minimum of these valid bounds on the number of meetings:

* distinct schedulable pairs (a != b, at least one slot both may use);
* ``floor(sum_p places_p / 2)`` with places_p = min(cap_p, usable slots_p, partners_p): each
  meeting takes two person-places;
* ``sum_s min(tables_s, floor(n_s / 2))``, n_s = people with a partner both may meet in slot s:
  each slot holds a matching of those people, and no more meetings than tables;
* the linear relaxation without slots: maximise the number of meetings with each person's
  meetings at most places_p, each pair at most once, the total at most the previous bound.

`Report.score_bound` is the same relaxation maximising score (capped by the sum of the
`upper_bound` best scores): the fraction of it reached says how close to optimal a schedule is.

Method. Fixed pairs first, then the others in the order of the relaxation's solution (wants it
takes fully first), then by descending score, first-come order and ids; each goes to the shared
free slot adding the fewest idle gaps. Local search then repeats passes over unscheduled wants
until a pass gains under 0.1 %: insert a want by moving the meetings blocking it to other slots,
or drop cheaper meetings for it, re-insert them elsewhere or give their freed people another
want, keeping the change only if the score rises. On small problems (at most
`EXACT_MAX_OPTIONS` want-slot options) HiGHS also solves the exact integer programme. The best of
these and the greedy first-come schedule is kept, so the optimiser never scores below greedy;
finally meetings are moved or swapped between slots while that closes idle gaps. Same problem and
seed, same result, unless ``time_limit`` cuts the search short.
"""

from __future__ import annotations

import heapq
import math
import random
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array

_EPS = 1e-9
#: Problems with at most this many (want, slot) options are also solved exactly as an integer
#: programme (HiGHS); a forum of ~150 people with ~400 wants over 16 slots fits.
EXACT_MAX_OPTIONS = 6000


@dataclass(frozen=True, slots=True)
class Want:
    """One pair that should meet: an accepted request without a slot, or a mutual "want to meet"."""

    a: str
    b: str
    score: float = 1.0
    order: int = 0
    fixed_slot: str | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """All the optimiser may use: slots in time order, free tables, wants, busy slots, caps."""

    slots: tuple[str, ...]
    tables: Mapping[str, int]
    wants: tuple[Want, ...]
    busy: Mapping[str, frozenset[str]] = field(default_factory=dict)
    cap: Mapping[str, int] = field(default_factory=dict)
    default_cap: int = 8


@dataclass(frozen=True, slots=True)
class Assignment:
    """One booked meeting: who, when, and at which table (1..tables[slot])."""

    a: str
    b: str
    slot: str
    table: int


@dataclass(frozen=True, slots=True)
class Report:
    """A schedule and the figures organisers compare (see the module docstring for the bound)."""

    assignments: tuple[Assignment, ...]
    requested: int
    scheduled: int
    upper_bound: int
    total_score: float
    #: Mean over people with a meeting of their usable slots (not busy, with tables) between
    #: their first and last meeting in which they have none.
    idle_slots_mean: float
    unscheduled: tuple[Want, ...]
    #: Why each entry of `unscheduled` was left out, in the same order.
    reasons: tuple[str, ...] = ()
    #: A valid upper bound on `total_score` (linear relaxation without slots).
    score_bound: float = 0.0


def _bits(mask: int) -> Iterator[int]:
    """Slot indices set in a mask, lowest first (slot masks are how every check stays cheap)."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def _idle(occ: int, blocked: int) -> int:
    """Free, usable slots between a person's first and last meeting: the gaps we try to avoid."""
    if not occ:
        return 0
    lo = (occ & -occ).bit_length() - 1
    span = ((1 << occ.bit_length()) - 1) ^ ((1 << lo) - 1)
    return (span & ~occ & ~blocked).bit_count()


class _Index:
    """The problem turned into integers and bit masks, so the search never touches strings."""

    def __init__(self, problem: Problem, seed: int = 0) -> None:
        self.slots = problem.slots
        self.slot_ix = {s: i for i, s in enumerate(problem.slots)}
        n_slots = len(problem.slots)
        self.full = (1 << n_slots) - 1
        self.tables = [max(0, int(problem.tables.get(s, 0))) for s in problem.slots]
        usable = sum(1 << i for i, t in enumerate(self.tables) if t > 0)
        wants = problem.wants
        people: dict[str, int] = {}
        for want in wants:
            people.setdefault(want.a, len(people))
            people.setdefault(want.b, len(people))
        self.names = list(people)
        self.blocked: list[int] = []
        self.cap: list[int] = []
        for name in self.names:
            marked = (self.slot_ix.get(s, -1) for s in problem.busy.get(name, ()))
            busy = sum(1 << i for i in set(marked) if i >= 0)
            self.blocked.append((busy | ~usable) & self.full)
            self.cap.append(max(0, problem.cap.get(name, problem.default_cap)))
        self.wa = [people[want.a] for want in wants]
        self.wb = [people[want.b] for want in wants]
        self.score = [float(want.score) for want in wants]
        n = len(people)
        self.key = [min(a, b) * n + max(a, b) for a, b in zip(self.wa, self.wb, strict=True)]
        both = [
            self.full & ~self.blocked[a] & ~self.blocked[b] if a != b else 0
            for a, b in zip(self.wa, self.wb, strict=True)
        ]
        agreed: dict[int, int] = {}  # pair -> usable agreed slots of any of its wants
        for i, want in enumerate(wants):
            fixed = self.slot_ix.get(want.fixed_slot, -1) if want.fixed_slot is not None else -1
            if fixed >= 0 and both[i] >> fixed & 1:
                agreed[self.key[i]] = agreed.get(self.key[i], 0) | 1 << fixed
        #: Pairs with an agreed slot may meet only there, and such meetings never move.
        self.forced = [key in agreed for key in self.key]
        self.allowed = [agreed.get(key, mask) for key, mask in zip(self.key, both, strict=True)]
        rng = random.Random(seed)
        ties = [(want.a, want.b, i) if not seed else rng.random() for i, want in enumerate(wants)]
        #: Wants by descending score, then first-come order, then ids (or seeded lots).
        self.ranked = sorted(
            range(len(wants)), key=lambda w: (-self.score[w], wants[w].order, ties[w])
        )
        self.wants_of: list[list[int]] = [[] for _ in self.names]
        for i in self.ranked:
            if self.allowed[i]:
                self.wants_of[self.wa[i]].append(i)
                self.wants_of[self.wb[i]].append(i)
        self.upper_bound, self.places = self._bound()
        # Nudge weights up by rank (< 1e-5 relative) so ties follow `ranked`; bounds stay valid.
        nudged = self.score[:]
        for rank, w in enumerate(self.ranked):
            nudged[w] += 1e-5 * abs(nudged[w]) * (len(wants) - rank) / len(wants)
        relaxed = _relax(self, nudged)
        counted = _relax(self, [1.0] * len(wants))
        self.lp = relaxed[0] if relaxed else [0.0] * len(wants)
        if counted:
            self.upper_bound = min(self.upper_bound, math.floor(counted[1] * (1 + 1e-6) + 1e-6))
        top = sorted((self.score[w] for w in range(len(wants)) if self.allowed[w]), reverse=True)
        greedy_bound = math.fsum(x for x in top[: self.upper_bound] if x > 0)
        self.score_bound = min(relaxed[1], greedy_bound) if relaxed else greedy_bound
        #: Construction order: wants the relaxation takes fully first, then by score.
        self.by_lp = sorted(self.ranked, key=lambda w: -round(self.lp[w], 6))

    def _bound(self) -> tuple[int, list[int]]:
        """The pair, person-place and per-slot bounds (module docstring), and places per person."""
        partners: list[set[int]] = [set() for _ in self.names]
        in_slot = [0] * len(self.names)
        pairs: set[int] = set()
        for w, allowed in enumerate(self.allowed):
            if allowed:
                a, b = self.wa[w], self.wb[w]
                pairs.add(self.key[w])
                partners[a].add(b)
                partners[b].add(a)
                in_slot[a] |= allowed
                in_slot[b] |= allowed
        places = [
            min(cap, (self.full & ~blocked).bit_count(), len(mates))
            for cap, blocked, mates in zip(self.cap, self.blocked, partners, strict=True)
        ]
        self.per_slot = sum(
            min(tables, sum(m >> s & 1 for m in in_slot) // 2)
            for s, tables in enumerate(self.tables)
        )
        return min(len(pairs), sum(places) // 2, self.per_slot), places


def _relax(ix: _Index, weights: list[float]) -> tuple[list[float], float] | None:
    """Optimum of the linear relaxation without slots (None if it cannot be solved).

    Variables: one per want that has a usable slot, in [0, 1]. Rows: each person's meetings at
    most their places; each repeated pair at most once; all meetings at most the per-slot bound.
    Its value bounds any schedule's total weight; its solution orders the construction.
    """
    eligible = [w for w in range(len(ix.wa)) if ix.allowed[w]]
    if not eligible:
        return None
    n, n_people = len(eligible), len(ix.names)
    rows = [ix.wa[w] for w in eligible] + [ix.wb[w] for w in eligible] + [n_people] * n
    cols = [*range(n), *range(n), *range(n)]
    limits = [*map(float, ix.places), float(ix.per_slot)]
    by_pair: dict[int, list[int]] = {}
    for i, w in enumerate(eligible):
        by_pair.setdefault(ix.key[w], []).append(i)
    for same in by_pair.values():
        if len(same) > 1:
            rows.extend([len(limits)] * len(same))
            cols.extend(same)
            limits.append(1.0)
    matrix = coo_array(
        (np.ones(len(rows)), (np.array(rows), np.array(cols))), shape=(len(limits), n)
    ).tocsr()
    cost = -np.array([weights[w] for w in eligible])
    result = milp(
        cost, bounds=Bounds(0.0, 1.0), constraints=LinearConstraint(matrix, -np.inf, limits)
    )
    if result.status != 0 or result.x is None:
        return None
    x = [0.0] * len(ix.wa)
    for w, value in zip(eligible, result.x.tolist(), strict=True):
        x[w] = float(value)
    return x, float(-result.fun)


class _Schedule:
    """Mutable schedule state with an undo log, so moves can be tried and taken back."""

    def __init__(self, ix: _Index) -> None:
        self.ix = ix
        n_people, n_slots = len(ix.names), len(ix.slots)
        self.slot_of = [-1] * len(ix.wa)
        self.occ = [0] * n_people
        self.at = [[-1] * n_slots for _ in range(n_people)]
        self.count = [0] * n_people
        self.load = [0] * n_slots
        self.members: list[dict[int, None]] = [{} for _ in range(n_slots)]
        self.cheap: list[list[tuple[float, int]]] = [[] for _ in range(n_slots)]  # lazy heaps
        self.open = sum(1 << s for s, t in enumerate(ix.tables) if t > 0)
        self.taken: dict[int, int] = {}
        self.log: list[tuple[int, int]] = []
        self.version = 0

    def set(self, w: int, s: int) -> None:
        """Move want w to slot s (-1 = unscheduled), logging the old slot for `undo`."""
        self.log.append((w, self.slot_of[w]))
        self._set(w, s)

    def undo(self, mark: int) -> None:
        """Take back every `set` since the log had length `mark`."""
        while len(self.log) > mark:
            w, old = self.log.pop()
            self._set(w, old)

    def _set(self, w: int, s: int) -> None:
        """Apply one move to every index the checks read."""
        old = self.slot_of[w]
        if old == s:
            return
        a, b = self.ix.wa[w], self.ix.wb[w]
        self.version += 1
        if old >= 0:
            bit = 1 << old
            self.occ[a] ^= bit
            self.occ[b] ^= bit
            self.at[a][old] = self.at[b][old] = -1
            self.load[old] -= 1
            self.open |= bit
            del self.members[old][w]
            if s < 0:
                self.count[a] -= 1
                self.count[b] -= 1
                del self.taken[self.ix.key[w]]
        if s >= 0:
            bit = 1 << s
            self.occ[a] |= bit
            self.occ[b] |= bit
            self.at[a][s] = self.at[b][s] = w
            self.load[s] += 1
            if self.load[s] >= self.ix.tables[s]:
                self.open &= ~bit
            self.members[s][w] = None
            if not self.ix.forced[w]:
                heapq.heappush(self.cheap[s], (self.ix.score[w], w))
            if old < 0:
                self.count[a] += 1
                self.count[b] += 1
                self.taken[self.ix.key[w]] = w
        self.slot_of[w] = s

    def consistent(self) -> bool:
        """Whether every rule holds (used on solver output before trusting it)."""
        ix = self.ix
        return (
            all(load <= t for load, t in zip(self.load, ix.tables, strict=True))
            and all(
                c <= cap and c == occ.bit_count() and not occ & blocked
                for c, cap, occ, blocked in zip(
                    self.count, ix.cap, self.occ, ix.blocked, strict=True
                )
            )
            and len(self.taken) == sum(s >= 0 for s in self.slot_of)
        )

    def can_take(self, w: int) -> bool:
        """Whether w could be added at all: pair not yet met, a slot allowed, both under cap."""
        a, b = self.ix.wa[w], self.ix.wb[w]
        return (
            self.ix.allowed[w] != 0
            and self.ix.key[w] not in self.taken
            and self.count[a] < self.ix.cap[a]
            and self.count[b] < self.ix.cap[b]
        )

    def free_for(self, w: int) -> int:
        """Slots where w could go right now: allowed, both people free, a table left."""
        a, b = self.ix.wa[w], self.ix.wb[w]
        return self.ix.allowed[w] & ~self.occ[a] & ~self.occ[b] & self.open

    def gaps(self, p: int, occ: int) -> int:
        """Idle gaps person p would have with meetings in `occ`."""
        return _idle(occ, self.ix.blocked[p])

    def best_slot(self, w: int, mask: int) -> int:
        """The slot in mask that adds the fewest gaps, then has most tables left, then earliest."""
        a, b = self.ix.wa[w], self.ix.wb[w]
        occ_a, occ_b = self.occ[a], self.occ[b]
        blk_a, blk_b = self.ix.blocked[a], self.ix.blocked[b]
        cur = self.slot_of[w]
        if cur >= 0:
            occ_a ^= 1 << cur
            occ_b ^= 1 << cur
        best, best_key = -1, (0, 0, 0)
        for s in _bits(mask):
            bit = 1 << s
            key = (
                _idle(occ_a | bit, blk_a) + _idle(occ_b | bit, blk_b),
                self.load[s] - self.ix.tables[s],
                s,
            )
            if best < 0 or key < best_key:
                best, best_key = s, key
        return best

    def total_gaps(self) -> int:
        """Idle gaps summed over everybody."""
        return sum(_idle(o, k) for o, k in zip(self.occ, self.ix.blocked, strict=True))


class _Search:
    """Local search moves over one schedule; every accepted step raises score or cuts gaps."""

    def __init__(self, st: _Schedule, deadline: float) -> None:
        self.st = st
        self.ix = st.ix
        self.deadline = deadline
        self.stuck: dict[int, int] = {}  # slot -> version at which no member could leave it
        self.tick = 1
        self.touched = [0] * len(self.ix.names)  # person -> tick of their last committed change
        self.tried = [0] * len(self.ix.wa)  # want -> tick of its last failed attempt

    def out_of_time(self) -> bool:
        """Whether the caller's time limit has passed."""
        return time.perf_counter() > self.deadline

    def relocate(self, m: int, avoid: int) -> bool:
        """Move scheduled meeting m to another free slot outside `avoid`."""
        if self.ix.forced[m]:
            return False
        mask = self.st.free_for(m) & ~avoid
        if not mask:
            return False
        self.st.set(m, self.st.best_slot(m, mask))
        return True

    def free_table(self, s: int) -> bool:
        """Empty one table in full slot s by moving any of its meetings to another slot."""
        st = self.st
        if not st.open & ~(1 << s) or self.stuck.get(s) == st.version:
            return False
        for m in st.members[s]:
            if self.relocate(m, 1 << s):
                return True
        self.stuck[s] = st.version
        return False

    def insert(self, w: int) -> bool:
        """Schedule w, moving meetings that block it out of the way if needed (no evictions)."""
        st = self.st
        if not st.can_take(w):
            return False
        mask = st.free_for(w)
        if mask:
            st.set(w, st.best_slot(w, mask))
            return True
        a, b = self.ix.wa[w], self.ix.wb[w]
        for s in _bits(self.ix.allowed[w]):
            mark = len(st.log)
            blockers = [m for m in (st.at[a][s], st.at[b][s]) if m >= 0]
            ok = all(self.relocate(m, 1 << s) for m in blockers)
            if ok and st.load[s] >= self.ix.tables[s]:
                ok = self.free_table(s)
            if ok:
                st.set(w, s)
                return True
            st.undo(mark)
        return False

    def _cheapest_of(self, p: int, skip: dict[int, None]) -> int:
        """The lowest-score movable meeting of person p not already in `skip` (-1 if none)."""
        best = -1
        for m in self.st.at[p]:
            if (m >= 0 and m not in skip and not self.ix.forced[m]) and (
                best < 0 or self.ix.score[m] < self.ix.score[best]
            ):
                best = m
        return best

    def _cheapest_in(self, s: int) -> int:
        """The lowest-score movable meeting in slot s (-1 if none), from a lazy heap."""
        heap, members = self.st.cheap[s], self.st.members[s]
        while heap and heap[0][1] not in members:
            heapq.heappop(heap)
        return heap[0][1] if heap else -1

    def _evictions(self, w: int, s: int) -> dict[int, None] | None:
        """Meetings to drop so that w fits in slot s, or None if a fixed meeting is in the way."""
        st, ix = self.st, self.ix
        a, b = ix.wa[w], ix.wb[w]
        out: dict[int, None] = {}
        for p in (a, b):
            m = st.at[p][s]
            if m >= 0:
                if ix.forced[m]:
                    return None
                out[m] = None
        if not out and st.load[s] >= ix.tables[s]:
            m = self._cheapest_in(s)
            if m < 0:
                return None
            out[m] = None
        for p in (a, b):
            dropped = sum(ix.wa[m] == p or ix.wb[m] == p for m in out)
            if st.count[p] - dropped >= ix.cap[p]:
                m = self._cheapest_of(p, out)
                if m < 0:
                    return None
                out[m] = None
        return out

    def replace(self, w: int, tries: int = 2) -> bool:
        """Schedule w by dropping cheaper meetings, then re-insert those; keep it if score rises."""
        st, ix = self.st, self.ix
        if not ix.allowed[w] or ix.key[w] in st.taken:
            return False
        options: list[tuple[float, int, dict[int, None]]] = []
        for s in _bits(ix.allowed[w]):
            out = self._evictions(w, s)
            if out is not None:
                options.append((sum(ix.score[m] for m in out), s, out))
        options.sort(key=lambda o: (o[0], o[1]))
        for cost, s, out in options[:tries]:
            mark = len(st.log)
            for m in out:
                st.set(m, -1)
            if not (st.can_take(w) and st.free_for(w) >> s & 1):
                st.undo(mark)
                continue
            st.set(w, s)
            gain = ix.score[w] - cost
            for m in sorted(out, key=lambda m: (-ix.score[m], m)):
                if self.insert(m):
                    gain += ix.score[m]
            for m in out:
                if st.slot_of[m] < 0:
                    gain += self._backfill(ix.wa[m]) + self._backfill(ix.wb[m])
            if gain > _EPS * max(1.0, abs(ix.score[w])):
                return True
            st.undo(mark)
        return False

    def _backfill(self, p: int) -> float:
        """Give person p their best unscheduled want that fits as things stand; its score."""
        st, ix = self.st, self.ix
        count, cap, occ, slot_of, taken = st.count, ix.cap, st.occ, st.slot_of, st.taken
        if count[p] >= cap[p]:
            return 0.0
        free = ~occ[p] & st.open
        for v in ix.wants_of[p]:
            if slot_of[v] >= 0:
                continue
            q = ix.wa[v] ^ ix.wb[v] ^ p
            mask = ix.allowed[v] & free & ~occ[q]
            if mask and count[q] < cap[q] and ix.key[v] not in taken:
                st.set(v, st.best_slot(v, mask))
                return ix.score[v]
        return 0.0

    def improve(self, passes: int = 50, min_gain: float = 1e-3) -> None:
        """Insert or swap in unscheduled wants until a pass adds no meeting and < min_gain score."""
        st, ix = self.st, self.ix
        for _ in range(passes):
            before, meetings = self.score(), len(st.taken)
            changed = False
            for w in ix.ranked:
                if st.slot_of[w] >= 0 or not self._worth_trying(w):
                    continue
                if self.out_of_time():
                    return
                if self.insert(w) or self.replace(w):
                    self._commit()
                    changed = True
                else:
                    self.tried[w] = self.tick
            if not changed or (
                len(st.taken) <= meetings and self.score() - before < min_gain * abs(before)
            ):
                return

    def _commit(self) -> None:
        """Keep the logged moves and mark the people they touched as changed."""
        st, ix, touched = self.st, self.ix, self.touched
        self.tick += 1
        for w, _ in st.log:
            touched[ix.wa[w]] = touched[ix.wb[w]] = self.tick
        st.log.clear()

    def _worth_trying(self, w: int) -> bool:
        """Whether anything near w changed since it last failed: its people or their partners."""
        since, touched, st, ix = self.tried[w], self.touched, self.st, self.ix
        if not since:
            return True
        for p in (ix.wa[w], ix.wb[w]):
            if touched[p] > since:
                return True
            for m in st.at[p]:
                if m >= 0 and (touched[ix.wa[m]] > since or touched[ix.wb[m]] > since):
                    return True
        return False

    def score(self) -> float:
        """Total score of the scheduled wants."""
        return math.fsum(self.ix.score[w] for w in self.st.taken.values())

    def compact(self, passes: int = 20, min_gain: float = 0.02) -> None:
        """Move or swap meetings to close idle gaps until a pass closes < min_gain of them."""
        st, ix = self.st, self.ix
        for _ in range(passes):
            before = st.total_gaps()
            for w in range(len(ix.wa)):
                if st.open and st.slot_of[w] >= 0 and not ix.forced[w]:
                    self._move_closer(w)
            for p in range(len(ix.names)):
                if self.out_of_time():
                    return
                while self._tighten(p):
                    pass
            if before - st.total_gaps() <= min_gain * before:
                return

    def _delta(self, p: int, flip: int) -> int:
        """Change in person p's gaps if the slots in `flip` toggled."""
        occ, blocked = self.st.occ[p], self.ix.blocked[p]
        return _idle(occ ^ flip, blocked) - _idle(occ, blocked)

    def _move_closer(self, w: int) -> bool:
        """Move w to the free slot that cuts its two people's gaps most, if any does."""
        st, ix = self.st, self.ix
        mask = st.free_for(w)
        if not mask:
            return False
        a, b, s = ix.wa[w], ix.wb[w], st.slot_of[w]
        best, best_delta = -1, 0
        for t in _bits(mask):
            flip = 1 << s | 1 << t
            delta = self._delta(a, flip) + self._delta(b, flip)
            if delta < best_delta:
                best, best_delta = t, delta
        if best < 0:
            return False
        st.set(w, best)
        return True

    def _tighten(self, p: int) -> bool:
        """Move p's first or last meeting into one of p's gaps, swapping with a meeting there."""
        st, ix = self.st, self.ix
        occ = st.occ[p]
        if not _idle(occ, ix.blocked[p]):
            return False
        lo, hi = (occ & -occ).bit_length() - 1, occ.bit_length() - 1
        holes = ((1 << (hi + 1)) - 1) & ~((1 << lo) - 1) & ~occ & ~ix.blocked[p]
        for s in (lo, hi):
            w = st.at[p][s]
            if ix.forced[w]:
                continue
            q = ix.wb[w] if ix.wa[w] == p else ix.wa[w]
            for t in _bits(holes & ix.allowed[w] & ~st.occ[q]):
                flip = 1 << s | 1 << t
                gain = self._delta(p, flip) + self._delta(q, flip)
                if st.open >> t & 1:
                    if gain < 0:
                        st.set(w, t)
                        return True
                    continue
                n = self._swap_partner(t, s, -gain)
                if n >= 0:
                    st.set(n, -1)
                    st.set(w, t)
                    st.set(n, s)
                    return True
        return False

    def _swap_partner(self, t: int, s: int, need: int) -> int:
        """A meeting in slot t that could move to slot s and cut its people's gaps by > -need."""
        st, ix = self.st, self.ix
        flip, bit = 1 << s | 1 << t, 1 << s
        for n in st.members[t]:
            x, y = ix.wa[n], ix.wb[n]
            if ix.forced[n] or not ix.allowed[n] & bit or (st.occ[x] | st.occ[y]) & bit:
                continue
            if self._delta(x, flip) + self._delta(y, flip) < need:
                return n
        return -1


def _first_come(ix: _Index, problem: Problem) -> _Schedule:
    """Greedy first-come: fixed wants first, then in `order`; each takes the earliest free slot."""
    st = _Schedule(ix)
    wants = problem.wants
    by_order = sorted(range(len(wants)), key=lambda w: (not ix.forced[w], wants[w].order, w))
    for w in by_order:
        if st.can_take(w):
            mask = st.free_for(w)
            if mask:
                st.set(w, (mask & -mask).bit_length() - 1)
    st.log.clear()
    return st


def _by_score(ix: _Index) -> _Schedule:
    """Fixed wants, then the rest by rank, each into the shared free slot adding fewest gaps."""
    st = _Schedule(ix)
    for w in sorted(ix.by_lp, key=lambda w: not ix.forced[w]):
        if st.can_take(w):
            mask = st.free_for(w)
            if mask:
                st.set(w, st.best_slot(w, mask))
    st.log.clear()
    return st


def _reason(st: _Schedule, problem: Problem, w: int) -> str:
    """Why want w stayed unscheduled, in words an organiser can act on."""
    ix, want = st.ix, problem.wants[w]
    a, b = ix.wa[w], ix.wb[w]
    if a == b:
        return "a person cannot meet themselves"
    if ix.key[w] in st.taken:
        return "this pair is already scheduled"
    if not ix.allowed[w]:
        return "no slot where both are available"
    for p in (a, b):
        if st.count[p] >= ix.cap[p]:
            return f"{ix.names[p]} reached their meeting cap"
    if ix.forced[w]:
        return f"agreed slot {want.fixed_slot} is taken"
    return "every slot both could use is taken or full"


def _report(st: _Schedule, problem: Problem) -> Report:
    """Number tables per slot and collect the figures."""
    ix = st.ix
    assignments: list[Assignment] = []
    for s, members in enumerate(st.members):
        ordered = sorted(members, key=lambda w: (problem.wants[w].a, problem.wants[w].b, w))
        for table, w in enumerate(ordered, start=1):
            want = problem.wants[w]
            assignments.append(Assignment(want.a, want.b, ix.slots[s], table))
    scheduled = [w for w, s in enumerate(st.slot_of) if s >= 0]
    left = [w for w, s in enumerate(st.slot_of) if s < 0]
    met = [(o, k) for o, k in zip(st.occ, ix.blocked, strict=True) if o]
    idle = sum(_idle(o, k) for o, k in met) / len(met) if met else 0.0
    return Report(
        assignments=tuple(assignments),
        requested=len(problem.wants),
        scheduled=len(scheduled),
        upper_bound=ix.upper_bound,
        total_score=math.fsum(ix.score[w] for w in scheduled),
        idle_slots_mean=idle,
        unscheduled=tuple(problem.wants[w] for w in left),
        reasons=tuple(_reason(st, problem, w) for w in left),
        score_bound=ix.score_bound,
    )


def _quality(st: _Schedule) -> tuple[float, int, int]:
    """Comparison key: total score, then meetings, then fewer gaps."""
    scheduled = [w for w, s in enumerate(st.slot_of) if s >= 0]
    return math.fsum(st.ix.score[w] for w in scheduled), len(scheduled), -st.total_gaps()


def optimise(problem: Problem, *, seed: int = 0, time_limit: float = 8.0) -> Report:
    """Best schedule found by the method in the module docstring, within `time_limit` seconds."""
    deadline = time.perf_counter() + time_limit
    ix = _Index(problem, seed)
    best = _by_score(ix)
    _Search(best, deadline).improve()
    base = _first_come(ix, problem)
    if _quality(base) > _quality(best):
        best = base
        _Search(best, deadline).improve()
    exact = _exact(ix, best, deadline)
    if exact is not None and _quality(exact) > _quality(best):
        best = exact
    _Search(best, deadline).compact()
    return _report(best, problem)


def _exact(ix: _Index, start: _Schedule, deadline: float) -> _Schedule | None:
    """The optimum of the integer programme over (want, slot) options, on small problems only.

    Maximises score plus a tiny bonus per meeting; the fixed wants `start` placed must stay.
    None when `start` already reaches the score bound, the problem is too large, time is short,
    or HiGHS returns no solution.
    """
    options = [(w, s) for w in range(len(ix.wa)) for s in _bits(ix.allowed[w])]
    budget = deadline - time.perf_counter()
    proven = _quality(start)[0] >= ix.score_bound * (1 - 1e-12)
    if proven or not options or len(options) > EXACT_MAX_OPTIONS or budget < 0.5:
        return None
    groups: dict[tuple[int, int], list[int]] = {}
    for i, (w, s) in enumerate(options):
        a, b = ix.wa[w], ix.wb[w]
        for group in ((0, ix.key[w]), (1, a * len(ix.slots) + s), (1, b * len(ix.slots) + s)):
            groups.setdefault(group, []).append(i)
        groups.setdefault((2, s), []).append(i)
        groups.setdefault((3, a), []).append(i)
        groups.setdefault((3, b), []).append(i)
    rows: list[int] = []
    cols: list[int] = []
    limits: list[float] = []
    for (kind, key), members in groups.items():
        limit = ix.tables[key] if kind == 2 else ix.cap[key] if kind == 3 else 1
        if len(members) > limit:
            rows.extend([len(limits)] * len(members))
            cols.extend(members)
            limits.append(float(limit))
    top = max((ix.score[w] for w, _ in options), default=1.0)
    bonus = 1e-7 * max(top, 1e-9) / len(options)
    cost = np.array([-(ix.score[w] + bonus) for w, _ in options])
    keep = np.array([float(ix.forced[w] and start.slot_of[w] == s) for w, s in options])
    constraints = []
    if limits:
        matrix = coo_array((np.ones(len(rows)), (rows, cols)), shape=(len(limits), len(options)))
        constraints.append(LinearConstraint(matrix.tocsr(), -np.inf, limits))
    result = milp(
        cost,
        integrality=np.ones(len(options), dtype=np.int64),
        bounds=Bounds(keep, 1.0),
        constraints=constraints,
        options={"time_limit": min(budget / 2, 5.0), "mip_rel_gap": 1e-9},
    )
    if result.x is None:
        return None
    st = _Schedule(ix)
    for (w, s), value in zip(options, result.x.tolist(), strict=True):
        if value > 0.5:
            st.set(w, s)
    st.log.clear()
    return st if st.consistent() else None


def greedy(problem: Problem) -> Report:
    """First-come baseline: wants in `order`, each in the earliest free slot with a table left."""
    ix = _Index(problem)
    return _report(_first_come(ix, problem), problem)


def validate(problem: Problem, assignments: Iterable[Assignment]) -> list[str]:
    """Every broken rule in `assignments` as text (empty = valid), so nothing bad gets booked."""
    errors: list[str] = []
    wants: dict[frozenset[str], list[Want]] = {}
    for w in problem.wants:
        wants.setdefault(frozenset((w.a, w.b)), []).append(w)
    seat: dict[tuple[str, str], str] = {}
    table_of: dict[tuple[str, int], str] = {}
    per_slot: dict[str, int] = {}
    count: dict[str, int] = {}
    pairs: set[frozenset[str]] = set()
    for i, x in enumerate(assignments, start=1):
        label = f"#{i} {x.a}–{x.b} in {x.slot}"
        pair = frozenset((x.a, x.b))
        if x.a == x.b:
            errors.append(f"{label}: a person cannot meet themselves")
        if pair in pairs:
            errors.append(f"{label}: pair scheduled more than once")
        pairs.add(pair)
        if pair not in wants:
            errors.append(f"{label}: nobody asked for this pair to meet")
        if x.slot not in problem.slots:
            errors.append(f"{label}: unknown slot")
            continue
        errors.extend(_fixed_errors(problem, wants.get(pair, []), x, label))
        n_tables = max(0, problem.tables.get(x.slot, 0))
        if not 1 <= x.table <= n_tables:
            errors.append(f"{label}: table {x.table} outside 1..{n_tables}")
        other = table_of.setdefault((x.slot, x.table), label)
        if other != label:
            errors.append(f"{label}: table {x.table} already used by {other}")
        per_slot[x.slot] = per_slot.get(x.slot, 0) + 1
        if per_slot[x.slot] == n_tables + 1:
            errors.append(f"{x.slot}: more meetings than its {n_tables} tables")
        for p in dict.fromkeys((x.a, x.b)):
            if x.slot in problem.busy.get(p, frozenset()):
                errors.append(f"{label}: {p} is busy in {x.slot}")
            other = seat.setdefault((p, x.slot), label)
            if other != label:
                errors.append(f"{label}: {p} is already in {other}")
            count[p] = count.get(p, 0) + 1
            if count[p] == max(0, problem.cap.get(p, problem.default_cap)) + 1:
                errors.append(f"{p}: more meetings than their cap")
    return errors


def _fixed_errors(problem: Problem, wants: list[Want], x: Assignment, label: str) -> list[str]:
    """The error if this pair agreed on usable slots and `x` is in none of them."""
    agreed = {
        w.fixed_slot
        for w in wants
        if w.fixed_slot in problem.slots
        and w.a != w.b
        and problem.tables.get(w.fixed_slot, 0) > 0
        and not any(w.fixed_slot in problem.busy.get(p, frozenset()) for p in (w.a, w.b))
    }
    if agreed and x.slot not in agreed:
        return [f"{label}: agreed slot {', '.join(sorted(s for s in agreed if s))} not honoured"]
    return []

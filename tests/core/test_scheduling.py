"""Schedule optimiser: never breaks a rule, beats first-come booking, honours busy slots, caps and
agreed slots; `validate` names every kind of violation."""

from __future__ import annotations

import random
from collections.abc import Iterator
from unittest.mock import patch

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.schedule import optimiser as scheduling
from core.schedule.optimiser import Assignment, Problem, Report, Want, greedy, optimise, validate

SLOTS = ("s1", "s2", "s3")


def problem(*wants: Want, slots: tuple[str, ...] = SLOTS, tables: int = 5, **kw: object) -> Problem:
    """A problem with the same number of tables in every slot."""
    return Problem(slots, dict.fromkeys(slots, tables), wants, **kw)  # type: ignore[arg-type]


def met(report: Report) -> dict[frozenset[str], str]:
    """Pair -> slot of every assignment."""
    return {frozenset((x.a, x.b)): x.slot for x in report.assignments}


@pytest.fixture(params=["exact", "heuristic"])
def solver(request: pytest.FixtureRequest) -> Iterator[str]:
    """Run a test with the integer programme allowed, and with the local search alone."""
    limit = scheduling.EXACT_MAX_OPTIONS if request.param == "exact" else 0
    with patch.object(scheduling, "EXACT_MAX_OPTIONS", limit):
        yield request.param


# --- where first-come booking goes wrong ---------------------------------------------------------


def test_earliest_slot_blocks_a_later_request(solver: str) -> None:
    # A–B takes s1 first; A–C could only ever meet in s1 (C is busy in s2).
    p = problem(
        Want("A", "B", order=0),
        Want("A", "C", order=1),
        slots=("s1", "s2"),
        busy={"C": frozenset({"s2"})},
    )
    assert greedy(p).scheduled == 1
    report = optimise(p)
    assert report.scheduled == 2 == report.upper_bound
    assert met(report) == {frozenset("AB"): "s2", frozenset("AC"): "s1"}
    assert validate(p, report.assignments) == []


def test_cap_goes_to_the_better_match(solver: str) -> None:
    p = problem(Want("A", "B", 1.0, order=0), Want("A", "C", 5.0, order=1), cap={"A": 1})
    assert greedy(p).total_score == 1.0
    report = optimise(p)
    assert report.total_score == 5.0
    assert set(met(report)) == {frozenset("AC")}
    assert report.unscheduled == (Want("A", "B", 1.0, order=0),)
    assert report.reasons == ("A reached their meeting cap",)


def test_last_table_goes_to_the_better_match(solver: str) -> None:
    p = problem(Want("A", "B", 1.0, order=0), Want("C", "D", 3.0, order=1), slots=("s1",), tables=1)
    assert greedy(p).total_score == 1.0
    assert optimise(p).total_score == 3.0


def test_two_cheap_meetings_beat_one_dear_one(solver: str) -> None:
    # B–C (3) blocks both A–B (2) and C–D (2) when everyone has one meeting left.
    p = problem(
        Want("B", "C", 3.0, order=0),
        Want("A", "B", 2.0, order=1),
        Want("C", "D", 2.0, order=2),
        default_cap=1,
    )
    assert greedy(p).total_score == 3.0
    report = optimise(p)
    assert (report.scheduled, report.total_score) == (2, 4.0)


def test_chain_needs_a_meeting_moved(solver: str) -> None:
    # Every person is free in two of three slots; only one slot assignment fits all three.
    busy = {"A": frozenset({"s3"}), "B": frozenset({"s1"}), "C": frozenset({"s2"})}
    p = problem(
        Want("A", "B", order=0), Want("B", "C", order=1), Want("A", "C", order=2), busy=busy
    )
    report = optimise(p)
    assert report.scheduled == 3
    assert met(report) == {frozenset("AB"): "s2", frozenset("BC"): "s3", frozenset("AC"): "s1"}


# --- rules ---------------------------------------------------------------------------------------


def test_busy_slots_are_avoided(solver: str) -> None:
    p = problem(Want("A", "B"), busy={"A": frozenset({"s1"}), "B": frozenset({"s2"})})
    assert met(optimise(p)) == {frozenset("AB"): "s3"}
    assert met(greedy(p)) == {frozenset("AB"): "s3"}


def test_nobody_free_together_is_explained(solver: str) -> None:
    p = problem(Want("A", "B"), busy={"A": frozenset({"s1", "s2"}), "B": frozenset({"s3"})})
    report = optimise(p)
    assert report.scheduled == report.upper_bound == 0
    assert report.reasons == ("no slot where both are available",)


def test_caps_and_default_cap(solver: str) -> None:
    wants = tuple(Want("A", f"P{i}", float(i)) for i in range(5))
    report = optimise(problem(*wants, cap={"A": 2}))
    assert report.scheduled == 2
    assert {x.b for x in report.assignments} == {"P3", "P4"}
    assert optimise(problem(*wants, default_cap=3)).scheduled == 3
    assert optimise(problem(*wants, cap={"A": 0})).scheduled == 0


def test_tables_are_numbered_from_one_and_never_overflow(solver: str) -> None:
    wants = tuple(Want(f"X{i}", f"Y{i}") for i in range(7))
    p = Problem(("s1", "s2"), {"s1": 3, "s2": 2}, wants)
    report = optimise(p)
    assert report.scheduled == report.upper_bound == 5
    tables = sorted((x.slot, x.table) for x in report.assignments)
    assert tables == [("s1", 1), ("s1", 2), ("s1", 3), ("s2", 1), ("s2", 2)]
    assert validate(p, report.assignments) == []


def test_agreed_slot_is_honoured(solver: str) -> None:
    p = problem(Want("A", "B", fixed_slot="s3"), Want("A", "C", 9.0))
    assert met(optimise(p))[frozenset("AB")] == "s3"
    assert met(greedy(p))[frozenset("AB")] == "s3"


def test_agreed_slot_beats_a_better_match(solver: str) -> None:
    # One table: the agreed meeting keeps it although C–D scores higher.
    p = problem(Want("A", "B", 1.0, fixed_slot="s1"), Want("C", "D", 9.0), slots=("s1",), tables=1)
    assert met(optimise(p)) == {frozenset("AB"): "s1"}


def test_unusable_agreed_slot_lets_the_pair_meet_elsewhere(solver: str) -> None:
    p = problem(
        Want("A", "B", fixed_slot="s1"),
        Want("C", "D", fixed_slot="gone"),
        busy={"A": frozenset({"s1"})},
    )
    report = optimise(p)
    assert report.scheduled == 2
    assert validate(p, report.assignments) == []


def test_conflicting_agreed_slots_keep_one(solver: str) -> None:
    p = problem(Want("A", "B", 1.0, fixed_slot="s1"), Want("A", "C", 2.0, fixed_slot="s1"))
    report = optimise(p)
    assert met(report) == {frozenset("AC"): "s1"}
    assert report.reasons == ("agreed slot s1 is taken",)


def test_self_meetings_and_repeated_pairs(solver: str) -> None:
    p = problem(Want("A", "A"), Want("A", "B", 1.0), Want("B", "A", 2.0))
    report = optimise(p)
    assert report.scheduled == report.upper_bound == 1
    assert report.total_score == 2.0
    assert sorted(report.reasons) == [
        "a person cannot meet themselves",
        "this pair is already scheduled",
    ]


def test_empty_problems() -> None:
    for p in (problem(), Problem((), {}, (Want("A", "B"),))):
        report = optimise(p)
        assert (report.scheduled, report.upper_bound, report.total_score) == (0, 0, 0.0)
        assert validate(p, report.assignments) == []


def test_idle_gaps_count_free_slots_between_meetings_only() -> None:
    slots = ("s1", "s2", "s3", "s4")
    p = Problem(slots, dict.fromkeys(slots, 1), (Want("A", "B"), Want("A", "C"), Want("A", "D")))
    # One table per slot: A meets three people in four slots, compactly.
    report = optimise(p)
    assert report.scheduled == 3
    assert report.idle_slots_mean == 0.0
    # With s2 busy for A, meetings in s1, s3, s4 leave no idle slot either.
    busy = {"A": frozenset({"s2"})}
    report = optimise(Problem(slots, dict.fromkeys(slots, 1), p.wants, busy))
    assert (report.scheduled, report.idle_slots_mean) == (3, 0.0)


def test_compact_schedules_are_preferred(solver: str) -> None:
    # A meets B and C; with tables everywhere, no idle slot between them.
    slots = tuple(f"s{i}" for i in range(6))
    p = Problem(slots, dict.fromkeys(slots, 3), (Want("A", "B"), Want("A", "C"), Want("C", "D")))
    assert optimise(p).idle_slots_mean == 0.0


def test_report_bounds_and_counts(solver: str) -> None:
    wants = (Want("A", "B", 2.0), Want("A", "C", 1.0), Want("B", "C", 1.5))
    report = optimise(problem(*wants, slots=("s1",), tables=1))
    assert report.requested == 3
    assert report.scheduled == len(report.assignments) == 1 == report.upper_bound
    assert report.total_score == 2.0 <= report.score_bound + 1e-9
    assert len(report.unscheduled) == len(report.reasons) == 2


def test_exact_solver_finds_the_optimum_from_scratch() -> None:
    busy = {"A": frozenset({"s3"}), "B": frozenset({"s1"}), "C": frozenset({"s2"})}
    p = problem(
        Want("A", "B", 1.0),
        Want("B", "C", 1.0),
        Want("A", "C", 1.0),
        Want("C", "D", 2.5),
        busy=busy,
        default_cap=2,
    )
    ix = scheduling._Index(p)
    exact = scheduling._exact(ix, scheduling._Schedule(ix), deadline=float("inf"))
    assert exact is not None
    report = scheduling._report(exact, p)
    assert (report.scheduled, report.total_score) == (3, 4.5)
    assert validate(p, report.assignments) == []


def test_no_time_still_gives_a_valid_schedule() -> None:
    wants = tuple(Want(f"p{i % 7}", f"p{(i * 3 + 1) % 7}", float(i % 4 + 1)) for i in range(20))
    p = problem(*wants, tables=2)
    report = optimise(p, time_limit=0.0)
    assert validate(p, report.assignments) == []
    assert report.scheduled > 0


def test_seeds_break_ties_differently_but_reproducibly() -> None:
    wants = tuple(Want("A", x) for x in "BCDEFG")
    p = problem(*wants, slots=("s1",), tables=1)
    picks = {seed: optimise(p, seed=seed).assignments for seed in range(6)}
    assert all(len(a) == 1 for a in picks.values())
    assert picks[0] == optimise(p, seed=0).assignments == (Assignment("A", "B", "s1", 1),)
    assert picks[3] == optimise(p, seed=3).assignments
    assert len(set(picks.values())) > 1


# --- validate ------------------------------------------------------------------------------------

BASE = problem(
    Want("A", "B"),
    Want("A", "C"),
    Want("B", "C"),
    Want("C", "D", fixed_slot="s2"),
    slots=("s1", "s2"),
    tables=1,
    busy={"D": frozenset({"s1"})},
    cap={"A": 1},
)


@pytest.mark.parametrize(
    ("assignments", "expected"),
    [
        ([Assignment("A", "B", "s1", 1), Assignment("A", "C", "s1", 2)], "A is already in"),
        ([Assignment("A", "B", "s1", 1), Assignment("B", "C", "s1", 1)], "already used by"),
        ([Assignment("A", "B", "s1", 1), Assignment("C", "D", "s1", 2)], "more meetings than its"),
        ([Assignment("A", "B", "s1", 2)], "table 2 outside 1..1"),
        ([Assignment("C", "D", "s1", 1)], "D is busy in s1"),
        ([Assignment("A", "B", "s1", 1), Assignment("A", "C", "s2", 1)], "A: more meetings than"),
        ([Assignment("A", "B", "s1", 1), Assignment("B", "A", "s2", 1)], "pair scheduled more"),
        ([Assignment("A", "B", "s9", 1)], "unknown slot"),
        ([Assignment("A", "A", "s1", 1)], "cannot meet themselves"),
        ([Assignment("A", "D", "s2", 1)], "nobody asked"),
        ([Assignment("D", "C", "s1", 1)], "agreed slot s2 not honoured"),
    ],
)
def test_validate_names_each_violation(assignments: list[Assignment], expected: str) -> None:
    errors = validate(BASE, assignments)
    assert any(expected in e for e in errors), errors


def test_validate_accepts_a_valid_schedule() -> None:
    good = [Assignment("A", "B", "s1", 1), Assignment("C", "D", "s2", 1)]
    assert validate(BASE, good) == []


# --- properties ----------------------------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    """Small random problems with busy slots, caps, agreed slots, repeats and self-pairs."""
    n_slots = draw(st.integers(1, 5))
    slots = tuple(f"s{i}" for i in range(n_slots))
    people = [f"p{i}" for i in range(draw(st.integers(2, 12)))]
    person = st.sampled_from(people)
    tables = {s: draw(st.integers(0, 3)) for s in slots}
    wants = draw(
        st.lists(
            st.builds(
                Want,
                person,
                person,
                st.sampled_from([0.5, 1.0, 1.0, 2.0, 3.5, 7.0]),
                st.integers(0, 40),
                st.one_of(st.none(), st.sampled_from([*slots, "nowhere"])),
            ),
            max_size=30,
        )
    )
    subsets = st.frozensets(st.sampled_from(slots))
    busy = draw(st.dictionaries(person, subsets, max_size=len(people)))
    cap = draw(st.dictionaries(person, st.integers(0, 4), max_size=len(people)))
    return Problem(slots, tables, tuple(wants), busy, cap, draw(st.integers(1, 5)))


def check(p: Problem) -> tuple[Report, Report]:
    """The properties every solve must have; returns (optimised, greedy) reports."""
    best, base = optimise(p), greedy(p)
    for report in (best, base):
        assert validate(p, report.assignments) == []
        assert report.scheduled == len(report.assignments) <= report.upper_bound
        assert report.scheduled + len(report.unscheduled) == report.requested
        assert len(report.reasons) == len(report.unscheduled)
        assert report.total_score <= best.score_bound + 1e-6
    assert best.total_score >= base.total_score - 1e-9
    assert optimise(p) == best
    return best, base


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_properties_with_exact_solver(p: Problem) -> None:
    check(p)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_properties_with_local_search_only(p: Problem) -> None:
    with patch.object(scheduling, "EXACT_MAX_OPTIONS", 0):
        check(p)


def test_optimise_schedules_at_least_as_many_as_greedy_almost_always() -> None:
    # Score comes first, so fewer meetings than greedy is allowed, but should be rare.
    rng = random.Random(7)
    worse = 0
    for _ in range(100):
        people = [f"p{i}" for i in range(rng.randint(4, 12))]
        slots = tuple(f"s{i}" for i in range(rng.randint(1, 5)))
        pairs = [rng.sample(people, 2) for _ in range(rng.randint(1, 30))]
        wants = tuple(Want(a, b, rng.choice([1.0, 2.0, 3.0]), rng.randint(0, 30)) for a, b in pairs)
        busy = {p: frozenset(s for s in slots if rng.random() < 0.3) for p in people}
        p = Problem(
            slots, {s: rng.randint(1, 3) for s in slots}, wants, busy, {}, rng.randint(1, 4)
        )
        with patch.object(scheduling, "EXACT_MAX_OPTIONS", 0):
            best, base = check(p)
        worse += best.scheduled < base.scheduled
    assert worse <= 100 * 0.05

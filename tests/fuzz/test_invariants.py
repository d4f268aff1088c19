"""The fuzz suite's own checks catch what they are for (a check that never fires proves nothing)."""

from __future__ import annotations

from tests.support.hostile import deliverable
from tests.support.invariants import changed_for_others, formula_cells, limit_problems


def people(*rows: tuple[int, str]) -> dict[str, list[dict]]:
    return {"people": [{"telegram_id": uid, "language": lang} for uid, lang in rows]}


def test_a_change_to_someone_elses_row_is_caught_and_ones_own_is_not():
    before = people((1, "en"), (2, "en"))
    assert changed_for_others(before, people((1, "ko"), (2, "en")), actor=1) == []
    [problem] = changed_for_others(before, people((1, "en"), (2, "ko")), actor=1)
    assert problem.startswith("people: 1 row(s) of others changed")
    assert changed_for_others(before, people((1, "en")), actor=1) != []  # a removal too
    assert changed_for_others(before, people((1, "en")), actor=1, allowed=("people",)) == []


def test_a_meeting_belongs_to_everyone_in_it():
    seats = [{"meeting_id": 7, "telegram_id": 1}, {"meeting_id": 7, "telegram_id": 2}]
    before = {"meetings": [{"id": 7, "status": "booked"}], "meeting_people": seats}
    after = {"meetings": [{"id": 7, "status": "cancelled"}], "meeting_people": seats}
    assert changed_for_others(before, after, actor=2) == []
    assert changed_for_others(before, after, actor=3) != []


def test_over_long_text_and_nul_are_caught_in_new_rows_only():
    long = {"profiles": [{"telegram_id": 1, "full_name": "x" * 101, "bio": "y" * 501}]}
    problems = limit_problems(long)
    assert any("profiles.full_name: 101 characters over 100" in p for p in problems)
    assert any("profiles.bio: 501 characters over 500" in p for p in problems)
    nul = {"meeting_outcomes": [{"meeting_id": 1, "telegram_id": 1, "comment": "a\x00b"}]}
    assert limit_problems(nul) == ["meeting_outcomes.comment: a NUL character is stored"]
    assert limit_problems(nul, before=nul) == []


def test_formula_cells_are_found_and_plain_ones_are_not():
    data = b'name,note\r\n=1+1,fine\r\nKim,\'=quoted\r\n"-2",@x\r\n'
    assert formula_cells(data) == ["line 2: '=1+1'", "line 4: '-2'", "line 4: '@x'"]


def test_deliverable_trims_and_keeps_within_telegrams_units():
    assert deliverable("  hi  ") == "hi"
    assert deliverable(" \n\t ") == ""
    cut = deliverable("👩" * 600, limit=1024)  # two UTF-16 units each
    assert len(cut) == 512

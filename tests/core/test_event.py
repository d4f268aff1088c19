"""The event model: slots cut from rounds and desks, stable slot keys, and reload planning."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from core.event.model import (
    SLOT_KEY_MAX,
    Desk,
    Event,
    Round,
    SlotSpec,
    plan_changes,
    slot_key,
)
from core.programme.sessions import Session
from core.reference.rules import RuleBroken

CEST = timezone(timedelta(hours=2))


def at(hour: int, minute: int = 0, day: int = 10) -> datetime:
    """A UTC time on the forum's matchmaking day."""
    return datetime(2025, 4, day, hour, minute, tzinfo=UTC)


def morning(**changes: object) -> Round:
    fields: dict[str, object] = {
        "key": "morning",
        "name": "Matchmaking, morning round",
        "starts_at": at(8),
        "ends_at": at(10, 30),
        "slot_minutes": 20,
        "tables": 15,
        "location": "Matchmaking area, level 2",
    }
    fields.update(changes)
    return Round(**fields)  # type: ignore[arg-type]


def desk(**changes: object) -> Desk:
    fields: dict[str, object] = {
        "key": "proposal-development",
        "expert": "NCP Horizon Europe (EU)",
        "topic": "Proposal development",
        "windows": ((at(8), at(10, 30)), (at(12), at(14, 30))),
        "slot_minutes": 30,
        "location": "Consultation corner, desk 1",
    }
    fields.update(changes)
    return Desk(**fields)  # type: ignore[arg-type]


def event(**changes: object) -> Event:
    fields: dict[str, object] = {
        "name": "Korea-EU Quantum Research Forum",
        "timezone": "Europe/Brussels",
        "days": (date(2025, 4, 9), date(2025, 4, 10), date(2025, 4, 11)),
        "rounds": (morning(),),
        "desks": (desk(),),
    }
    fields.update(changes)
    return Event(**fields)  # type: ignore[arg-type]


# --- slots --------------------------------------------------------------------------------------


def test_round_cuts_consecutive_slots_while_a_whole_slot_fits() -> None:
    slots = morning().slots()

    # 150 minutes of 20-minute slots: 7 slots, the last 10 minutes stay free.
    assert len(slots) == 7
    assert [s.starts_at for s in slots] == [at(8) + timedelta(minutes=20 * i) for i in range(7)]
    assert all(s.ends_at - s.starts_at == timedelta(minutes=20) for s in slots)
    assert slots[-1].ends_at == at(10, 20)
    assert {(s.kind, s.owner_key, s.capacity, s.location) for s in slots} == {
        ("meeting", "morning", 15, "Matchmaking area, level 2")
    }
    assert slots[0].key == "morning@20250410T0800"


def test_round_that_divides_exactly_uses_the_last_minute() -> None:
    slots = morning(ends_at=at(9)).slots()

    assert [s.starts_at for s in slots] == [at(8), at(8, 20), at(8, 40)]
    assert slots[-1].ends_at == at(9)


def test_round_shorter_than_one_slot_opens_none() -> None:
    assert morning(ends_at=at(8, 15)).slots() == ()


def test_desk_slots_follow_each_window_with_one_visitor_each() -> None:
    slots = desk().slots()

    assert len(slots) == 10
    assert [s.starts_at for s in slots[:5]] == [at(8) + timedelta(minutes=30 * i) for i in range(5)]
    assert slots[5].starts_at == at(12)
    assert {(s.kind, s.capacity, s.owner_key) for s in slots} == {
        ("consult", 1, "proposal-development")
    }


def test_desk_windows_are_sorted_so_slots_come_in_time_order() -> None:
    slots = desk(windows=((at(12), at(13)), (at(8), at(9)))).slots()

    assert [s.starts_at for s in slots] == [at(8), at(8, 30), at(12), at(12, 30)]


def test_times_are_kept_in_utc_whatever_offset_the_caller_used() -> None:
    local = morning(starts_at=datetime(2025, 4, 10, 10, 0, tzinfo=CEST))

    assert local.starts_at == at(8)
    assert local.starts_at.tzinfo is UTC
    assert local.slots()[0].key == "morning@20250410T0800"


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: morning(starts_at=datetime(2025, 4, 10, 8)), "timezone-aware"),
        (lambda: morning(ends_at=at(8)), "after"),
        (lambda: morning(tables=0), "between 1 and 1000"),
        (lambda: morning(slot_minutes=0), "between 5 and 120"),
        (lambda: desk(windows=((at(9), at(8)),)), "must be after start"),
        (
            lambda: Session(
                key="s",
                title="t",
                track="t",
                room="r",
                starts_at=at(9),
                ends_at=at(10),
                capacity=0,
            ),
            "capacity",
        ),
    ],
)
def test_impossible_programme_items_are_refused(build: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build()  # type: ignore[operator]


# --- slot keys ----------------------------------------------------------------------------------


def test_slot_keys_are_short_stable_and_distinct_for_long_owner_keys() -> None:
    long_a = "a" * 30 + "-alpha"
    long_b = "a" * 30 + "-omega"

    key_a = slot_key(long_a, at(8))
    key_b = slot_key(long_b, at(8))

    assert len(key_a) <= SLOT_KEY_MAX
    assert len(key_b) <= SLOT_KEY_MAX
    assert key_a != key_b
    assert key_a == slot_key(long_a, at(8))  # same input, same key: reloads find the slot again
    assert key_a.endswith("@20250410T0800")


def test_every_slot_of_an_event_has_a_unique_key_of_at_most_40_characters() -> None:
    slots = event(
        rounds=(morning(), morning(key="x" * 32, starts_at=at(12), ends_at=at(14))),
    ).all_slots()

    keys = [s.key for s in slots]
    assert len(keys) == len(set(keys))
    assert max(len(k) for k in keys) <= SLOT_KEY_MAX


def test_all_slots_are_in_time_order_across_rounds_and_desks() -> None:
    slots = event().all_slots()

    assert len(slots) == 7 + 10
    assert [s.starts_at for s in slots] == sorted(s.starts_at for s in slots)
    assert {s.kind for s in slots} == {"meeting", "consult"}


def test_keys_are_one_namespace_across_rounds_desks_and_sessions() -> None:
    with pytest.raises(ValueError, match="used twice"):
        event(desks=(desk(key="morning"),))


def test_refusals_name_the_field_and_the_first_use_so_a_file_loader_can_point_at_them() -> None:
    with pytest.raises(RuleBroken) as repeated:
        event(desks=(desk(key="morning"),))
    assert (repeated.value.field, repeated.value.first) == (("desks", 0, "key"), ("rounds", 0))

    with pytest.raises(RuleBroken) as backwards:
        desk(windows=((at(8), at(9)), (at(12), at(11))))
    assert backwards.value.field == ("windows", 1, "ends_at")
    assert backwards.value.message == "must be after start (2025-04-10 12:00)"

    with pytest.raises(RuleBroken, match="at least one window") as closed:
        desk(windows=())
    assert closed.value.field == ("windows",)


# --- plan_changes -------------------------------------------------------------------------------


def stored(e: Event) -> dict[str, SlotSpec]:
    return {s.key: s for s in e.all_slots()}


def test_reloading_the_same_event_changes_nothing() -> None:
    changes = plan_changes(stored(event()), event())

    assert changes.is_empty
    assert (changes.added, changes.updated, changes.removed) == ((), (), ())


def test_loading_into_an_empty_database_adds_every_slot() -> None:
    changes = plan_changes({}, event())

    assert changes.added == event().all_slots()
    assert not changes.updated
    assert not changes.removed


def test_shortening_a_round_removes_the_slots_that_no_longer_fit() -> None:
    existing = stored(event())

    changes = plan_changes(existing, event(rounds=(morning(ends_at=at(9, 40)),)))

    assert [s.key for s in changes.removed] == [
        "morning@20250410T0940",
        "morning@20250410T1000",
    ]
    assert not changes.added
    assert not changes.updated


def test_more_tables_update_every_slot_of_the_round_in_place() -> None:
    changes = plan_changes(stored(event()), event(rounds=(morning(tables=20),)))

    assert len(changes.updated) == 7
    assert {s.capacity for s in changes.updated} == {20}
    assert not changes.added
    assert not changes.removed


def test_moving_a_desk_window_keeps_the_slots_both_versions_share() -> None:
    moved = desk(windows=((at(8), at(10, 30)), (at(13), at(15, 30))))

    changes = plan_changes(stored(event()), event(desks=(moved,)))

    # 12:00-14:30 became 13:00-15:30: 13:00, 13:30 and 14:00 stay, with any bookings they hold.
    assert [s.starts_at for s in changes.removed] == [at(12), at(12, 30)]
    assert [s.starts_at for s in changes.added] == [at(14, 30), at(15)]
    assert not changes.updated


def test_a_new_location_is_an_update_and_a_dropped_desk_is_a_removal() -> None:
    existing = stored(event())
    new = event(rounds=(morning(location="Hall B"),), desks=())

    changes = plan_changes(existing, new)

    assert {s.location for s in changes.updated} == {"Hall B"}
    assert len(changes.removed) == 10
    assert {s.owner_key for s in changes.removed} == {"proposal-development"}


def test_stored_slots_with_another_offset_are_equal_to_the_same_instants() -> None:
    existing = {
        key: replace(spec, starts_at=spec.starts_at.astimezone(CEST))
        for key, spec in stored(event()).items()
    }

    assert plan_changes(existing, event()).is_empty

"""The one visibility rule: every field, hidden or shown, for each kind of viewer."""

from __future__ import annotations

import pytest

from core.people.editing import HIDEABLE
from core.people.profile import FIELD_NAMES, Profile, Publication
from core.people.visibility import IDENTITY, UNKNOWN, Viewer, name_seen, seen_by
from core.reference.taxonomy import Keyword


def full_profile(**changes) -> Profile:
    profile = Profile(
        7,
        full_name="Ji-woo Kim",
        organisation="KIST",
        country="KR",
        sector="academia",
        career_stage="established",
        expertise=[Keyword("QKD", None)],
        offers="A QKD testbed",
        seeks="Cryo-CMOS partners",
        he_interests="Cluster 4",
        bio="Quantum networks.",
        publications=[Publication("Field QKD", "A trial.")],
        skipped=["bio"],
    )
    for name, value in changes.items():
        setattr(profile, name, value)
    return profile


@pytest.mark.parametrize("viewer", list(Viewer))
@pytest.mark.parametrize("field", HIDEABLE)
def test_a_hidden_field_is_empty_for_every_viewer_but_identity_for_organisers(field, viewer):
    original = full_profile(hidden_fields=[field])
    shown = seen_by(original, viewer)
    assert shown is not None
    organiser_sees = viewer is Viewer.ORGANISER and field in IDENTITY
    assert bool(getattr(shown, field)) is organiser_sees, (field, viewer)
    for other in FIELD_NAMES:  # everything else is shown as it is
        if other != field:
            assert getattr(shown, other) == getattr(original, other), other
    assert shown.hidden_fields == [] and shown.skipped == []  # nothing about what they chose
    assert getattr(original, field)  # the stored profile is untouched


@pytest.mark.parametrize("viewer", list(Viewer))
def test_nothing_hidden_shows_every_field(viewer):
    original = full_profile()
    shown = seen_by(original, viewer)
    assert shown is not None and shown is not original
    assert all(getattr(shown, f) == getattr(original, f) for f in FIELD_NAMES)
    shown.expertise.append(Keyword("x", None))
    assert len(original.expertise) == 1  # a copy: views never change the stored profile


@pytest.mark.parametrize(
    ("visibility", "viewer", "sees"),
    [
        ("all", Viewer.STRANGER, True),
        ("meetings", Viewer.STRANGER, False),
        ("hidden", Viewer.STRANGER, False),
        ("meetings", Viewer.PARTNER, True),
        ("hidden", Viewer.PARTNER, True),
        ("hidden", Viewer.ORGANISER, True),
    ],
)
def test_the_card_level_only_keeps_strangers_out(visibility, viewer, sees):
    profile = full_profile(visibility=visibility, hidden_fields=["organisation"])
    shown = seen_by(profile, viewer)
    assert (shown is not None) is sees
    assert name_seen(profile, viewer) == ("Ji-woo Kim" if sees else UNKNOWN)


def test_names_of_nobody():
    assert seen_by(None, Viewer.ORGANISER) is None
    assert name_seen(None) == UNKNOWN
    assert name_seen(Profile(3)) == UNKNOWN

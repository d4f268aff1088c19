"""What one person may see of another: the single rule every view of someone else goes through.

An attendee's card level (`Profile.visibility`) says who may look at the card at all, and
`Profile.hidden_fields` says which fields stay off it. The rule for each kind of viewer:

* another attendee who meets the card in suggestions or /saved (STRANGER): only when the card
  is visible to all; never a hidden field;
* someone the person meets, or exchanged a meeting request with (PARTNER): always, since they
  deal with each other by name; never a hidden field;
* an organiser (ORGANISER): always; the identity an attendee registers with (name, organisation,
  country, sector, career stage) even when hidden from other attendees, because running the event
  needs it (badges, attendance lists, finding someone); the matchmaking fields a person hid
  (expertise, offers, seeks, Horizon Europe interests, bio, publications) stay hidden from the
  organisers' views and exports too.

Name, country and sector can never be hidden, so a name is always shown to whoever may see
the person.
"""

from __future__ import annotations

from enum import StrEnum

from core.people.profile import FIELD_NAMES, Profile

#: The name shown when a person has none (or no longer exists).
UNKNOWN = "?"
#: What organisers always see: what an attendee registers with for the event.
IDENTITY = frozenset({"full_name", "organisation", "country", "sector", "career_stage"})


class Viewer(StrEnum):
    """Who is looking at another person, as far as their privacy choices are concerned."""

    STRANGER = "stranger"
    PARTNER = "partner"
    ORGANISER = "organiser"


def seen_by(profile: Profile | None, viewer: Viewer) -> Profile | None:
    """Someone's profile as this viewer may see it (a copy: what they hid is empty), or None
    when the viewer may not see the person at all."""
    if profile is None:
        return None
    if viewer is Viewer.STRANGER and profile.visibility != "all":
        return None
    kept = IDENTITY if viewer is Viewer.ORGANISER else frozenset()
    hidden = set(profile.hidden_fields) - kept
    shown = Profile(profile.telegram_id, visibility=profile.visibility, orcid=profile.orcid)
    for name in FIELD_NAMES:
        if name not in hidden:
            value = getattr(profile, name)
            setattr(shown, name, list(value) if isinstance(value, list) else value)
    return shown


def name_seen(profile: Profile | None, viewer: Viewer = Viewer.PARTNER) -> str:
    """The name this viewer sees for someone ('?' when there is none to show)."""
    shown = seen_by(profile, viewer)
    return (shown.full_name if shown else None) or UNKNOWN

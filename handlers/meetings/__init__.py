"""Meetings in the chat: requests, bookings, availability, consultations, reminders, outcomes."""

from __future__ import annotations

from handlers.meetings import availability, bookings, consultations, outcomes, reminders, requests
from handlers.turns import Handler


def handlers() -> list[Handler]:
    """Meeting commands and buttons."""
    return [
        *bookings.handlers(),
        *availability.handlers(),
        *consultations.handlers(),
        *requests.handlers(),
        *reminders.handlers(),
    ]


def note_handlers() -> list[Handler]:
    """A note being typed for a request (an early group, before profile answers)."""
    return requests.note_handlers()


def outcome_handlers() -> list[Handler]:
    """The after-meeting outcome buttons."""
    return outcomes.handlers()


def comment_handlers() -> list[Handler]:
    """A pending outcome comment (an early group, before profile answers)."""
    return outcomes.comment_handlers()

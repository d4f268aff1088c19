"""What loading the event file needs from storage: sessions, slots, desks, the survey."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from core.consortia.ports import HasConsortia
from core.feedback.ports import HasSurvey
from core.meetings.ports import HasMeetings, HasOutcomes
from core.outbox.ports import HasOutbox
from core.people.ports import HasPeople, HasProfiles
from core.ports import Transaction
from core.programme.ports import HasAgenda


class UnitOfWork(
    HasConsortia,
    HasAgenda,
    HasMeetings,
    HasOutcomes,
    HasSurvey,
    HasPeople,
    HasProfiles,
    HasOutbox,
    Transaction,
    Protocol,
):
    """One transaction over what this feature reads and writes; use cases own it."""


#: Opens a fresh unit of work; use cases take one and own the transaction.
UowFactory = Callable[[], UnitOfWork]

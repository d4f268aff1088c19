"""What the schedule builder needs from storage: mutual interest, slots and meetings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from core.meetings.ports import HasMeetings, HasOutcomes
from core.outbox.ports import HasOutbox
from core.partners.ports import HasInterests
from core.people.ports import HasPeople, HasProfiles
from core.ports import HasChanges, Transaction


class UnitOfWork(
    HasInterests,
    HasMeetings,
    HasOutcomes,
    HasPeople,
    HasProfiles,
    HasOutbox,
    HasChanges,
    Transaction,
    Protocol,
):
    """One transaction over what this feature reads and writes; use cases own it."""


#: Opens a fresh unit of work; use cases take one and own the transaction.
UowFactory = Callable[[], UnitOfWork]

"""What every meetings use case is built with: the transaction, the organisers' rules, the
calendar builder and the reminder timing."""

from __future__ import annotations

from core.meetings.messages import IcsBuilder
from core.meetings.model import MeetingRules
from core.meetings.ports import UowFactory
from core.outbox.reminders import ReminderSettings


class UseCases:
    """The base of Requests, Bookings and Consultations (one constructor, the same parts)."""

    def __init__(
        self, uow: UowFactory, rules: MeetingRules, ics: IcsBuilder, reminders: ReminderSettings
    ) -> None:
        self.uow = uow
        self.rules = rules
        self.ics = ics
        self.reminders = reminders

"""The outreach feature's one door: announcements to segments and the morning digest."""

from __future__ import annotations

from core.outbox.reminders import ReminderSettings
from core.outreach.broadcasts import Broadcasts
from core.outreach.digest import Digests
from core.outreach.ports import UowFactory
from core.people.access import AccessPolicy


class Outreach:
    """What handlers and jobs call for outreach; organiser rights are checked inside."""

    def __init__(self, uow: UowFactory, policy: AccessPolicy, reminders: ReminderSettings) -> None:
        #: Draft, target, send, cancel and list broadcasts (organisers only), and their reports.
        self.broadcasts = Broadcasts(uow, policy)
        #: The morning digest of each event day.
        self.digests = Digests(uow, reminders)

"""The schedule door: organisers preview and apply the optimised schedule of a round."""

from __future__ import annotations

from datetime import datetime

from core.meetings.door import Meetings
from core.partners.suggestions import Matchmaker
from core.people.access import AccessPolicy
from core.reference.errors import NotAllowed
from core.schedule.builder import BuildResult, build_schedule
from core.schedule.ports import UowFactory


class Schedule:
    """The schedule builder for organisers; anyone else is refused here, whatever they pressed."""

    def __init__(
        self,
        uow: UowFactory,
        matchmaker: Matchmaker,
        meetings: Meetings,
        policy: AccessPolicy,
        *,
        time_limit: float = 8.0,
    ) -> None:
        self.uow = uow
        self.matchmaker = matchmaker
        self.meetings = meetings
        self.policy = policy
        self.time_limit = time_limit

    async def build(
        self, organiser_id: int, round_key: str, *, now: datetime, apply: bool
    ) -> BuildResult:
        """The plan for one round next to first-come, for an organiser in the chat; with
        `apply` the pairs are booked and told. Raises NotFound when the round has no future
        slots."""
        if not self.policy.is_organiser(organiser_id):
            raise NotAllowed()
        return await self.run(round_key, now=now, apply=apply)

    async def run(self, round_key: str, *, now: datetime, apply: bool) -> BuildResult:
        """The same for the command line, whose operator already holds the database."""
        return await build_schedule(
            self.uow,
            self.matchmaker,
            self.meetings.rules,
            round_key,
            now=now,
            apply=apply,
            ics=self.meetings.ics,
            time_limit=self.time_limit,
            reminders=self.meetings.reminders,
        )

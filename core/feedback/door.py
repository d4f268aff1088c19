"""The feedback feature's one door: the survey, the follow-up, and the organisers' figures."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.feedback.exports import Exports, Labels, Table
from core.feedback.followup import FollowUps, summary
from core.feedback.ports import UowFactory
from core.feedback.stats import Overview, compute
from core.feedback.survey_flow import Results, SurveyFlow, survey_results
from core.people.access import AccessPolicy, require_organiser


class Feedback:
    """What handlers and jobs call for feedback; results, stats and exports are for organisers."""

    def __init__(
        self,
        uow: UowFactory,
        policy: AccessPolicy,
        *,
        timezone: str,
        labels: Labels,
        follow_up_days: Sequence[int] = (30, 90),
    ) -> None:
        self.uow = uow
        self.policy = policy
        self.timezone = timezone
        #: Invite, answer (one question at a time), opt out.
        self.survey = SurveyFlow(uow)
        #: The follow-up weeks after the event: ask, tick partners, record the proposal.
        self.followups = FollowUps(uow, follow_up_days, timezone)
        #: The CSV tables, unchecked (the CLI is trusted); `export` checks for the chat.
        #: `labels` gives catalogue text (outcome names) in the exports' language, English.
        self.exports = Exports(uow, timezone, labels)

    async def results(self, organiser: int) -> Results | None:
        """The survey's response rate and per-question summaries (None without a survey)."""
        require_organiser(self.policy, organiser)
        async with self.uow() as uow:
            return await survey_results(uow)

    async def stats(self, organiser: int, *, now: datetime) -> Overview:
        """Matchmaking figures, follow-up answers and the survey's response, in one read."""
        require_organiser(self.policy, organiser)
        async with self.uow() as uow:
            return Overview(
                await compute(uow, now=now, timezone=self.timezone),
                await summary(uow),
                await survey_results(uow),
            )

    async def export(self, organiser: int, kind: str) -> Table:
        """One CSV table for an organiser."""
        require_organiser(self.policy, organiser)
        return await self.exports.table(kind)

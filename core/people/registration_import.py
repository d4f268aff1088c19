"""Registration import: create or update by email, with an invite for each new person."""

from __future__ import annotations

from datetime import datetime

from core.people.access import AccessPolicy, require_organiser
from core.people.invites import Invite, new_code
from core.people.ports import UowFactory
from core.people.registrations import ImportReport, Registration, parse_rows


class RegistrationImport:
    """The organisers' attendee list: checked row by row, then imported in one transaction."""

    def __init__(self, uow: UowFactory, policy: AccessPolicy) -> None:
        self.uow = uow
        self.policy = policy

    async def by_organiser(
        self, presser: int, text: str, *, dry_run: bool, now: datetime
    ) -> ImportReport:
        """A CSV sent in the chat: only an organiser may check or import it (re-checked here)."""
        require_organiser(self.policy, presser)
        return await self.apply(
            text, invite_mode=self.policy.mode == "invite", dry_run=dry_run, now=now
        )

    async def apply(
        self, text: str, *, invite_mode: bool, dry_run: bool, now: datetime
    ) -> ImportReport:
        """Create or update by email; in invite mode each attendee gets a personal invite code."""
        good, errors = parse_rows(text)
        report = ImportReport(errors=errors, dry_run=dry_run)
        async with self.uow() as uow:
            for _line, item in good:
                existing = await uow.registrations.get(item.email)
                if existing is None:
                    report.created += 1
                else:
                    report.updated += 1
                    item.invite_code, item.telegram_id = existing.invite_code, existing.telegram_id
                if invite_mode and item.invite_code is None:
                    item.invite_code = new_code()
                    if not dry_run:
                        await uow.invites.add(Invite(item.invite_code, now))
                if not dry_run:
                    await uow.registrations.save(item, now)
            if not dry_run:
                await uow.commit()
        return report

    async def invite_list(self) -> list[Registration]:
        """Everyone imported, for the mail merge of personal links."""
        async with self.uow() as uow:
            return await uow.registrations.all()

"""Registration import: create or update by email, with an invite for each new person."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.people.access import AccessPolicy, require_organiser
from core.people.invites import Invite, new_code
from core.people.ports import UowFactory
from core.people.registrations import ImportReport, ParsedRegistrations, Registration


class RegistrationImport:
    """The organisers' attendee list, checked beforehand (read_registrations), then imported
    in one transaction."""

    def __init__(self, uow: UowFactory, policy: AccessPolicy) -> None:
        self.uow = uow
        self.policy = policy

    async def by_organiser(
        self, presser: int, parsed: ParsedRegistrations, *, dry_run: bool, now: datetime
    ) -> ImportReport:
        """A CSV sent in the chat: only an organiser may check or import it (re-checked here)."""
        require_organiser(self.policy, presser)
        return await self.apply(
            parsed, invite_mode=self.policy.mode == "invite", dry_run=dry_run, now=now
        )

    async def apply(
        self, parsed: ParsedRegistrations, *, invite_mode: bool, dry_run: bool, now: datetime
    ) -> ImportReport:
        """Create or update by email; in invite mode each attendee gets a personal invite code.
        One query finds who exists; the writes go in batches, however long the file."""
        report = ImportReport(
            errors=list(parsed.errors),
            dry_run=dry_run,
            encoding=parsed.encoding,
            delimiter=parsed.delimiter,
            refusal=parsed.refusal,
            source_format=parsed.source_format,
            used=parsed.used,
            ignored=parsed.ignored,
            skipped=dict(parsed.skipped),
        )
        items = [replace(item) for _line, item in parsed.rows]  # the parsed file stays as read
        if parsed.refusal is not None or not items:
            return report
        async with self.uow() as uow:
            existing = await uow.registrations.existing([item.email for item in items])
            new: list[Registration] = []
            known: list[Registration] = []
            invites: list[Invite] = []
            for item in items:
                before = existing.get(item.email)
                if before is None:
                    new.append(item)
                else:
                    item.invite_code, item.telegram_id = before.invite_code, before.telegram_id
                    known.append(item)
                if invite_mode and item.invite_code is None:
                    item.invite_code = new_code()
                    invites.append(Invite(item.invite_code, now))
            report.created, report.updated = len(new), len(known)
            if not dry_run:
                await uow.invites.add_many(invites)
                await uow.registrations.add_many(new, now)
                await uow.registrations.update_many(known, now)
                await uow.commit()
        return report

    async def invite_list(self) -> list[Registration]:
        """Everyone imported, for the mail merge of personal links."""
        async with self.uow() as uow:
            return await uow.registrations.all()

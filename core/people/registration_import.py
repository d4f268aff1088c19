"""Registration import: create or update by email, with an invite for each new person."""

from __future__ import annotations

from datetime import datetime

from core.people.invites import Invite, new_code
from core.people.ports import UowFactory
from core.people.registrations import ImportReport, Registration, parse_rows


async def import_registrations(
    uow_factory: UowFactory, text: str, *, invite_mode: bool, dry_run: bool, now: datetime
) -> ImportReport:
    """Create or update by email; in invite mode each attendee gets a personal invite code."""
    good, errors = parse_rows(text)
    report = ImportReport(errors=errors, dry_run=dry_run)
    async with uow_factory() as uow:
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


async def invite_list(uow_factory: UowFactory) -> list[Registration]:
    """Everyone imported, for the mail merge of personal links."""
    async with uow_factory() as uow:
        return await uow.registrations.all()

"""Import from ORCID: the iD checked before any request, the public record read, and only what
the person confirmed saved (with the iD, shown as given by them, not verified)."""

from __future__ import annotations

from collections.abc import Collection

from core.people.access import require_person
from core.people.editing import check_owner
from core.people.orcid import (
    PROPOSAL_FIELDS,
    OrcidProposal,
    OrcidRecords,
    OrcidUnavailable,
    parse_orcid,
    proposal_from_record,
)
from core.people.ports import UowFactory
from core.people.profile import Profile


class OrcidImport:
    """Nothing is fetched without the person's action, nothing saved without their yes."""

    def __init__(self, uow: UowFactory, records: OrcidRecords | None = None) -> None:
        self.uow = uow
        #: The record reader; None: ORCID is not reachable from this bot.
        self.records = records

    async def propose(self, telegram_id: int, typed: str) -> OrcidProposal:
        """The record's offer for this person's profile. InvalidAnswer for a mistyped iD (no
        request made); OrcidUnavailable when ORCID cannot give the record."""
        orcid = parse_orcid(typed)
        async with self.uow() as uow:
            await require_person(uow, telegram_id)
        if self.records is None:
            raise OrcidUnavailable(reason="unreachable")
        return proposal_from_record(orcid, await self.records.record(orcid))

    async def save(
        self,
        telegram_id: int,
        proposal: OrcidProposal,
        chosen: Collection[str],
        *,
        owner: int | None = None,
    ) -> Profile:
        """The iD and the confirmed parts, in one transaction; the rest stays as it was."""
        check_owner(owner, telegram_id)
        async with self.uow() as uow:
            await require_person(uow, telegram_id)
            profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
            profile.orcid = proposal.orcid
            filled: list[str] = []
            for name in (n for n in PROPOSAL_FIELDS if n in chosen):
                if name == "full_name" and proposal.full_name:
                    profile.full_name = proposal.full_name
                    filled.append("full_name")
                elif name == "employment" and proposal.organisation:
                    profile.organisation = proposal.organisation
                    filled.append("organisation")
                    if proposal.country:
                        profile.country = proposal.country
                        filled.append("country")
                elif name == "expertise" and proposal.expertise:
                    profile.expertise = list(proposal.expertise)
                    filled.append("expertise")
                elif name == "publications" and proposal.publications:
                    profile.publications = list(proposal.publications)
                    filled.append("publications")
            profile.skipped = [s for s in profile.skipped if s not in filled]
            await uow.profiles.save(profile)
            await uow.commit()
            return profile

    async def forget(self, telegram_id: int, *, owner: int | None = None) -> Profile:
        """Take the iD off the card (what was imported with it stays: it is the person's now)."""
        check_owner(owner, telegram_id)
        async with self.uow() as uow:
            await require_person(uow, telegram_id)
            profile = await uow.profiles.get(telegram_id) or Profile(telegram_id)
            profile.orcid = None
            await uow.profiles.save(profile)
            await uow.commit()
            return profile

"""The programme feature's one door: sessions as each person sees them, subscribe, sign up with
a waitlist, promotion, and the organisers' waitlist."""

from __future__ import annotations

from datetime import datetime

from core.outbox.delivery import enqueue
from core.outbox.model import OutgoingMessage, dt
from core.outbox.reminders import ReminderSettings
from core.people.access import AccessPolicy, require_organiser, require_person
from core.people.visibility import Viewer, name_seen
from core.programme.attendance import ATTENDING, Attendance, SessionView, first_status
from core.programme.calendar import Calendars
from core.programme.ports import UnitOfWork, UowFactory
from core.programme.reminders import forget_session, remind_session
from core.reference.errors import NotFound


class Programme:
    """Sessions as each person sees them, and the rules of places and waitlists."""

    def __init__(
        self,
        uow: UowFactory,
        reminders: ReminderSettings | None = None,
        policy: AccessPolicy | None = None,
        *,
        calendars: Calendars | None = None,
    ) -> None:
        self.uow = uow
        self.reminders = reminders or ReminderSettings()
        self.policy = policy or AccessPolicy()
        #: One .ics per person (/calendar) or for the whole programme (given by bot.app).
        self.calendars = calendars

    async def views(self, person: int | None) -> list[SessionView]:
        """Every active session with places taken and (for a consented person) their status."""
        async with self.uow() as uow:
            mine = await uow.agenda.mine(person) if person is not None else {}
            taken = await uow.agenda.registered_counts()
            out = []
            for session in await uow.agenda.sessions():
                status = mine.get(session.key)
                position = None
                if status is Attendance.WAITLISTED and person is not None:
                    waiting = [
                        p
                        for p, st, _ in await uow.agenda.followers(session.key)
                        if st is Attendance.WAITLISTED
                    ]
                    position = waiting.index(person) + 1 if person in waiting else None
                out.append(SessionView(session, status, taken.get(session.key, 0), position))
            return out

    async def follow(self, person: int, key: str, *, now: datetime) -> Attendance:
        """Subscribe (or sign up: a place while places last, then the waitlist)."""
        async with self.uow() as uow:
            await require_person(uow, person)
            session = await uow.agenda.get_session(key)
            if session is None or session.ends_at <= now:
                raise NotFound(what="session")
            current = await uow.agenda.attendance(key, person)
            if current is not None:
                return current
            taken = (await uow.agenda.registered_counts()).get(key, 0)
            status = first_status(session, taken)
            await uow.agenda.set_attendance(key, person, status, now)
            if status in ATTENDING:
                await remind_session(uow, session, person, self.reminders, now)
            await uow.commit()
            return status

    async def leave(self, person: int, key: str, *, now: datetime) -> int | None:
        """Unsubscribe or give the place back; returns who was promoted from the waitlist."""
        async with self.uow() as uow:
            await require_person(uow, person)
            session = await uow.agenda.get_session(key)
            if session is None:
                raise NotFound(what="session")
            current = await uow.agenda.attendance(key, person)
            if current is None:
                return None
            await uow.agenda.remove_attendance(key, person)
            await forget_session(uow, key, person)
            promoted = None
            if current is Attendance.REGISTERED:
                promoted = await self._promote(uow, key, now)
            await uow.commit()
            return promoted

    async def _promote(self, uow: UnitOfWork, key: str, now: datetime) -> int | None:
        session = await uow.agenda.get_session(key)
        if session is None or session.starts_at <= now:
            return None
        for person, status, _at in await uow.agenda.followers(key):
            if status is Attendance.WAITLISTED:
                await uow.agenda.set_attendance(key, person, Attendance.REGISTERED, now)
                await remind_session(uow, session, person, self.reminders, now)
                await enqueue(
                    uow,
                    recipient_id=person,
                    message=OutgoingMessage(
                        key="agenda.promoted",
                        params={"title": session.title, "when": dt(session.starts_at)},
                    ),
                    due_at=now,
                    dedupe_key=f"promoted:{key}:{person}:{int(now.timestamp())}",
                    now=now,
                )
                return person
        return None

    async def waitlist(self, presser: int, key: str) -> list[tuple[int, str, Attendance]]:
        """Who holds a place and who waits, in order, with names (organisers only, re-checked)."""
        require_organiser(self.policy, presser)
        async with self.uow() as uow:
            out = []
            for person, status, _at in await uow.agenda.followers(key):
                name = name_seen(await uow.profiles.get(person), Viewer.ORGANISER)
                out.append((person, name, status))
            return out

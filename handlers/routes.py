"""Every button's callback data in one table: pack, parse and pattern per route, within 64 bytes.

A route names what a button does in the product's words (the same name core uses in an
`Action`), the short prefix and verb it travels as (`mr:a:42`), and the types of its arguments.
Callback data is never trusted: `parse` gives None for anything that does not fit the route,
and the handler re-checks on the server that the presser may do it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from core.outbox.model import Action

MAX_BYTES = 64
SEPARATOR = ":"


@dataclass(frozen=True, slots=True)
class Text:
    """A text argument of at most `max_length` characters (no ':'), e.g. a slot key."""

    max_length: int


@dataclass(frozen=True, slots=True)
class Id:
    """A non-negative id of at most `digits` digits (and at most `maximum`), where a route
    needs room for a text too, or where the id must fit the column it is looked up in."""

    digits: int
    maximum: int | None = None

    def fits(self, value: int) -> bool:
        """Within the digits and the maximum."""
        return 0 <= value < 10**self.digits and (self.maximum is None or value <= self.maximum)


#: An argument is an id (int, up to 64 bits, or a shorter `Id`) or a short text.
Arg = type[int] | Text | Id
Value = int | str
LONGEST_INT = str(-(2**63))
INT64 = range(-(2**63), 2**63)
#: A row id (or a count) kept in an INTEGER column: PostgreSQL's end at 2**31 - 1, and a
#: forged larger one would fail the query instead of finding nothing.
ROW = Id(10, maximum=2**31 - 1)


@dataclass(frozen=True, slots=True)
class Route:
    """One kind of button: `action` is its product name, `prefix`/`verb` its compact form."""

    action: str
    prefix: str
    verb: str | None = None
    args: tuple[Arg, ...] = ()

    @property
    def head(self) -> str:
        """The fixed start of this route's callback data."""
        return self.prefix if self.verb is None else f"{self.prefix}{SEPARATOR}{self.verb}"

    @property
    def pattern(self) -> str:
        """The regex a CallbackQueryHandler uses to pick this route's presses."""
        tail = "" if not self.args else f"{SEPARATOR}.*"
        return f"^{re.escape(self.head)}{tail}$"

    def pack(self, *values: Value) -> str:
        """Callback data for one press; refuses values that could not be parsed back."""
        if len(values) != len(self.args):
            raise ValueError(f"{self.action}: {len(self.args)} arguments, got {len(values)}")
        parts = [self.head]
        for kind, value in zip(self.args, values, strict=True):
            if isinstance(kind, Id):
                if not isinstance(value, int) or isinstance(value, bool):
                    raise ValueError(f"{self.action}: {value!r} is not an id")
                if not kind.fits(value):
                    raise ValueError(f"{self.action}: id {value} out of range for {kind}")
                parts.append(str(value))
            elif not isinstance(kind, Text):
                if not isinstance(value, int) or isinstance(value, bool) or value not in INT64:
                    raise ValueError(f"{self.action}: {value!r} is not a 64-bit id")
                parts.append(str(value))
            else:
                text = str(value)
                if not text or SEPARATOR in text or len(text) > kind.max_length:
                    raise ValueError(f"{self.action}: bad text argument {text!r}")
                parts.append(text)
        data = SEPARATOR.join(parts)
        if len(data.encode()) > MAX_BYTES:
            raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
        return data

    def parse(self, data: str | None) -> tuple[Value, ...] | None:
        """The arguments of a press on this route, or None for anything else (forged, stale)."""
        if not data or len(data.encode()) > MAX_BYTES:
            return None
        head_parts = self.head.split(SEPARATOR)
        parts = data.split(SEPARATOR)
        if parts[: len(head_parts)] != head_parts or len(parts) != len(head_parts) + len(self.args):
            return None
        values: list[Value] = []
        for kind, raw in zip(self.args, parts[len(head_parts) :], strict=True):
            if isinstance(kind, Id):
                if not re.fullmatch(rf"[0-9]{{1,{kind.digits}}}", raw) or not kind.fits(int(raw)):
                    return None
                values.append(int(raw))
            elif not isinstance(kind, Text):
                if not re.fullmatch(r"-?[0-9]{1,19}", raw) or int(raw) not in INT64:
                    return None
                values.append(int(raw))
            else:
                if not raw or len(raw) > kind.max_length:
                    return None
                values.append(raw)
        return tuple(values)

    def longest(self) -> str:
        """The longest callback data this route can make (what the 64-byte test checks)."""
        values = [
            "W" * kind.max_length
            if isinstance(kind, Text)
            else str(kind.maximum or "9" * kind.digits)
            if isinstance(kind, Id)
            else LONGEST_INT
            for kind in self.args
        ]
        return SEPARATOR.join([self.head, *values])


class RouteTable:
    """All routes; a second route with the same action or the same prefix and verb is refused."""

    def __init__(self) -> None:
        self._by_action: dict[str, Route] = {}
        self._heads: dict[str, Route] = {}

    def add(self, action: str, prefix: str, verb: str | None = None, *args: Arg) -> Route:
        """Declare a route; fails at import time if it clashes with another."""
        route = Route(action, prefix, verb, args)
        if action in self._by_action:
            raise ValueError(f"route {action!r} declared twice")
        if SEPARATOR in prefix or (verb is not None and SEPARATOR in verb):
            raise ValueError(f"{action}: ':' in prefix or verb")
        for other in self._heads.values():
            if other.prefix == prefix and (
                other.verb == verb or other.verb is None or verb is None
            ):
                raise ValueError(f"{action!r} clashes with {other.action!r} on {prefix!r}")
        self._by_action[action] = route
        self._heads[route.head] = route
        if len(route.longest().encode()) > MAX_BYTES:
            raise ValueError(f"{action}: its longest callback data is over {MAX_BYTES} bytes")
        return route

    def __iter__(self) -> Iterator[Route]:
        return iter(self._by_action.values())

    def __getitem__(self, action: str) -> Route:
        return self._by_action[action]

    def __contains__(self, action: object) -> bool:
        return action in self._by_action

    def pack(self, action: Action) -> str:
        """Callback data for an action core queued in a message."""
        return self._by_action[action.name].pack(*action.args)


ROUTES = RouteTable()
add = ROUTES.add

# Each feature declares its routes below, in its own block. The action names are the ones core
# uses in `Action(...)` for buttons in queued messages; the others are only pressed in replies.
# Ids of rows (requests, meetings, broadcasts) and counts kept in INTEGER columns are ROW;
# Telegram ids are int (64 bits).

# --- people: consent, language, time zone, profile, visibility ---
CONSENT_ACCEPT = add("people.consent.accept", "cs", "y", int)  # notice version
CONSENT_DECLINE = add("people.consent.decline", "cs", "n", int)
LANGUAGE = add("people.language.choose", "lang", None, Text(2))  # "en" / "ko"
TIMEZONE = add("people.timezone.choose", "tz", None, Text(48))  # IANA name or "event"
# The profile buttons carry their owner's id last: core refuses anyone else's press.
PROFILE_CONTINUE = add("people.profile.continue", "pf", "c", int)
PROFILE_EDIT = add("people.profile.edit", "pf", "e", Text(16), int)  # field
PROFILE_SKIP = add("people.profile.skip", "pf", "s", Text(16), int)  # field
PROFILE_CHOOSE = add("people.profile.choose", "pf", "v", Text(16), Text(16), int)  # field, value
VISIBILITY_LEVEL = add("people.visibility.level", "vi", "o", Text(16), int)  # level, owner
VISIBILITY_FIELD = add("people.visibility.field", "vi", "f", Text(16), int)  # field, owner
# Import from ORCID: the proposal waits in the presser's own chat session, so a press is
# checked against it (another person's or an old step's press finds nothing to change).
ORCID_START = add("people.orcid.start", "or", "s", int)  # owner
ORCID_USE = add("people.orcid.use", "or", "y", Text(16))  # the part offered
ORCID_EDIT = add("people.orcid.edit", "or", "e", Text(16))
ORCID_SKIP = add("people.orcid.skip", "or", "n", Text(16))
ORCID_FORGET = add("people.orcid.forget", "or", "x", int)  # owner

# --- partners: suggestion cards (the last argument is the viewer the card was made for) ---
PARTNER_REQUEST = add("partners.card.request", "pt", "r", int, int)  # target, viewer
PARTNER_SAVE = add("partners.card.save", "pt", "s", int, int)
PARTNER_SKIP = add("partners.card.skip", "pt", "k", int, int)
PARTNER_NEXT = add("partners.card.next", "pt", "n", int, int)
PARTNER_VIEW = add("partners.card.view", "pt", "v", int, int)
PARTNER_UNSAVE = add("partners.card.unsave", "pt", "u", int, int)
PARTNER_FILTERS = add("partners.filter.menu", "pt", "f", int)  # viewer
PARTNER_DELEGATION = add("partners.filter.delegation", "pt", "fd", Text(3), int)  # EU, KR, all
PARTNER_AREA = add("partners.filter.area", "pt", "fa", Text(16), int)  # a topic area or all

# --- meetings: requests, bookings, availability, consultations, reminders, outcomes ---
PICK_TOGGLE = add("meetings.picker.toggle", "mq", "t", Text(40))  # slot key
PICK_NOTE = add("meetings.picker.note", "mq", "n")
PICK_SEND = add("meetings.picker.send", "mq", "s")
PICK_DROP = add("meetings.picker.drop", "mq", "x")
REQUEST_ACCEPT = add("meetings.request.accept", "mr", "a", ROW, Text(40))  # request, slot
REQUEST_DECLINE = add("meetings.request.decline", "mr", "d", ROW)
REQUEST_OTHER_TIME = add("meetings.request.other_time", "mr", "o", ROW)
REQUEST_WITHDRAW = add("meetings.request.withdraw", "mr", "w", ROW)
MEETING_CANCEL = add("meetings.booking.cancel", "mt", "c", ROW)  # meeting id
MEETING_MOVE = add("meetings.booking.move", "mt", "m", ROW)
MEETING_MOVE_TO = add("meetings.booking.move_to", "mv", None, ROW, Text(40))  # meeting, slot
AVAILABILITY_TOGGLE = add("meetings.availability.toggle", "av", None, Text(40))  # slot key
CONSULT_BOOK = add("meetings.consult.book", "cn", None, Text(40))  # slot key
REMINDER_LATE = add("meetings.reminder.late", "rm", "l", ROW)  # meeting id
REMINDER_CANT = add("meetings.reminder.cant", "rm", "x", ROW)
OUTCOME_ANSWER = add("meetings.outcome.answer", "oc", None, ROW, Text(1))  # meeting, outcome
OUTCOME_COMMENT = add("meetings.outcome.comment", "ocm", None, ROW)  # meeting id

# --- programme: agenda ---
# Views: an argument ("-", "today", a day as YYYYMMDD, a track's index) and a page.
AGENDA_NOW = add("programme.agenda.now", "ag", "n", Text(10), int)
AGENDA_DAY = add("programme.agenda.day", "ag", "d", Text(10), int)
AGENDA_TRACKS = add("programme.agenda.track", "ag", "k", Text(10), int)
SESSION_FOLLOW = add("programme.session.follow", "ag", "s", Text(32))  # session key
SESSION_LEAVE = add("programme.session.leave", "ag", "u", Text(32))

# --- schedule: the organisers' schedule builder ---
SCHEDULE_APPLY = add("schedule.round.apply", "sc", "a", Text(40))  # round key

# --- outreach: broadcasts ---
# The draft id is a ROW, so "session.<32-character key>" still fits the audience route.
BROADCAST_AUDIENCE = add("outreach.broadcast.audience", "bc", "a", ROW, Text(40))
BROADCAST_SEND = add("outreach.broadcast.send", "bc", "s", ROW)  # broadcast id
BROADCAST_DISCARD = add("outreach.broadcast.discard", "bc", "x", ROW)

# --- feedback: survey, follow-up, exports ---
SURVEY_START = add("feedback.survey.start", "sv", "s")
SURVEY_NEVER = add("feedback.survey.never", "sv", "o")
SURVEY_ANSWER = add("feedback.survey.answer", "sv", "a", Text(24), Text(24))  # question, choice
SURVEY_TOGGLE = add("feedback.survey.toggle", "sv", "t", Text(24), Text(24))
SURVEY_DONE = add("feedback.survey.done", "sv", "d", Text(24))  # question key
SURVEY_SKIP = add("feedback.survey.skip", "sv", "k", Text(24))
SURVEY_CHANGE = add("feedback.survey.change", "sv", "e", Text(24))
FOLLOWUP_TOGGLE = add("feedback.followup.toggle", "fu", "t", ROW, int)  # days, partner id
FOLLOWUP_DONE = add("feedback.followup.done", "fu", "d", ROW)
FOLLOWUP_NONE = add("feedback.followup.none", "fu", "0", ROW)
FOLLOWUP_PROPOSAL = add("feedback.followup.proposal", "fu", "p", ROW, Text(16))
EXPORT = add("feedback.export", "ex", None, Text(16))  # kind

# --- privacy: /deleteme ---
ERASE_CONFIRM = add("privacy.erase.confirm", "dm", "y", int)  # the asker's id
ERASE_KEEP = add("privacy.erase.keep", "dm", "n", int)

# --- organisers: registration import ---
IMPORT = add("people.registrations.import", "im", None, Text(20))  # the checked file's token

# --- consortia: /consortium (the consortium id is a ROW; people are Telegram ids) ---
CONSORTIUM_LIST = add("consortia.list", "co", "ls")
CONSORTIUM_NEW = add("consortia.new", "co", "n")
CONSORTIUM_ACTION = add("consortia.new.action", "co", "t", Text(16))  # type of action
CONSORTIUM_SHOW = add("consortia.card.show", "co", "v", ROW)
CONSORTIUM_INVITE_MENU = add("consortia.invite.menu", "co", "i", ROW)
CONSORTIUM_INVITE = add("consortia.invite.person", "co", "ip", ROW, int)  # consortium, person
CONSORTIUM_HANDLE = add("consortia.invite.handle", "co", "u", ROW)  # then an @username typed
CONSORTIUM_ACCEPT = add("consortia.invite.accept", "co", "a", ROW)
CONSORTIUM_DECLINE = add("consortia.invite.decline", "co", "d", ROW)
CONSORTIUM_ENTITY = add("consortia.entity.menu", "co", "e", ROW)
CONSORTIUM_ENTITY_ASK = add("consortia.entity.ask", "co", "ef", ROW, Text(8))  # typed field
CONSORTIUM_ENTITY_KIND = add("consortia.entity.kind", "co", "ek", ROW, Text(12))
CONSORTIUM_AFFILIATED = add("consortia.entity.affiliated", "co", "ea", ROW)
# consortium, the member whose entity one's own is affiliated with (0: none)
CONSORTIUM_AFFILIATE = add("consortia.entity.affiliate", "co", "ew", ROW, int)
CONSORTIUM_GAP = add("consortia.gap", "co", "g", ROW)
CONSORTIUM_MANAGE = add("consortia.manage", "co", "m", ROW)
CONSORTIUM_REMOVE = add("consortia.member.remove", "co", "r", ROW, int)
CONSORTIUM_HAND_OVER = add("consortia.member.hand_over", "co", "h", ROW, int)
CONSORTIUM_CLOSE = add("consortia.close", "co", "c", ROW)
CONSORTIUM_LEAVE = add("consortia.leave", "co", "l", ROW)
CONSORTIUM_EXPORT = add("consortia.export", "co", "x", ROW)

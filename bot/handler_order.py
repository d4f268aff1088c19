"""Which handler reads which update, and in which group: the order is the product's
behaviour (an open prompt's flow before the profile answers, commands before fallbacks)."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from handlers import help as help_
from handlers import meetings
from handlers.consortia import chat as consortia_chat
from handlers.consortia import exports as consortia_exports
from handlers.consortia import members as consortia_members
from handlers.context import BotContext
from handlers.desk import dashboard
from handlers.feedback import exports, followup, results, stats
from handlers.feedback import survey as feedback
from handlers.outreach import broadcast
from handlers.partners import cards as partners
from handlers.people import orcid, profile, registrations, search, start
from handlers.privacy import rights as privacy
from handlers.programme import agenda, calendar
from handlers.schedule import builder as schedule


def register_handlers(app: Application[Any, BotContext, Any, Any, Any, Any]) -> None:
    """Order matters: commands and buttons first, then typed answers, then the fallbacks."""
    # Onboarding: /start with invite payloads, consent buttons, /language.
    app.add_handlers(start.handlers())
    # Profile: /profile, /cancel and the pf:* buttons.
    app.add_handlers(profile.handlers())
    # Partner suggestions: /partners, /saved and the pt:* buttons.
    app.add_handlers(partners.handlers())
    # Meetings: /meetings, /availability, /consult, /desk and the request/booking buttons.
    app.add_handlers(meetings.handlers())
    # The programme: /agenda with subscribe and sign-up buttons, /waitlist for organisers.
    app.add_handlers(agenda.handlers())
    # Organisers' people tools: /find, and a registration CSV sent in the chat with its button.
    app.add_handlers(search.handlers())
    app.add_handlers(registrations.handlers())
    # Feedback for organisers: /export and its buttons, /stats, /survey_results.
    app.add_handlers([*exports.handlers(), *stats.handlers(), *results.handlers()])
    # The organisers' web desk: /dashboard sends a one-time login link.
    app.add_handlers(dashboard.handlers())
    # The schedule builder: /schedule and its Apply button (organisers, re-checked in core).
    app.add_handlers(schedule.handlers())
    # Typed text goes to the person's one open prompt (handlers/prompts.py): each flow that
    # waits for text reads messages in its own group before everything else (groups -6 to -1,
    # in any order: only the open prompt's flow takes the message), then the profile answers.
    # Broadcasts: /broadcast, /broadcasts and their buttons; the composed message (group -2).
    app.add_handlers(broadcast.handlers())
    app.add_handlers(broadcast.compose_handlers(), group=-2)
    # The survey (typed answers: group -4) and follow-up; after-meeting outcome questions with
    # their comment (group -3).
    app.add_handlers(feedback.handlers())
    # The survey (/feedback) and the follow-up's buttons.
    app.add_handlers(followup.handlers())
    app.add_handlers(meetings.outcome_handlers())
    app.add_handlers(meetings.comment_handlers(), group=-3)
    app.add_handlers(feedback.survey_text_handlers(), group=-4)
    # A note being typed for a meeting request (group -1).
    app.add_handlers(meetings.note_handlers(), group=-1)
    # /profile → Import from ORCID: its buttons, and the typed iD (group -5).
    app.add_handlers(orcid.handlers())
    app.add_handlers(orcid.text_handlers(), group=-5)
    # /calendar: one .ics with the person's meetings and sessions.
    app.add_handlers(calendar.handlers())
    # Consortium building: /consortium, its card's buttons; typed answers (group -6: a group
    # runs only its first matching handler, so each prompt's text flow needs its own).
    app.add_handlers(consortia_chat.handlers())
    app.add_handlers(consortia_members.handlers())
    app.add_handlers(consortia_exports.handlers())
    app.add_handlers(consortia_chat.text_handlers(), group=-6)
    # Privacy: /privacy, /mydata, /deleteme.
    app.add_handlers(privacy.handlers())
    # /help.
    app.add_handlers(help_.handlers())
    # Typed answers to the open profile question (text, then anything else), in group 0.
    app.add_handlers(profile.answer_handlers())
    # Unknown commands get a hint to /help.
    app.add_handlers(help_.fallback_handlers())
    # One polite error handler for everything.
    app.add_error_handler(help_.on_error)

"""What the fuzz suite found, kept found: one test per defect. Those fixed on this branch run
as regressions; the others are strict xfails naming the defect, so the fix turns them into
failures that ask for the marker to go."""

from __future__ import annotations

import pytest
from hypothesis import example, given

from core.feedback.exports import KINDS
from handlers.i18n import Translator
from handlers.routes import (
    BROADCAST_AUDIENCE,
    OUTCOME_COMMENT,
    PROFILE_EDIT,
    REQUEST_ACCEPT,
    SURVEY_CHANGE,
)
from tests.support.faults import CommitFault
from tests.support.fuzz_world import (
    ATTENDEE,
    BYSTANDER,
    FIGURES,
    ORGANISER,
    SURVEY_TEXT_KEY,
)
from tests.support.hostile import deliverable, fuzz, hostile_text
from tests.support.invariants import formula_cells

BOTH = pytest.mark.parametrize("world", ["sqlite", "postgresql"], indirect=True)
SORRY = Translator("en")("error.generic")


@BOTH
async def test_an_outcome_comment_is_stored_without_control_characters(world):
    """Fixed here: the comment was stored as typed, NUL included, which PostgreSQL refuses (the
    person got the generic error and the comment was lost)."""
    attendee = world.users[ATTENDEE]
    meeting = world.ids.my_meeting
    await world.step(ATTENDEE, "comment", attendee.press_data(OUTCOME_COMMENT.pack(meeting)))
    await world.step(ATTENDEE, "text", attendee.send("Good\x00 talk\x07, thanks"))
    [row] = world.rows("meeting_outcomes", meeting_id=meeting, telegram_id=ATTENDEE)
    assert row["comment"] == "Good talk, thanks"
    assert attendee.last().text == "Comment saved. Thank you!"


async def test_a_premium_length_caption_is_refused_with_the_limit_or_sent(world):
    organiser = world.users[ORGANISER]
    await world.step(ORGANISER, "/broadcast", organiser.command("broadcast"))
    caption = "Programme update: " + "the afternoon sessions move to hall B. " * 50
    upload = organiser.send_document("agenda.pdf", b"%PDF-1.4", "application/pdf", caption=caption)
    await world.step(ORGANISER, "caption", upload)
    drafts = world.rows("broadcasts", status="draft")
    if drafts:  # accepted: the preview must then go through
        audience = BROADCAST_AUDIENCE.pack(drafts[-1]["id"], "all")
        await world.step(ORGANISER, "everyone", organiser.press_data(audience))
    assert SORRY not in organiser.texts()
    assert "a bot may send at most 1,024" in organiser.last().text


@pytest.mark.parametrize("prompt", ["survey text", "outcome comment", "broadcast"])
async def test_a_failed_answer_gets_the_apology_alone(world, monkeypatch, prompt):
    uid = ORGANISER if prompt == "broadcast" else ATTENDEE
    user = world.users[uid]
    if prompt == "broadcast":
        await world.step(uid, "open", user.command("broadcast"))
    else:
        opening = {
            "survey text": SURVEY_CHANGE.pack(SURVEY_TEXT_KEY),
            "outcome comment": OUTCOME_COMMENT.pack(world.ids.my_meeting),
        }[prompt]
        await world.step(uid, "open", user.press_data(opening))
    user.clear()
    CommitFault(monkeypatch, "locked")
    await user.send("Shorter coffee breaks")
    FIGURES["fault cases"] += 1
    texts = user.texts()
    world.bot.errors.clear()
    world.log.records.clear()
    assert texts == [SORRY]


@pytest.mark.parametrize("kind", ["locked", "dropped"])
async def test_a_send_whose_record_failed_is_not_sent_again(world, monkeypatch, kind):
    attendee = world.users[ATTENDEE]
    accept = REQUEST_ACCEPT.pack(world.ids.request_to_me, world.ids.slot_keys[2])
    await world.step(ATTENDEE, "accept", attendee.press_data(accept), check=False)
    since = len(world.bot.fake.sent(BYSTANDER))
    fault = CommitFault(monkeypatch, kind, nth=2)  # 1: the claim, 2: recording the results
    await world.bot.dispatch()  # the dispatcher retries recording the results
    assert fault.fired
    FIGURES["fault cases"] += 1
    monkeypatch.undo()
    world.log.records.clear()
    world.bot.clock.advance(minutes=10)
    await world.step(ATTENDEE, "next pass", world.bot.dispatch())
    texts = [m.text for m in world.bot.fake.sent(BYSTANDER)[since:]]
    assert len(texts) == len(set(texts)), f"sent twice: {texts}"


CSV_DEFECT = (
    "defect (CSV formula injection): /export writes typed text as it came, so a cell starting "
    "with = + - @ (or a tab or carriage return before one) runs as a formula in a spreadsheet"
)


class UnsafeCsv(AssertionError):
    """An export holds a cell a spreadsheet would run (only this counts for the xfail)."""


FORMULAS = {
    "full_name": '=HYPERLINK("http://evil.example","Kim")',
    "organisation": "+SUM(A1:A9)",
    "offers": "-2+3 cryo-CMOS",
    "bio": "@cmd",
}


async def test_exports_keep_typed_formulas_inert(world):
    attendee, organiser = world.users[ATTENDEE], world.users[ORGANISER]
    for field, text in FORMULAS.items():
        await world.step(ATTENDEE, field, attendee.press_data(PROFILE_EDIT.pack(field, ATTENDEE)))
        await world.step(ATTENDEE, text, attendee.send(text))
    meeting = world.ids.my_meeting
    await world.step(ATTENDEE, "comment", attendee.press_data(OUTCOME_COMMENT.pack(meeting)))
    await world.step(ATTENDEE, "=1+1", attendee.send("=1+1"))
    await world.step(ATTENDEE, "survey", attendee.press_data(SURVEY_CHANGE.pack(SURVEY_TEXT_KEY)))
    await world.step(ATTENDEE, "\t=2+2", attendee.send("\t=2+2 more time"))
    found, files = {}, {}
    for kind in KINDS:
        await world.step(ORGANISER, f"/export {kind}", organiser.command("export", kind))
        files[kind] = organiser.last_document().data
        found[kind] = formula_cells(files[kind])
    assert b"HYPERLINK" in files["attendees"], "the typed text did not reach the export"
    unsafe = {kind: cells for kind, cells in found.items() if cells}
    if unsafe:
        raise UnsafeCsv(f"cells a spreadsheet would run: {unsafe}")


@fuzz(default=3)
@given(text=hostile_text())
@example(text="=1+1")
@example(text="\t@SUM(A1)")
async def test_exports_keep_any_typed_text_inert(world, text):
    """Hostile text as an organisation, an outcome comment, a survey answer and a broadcast;
    then every export that shows them."""
    attendee, organiser = world.users[ATTENDEE], world.users[ORGANISER]
    edit, meeting = PROFILE_EDIT.pack("organisation", ATTENDEE), world.ids.my_meeting
    steps = [
        (attendee, edit),
        (attendee, text),
        (attendee, OUTCOME_COMMENT.pack(meeting)),
        (attendee, text),
        (attendee, SURVEY_CHANGE.pack(SURVEY_TEXT_KEY)),
        (attendee, text),
        (organiser, "/broadcast"),
        (organiser, deliverable(text) or "x"),
    ]
    for user, typed in steps:
        if typed.startswith("/"):
            action = user.command(typed[1:])
        elif typed in (edit, OUTCOME_COMMENT.pack(meeting), SURVEY_CHANGE.pack(SURVEY_TEXT_KEY)):
            action = user.press_data(typed)
        else:
            action = user.send(typed)
        await world.step(user.user_id, repr(typed[:60]), action)
    unsafe = {}
    for kind in ("attendees", "outcomes", "survey", "broadcasts"):
        await world.step(ORGANISER, f"/export {kind}", organiser.command("export", kind))
        cells = formula_cells(organiser.last_document().data)
        if cells:
            unsafe[kind] = cells
    FIGURES["exports checked"] += 4
    if unsafe:
        raise UnsafeCsv(f"cells a spreadsheet would run after {text[:60]!r}: {unsafe}")

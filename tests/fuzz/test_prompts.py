"""Hostile text into every open prompt: what is stored is what the product's own rules make of
it (or nothing, with the reason said), what is shown is what was typed, and nothing else moves.

Each prompt opens itself, takes the text, and closes what it opened, so examples sharing one
running bot stay independent of each other."""

from __future__ import annotations

import itertools
import re
from collections.abc import Awaitable, Callable

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from core.consortia.cards import ConsortiumError
from core.consortia.fields import check_description, check_title
from core.meetings.outcomes import COMMENT_LIMIT
from core.people.orcid import parse_orcid
from core.people.profile import FIELDS, Kind, clean_text, parse_answer, spec
from core.reference.errors import InvalidAnswer
from handlers.common import clip
from handlers.i18n import Translator
from handlers.routes import (
    BROADCAST_AUDIENCE,
    BROADCAST_DISCARD,
    CONSENT_ACCEPT,
    CONSORTIUM_ACTION,
    CONSORTIUM_CLOSE,
    CONSORTIUM_NEW,
    ORCID_START,
    OUTCOME_COMMENT,
    PARTNER_REQUEST,
    PICK_NOTE,
    PICK_SEND,
    PROFILE_EDIT,
    REQUEST_WITHDRAW,
    SURVEY_CHANGE,
)
from tests.support.fuzz_world import (
    ATTENDEE,
    FIGURES,
    ORGANISER,
    STRANGER,
    SURVEY_TEXT_KEY,
    TARGET,
    World,
    open_survey,
)
from tests.support.hostile import CAPTION_LIMIT, CORPUS, deliverable, fuzz, hostile_text

EN = Translator("en")
HANGUL = re.compile("[가-힣]")
TYPED_FIELDS = tuple(f.name for f in FIELDS if f.kind is not Kind.CHOICE)
CSV_HEAD = "name,email,organisation,country,delegation,sector,expertise,offers,seeks\n"
_newcomers = itertools.count(800)
#: An organiser's import writes registrations (nobody's rows yet) by design.
IMPORTING = ("registrations", "invites")
#: A consortium's rows have no owner column the invariant knows (its coordinator creates them).
FORMING = ("consortia", "consortium_members", "consortium_cards")

Prompt = Callable[[World, str, str], Awaitable[None]]


def typed(text: str) -> bool:
    """Telegram delivers it as a text message that no command handler takes."""
    return bool(text) and not text.startswith("/")


async def profile_answer(world: World, text: str, field: str) -> None:
    """/profile → ✏️ a field → the text: stored as parse_answer makes it, or refused and
    asked again with the reason."""
    user = world.users[ATTENDEE]
    await world.step(ATTENDEE, "edit", user.press_data(PROFILE_EDIT.pack(field, ATTENDEE)))
    old = world.rows("profiles", telegram_id=ATTENDEE)[0].get(field)
    await world.step(ATTENDEE, f"{field} = {text[:80]!r}", user.send(text))
    if not typed(text):
        return
    stored = world.rows("profiles", telegram_id=ATTENDEE)[0].get(field)
    try:
        expected = parse_answer(field, text)
    except InvalidAnswer as err:
        assert stored == old, f"a refused {field} changed the profile"
        params = {k: v for k, v in err.params.items() if k in ("limit", "length")}
        assert str(EN(f"invalid.{err.params['reason']}", **params)) in user.last().text
        return
    if spec(field).kind in (Kind.TEXT, Kind.COUNTRY):
        assert stored == expected


async def onboarding_name(world: World, text: str, _field: str) -> None:
    """A newcomer's first answer (the name), in Korean: stored cleaned or refused in Korean."""
    uid = next(_newcomers)
    user = world.bot.client(uid, "새", language_code="ko")
    await world.step(uid, "/start", user.command("start"), check=False)
    await world.step(uid, "accept", user.press_data(CONSENT_ACCEPT.pack(1)), check=False)
    await world.step(uid, f"name = {text[:80]!r}", user.send(text))
    if not typed(text):
        return
    stored = world.rows("profiles", telegram_id=uid)
    try:
        expected = parse_answer("full_name", text)
    except InvalidAnswer as err:
        assert not stored or stored[0]["full_name"] is None
        params = {k: v for k, v in err.params.items() if k in ("limit", "length")}
        ko = Translator("ko")(f"invalid.{err.params['reason']}", **params)
        assert str(ko) in user.last().text
        return
    assert stored and stored[0]["full_name"] == expected


async def meeting_note(world: World, text: str, _field: str) -> None:
    """Request a meeting → ✏️ note → the text → send: the request keeps the cleaned note, the
    other person's notification shows it; then the request is withdrawn again."""
    user = world.users[ATTENDEE]
    await world.step(ATTENDEE, "request", user.press_data(PARTNER_REQUEST.pack(TARGET, ATTENDEE)))
    await world.step(ATTENDEE, "note", user.press_data(PICK_NOTE.pack()), check=False)
    await world.step(ATTENDEE, f"note {text[:80]!r}", user.send(text), check=False)
    shown = user.last().plain
    await world.step(ATTENDEE, "send", user.press_data(PICK_SEND.pack()))
    sent = world.rows("meeting_requests", from_id=ATTENDEE, to_id=TARGET, status="pending")
    assert len(sent) == 1, "the request was not stored"
    note = sent[0]["note"]
    if typed(text):
        assert note == clean_text(text.strip()[:300])[:300]
        if note:
            assert clip(text.strip()[:300], 300) in shown, "the picker does not show the note"
            assert note in world.users[TARGET].last().plain, "the request does not show it"
    await world.step(ATTENDEE, "withdraw", user.press_data(REQUEST_WITHDRAW.pack(sent[0]["id"])))


async def outcome_comment(world: World, text: str, _field: str) -> None:
    """How did it go → 💬 comment → the text: kept for the organisers, thanked for."""
    user = world.users[ATTENDEE]
    meeting = world.ids.my_meeting
    await world.step(ATTENDEE, "comment", user.press_data(OUTCOME_COMMENT.pack(meeting)))
    await world.step(ATTENDEE, f"comment {text[:80]!r}", user.send(text))
    if not typed(text):
        return
    [row] = world.rows("meeting_outcomes", meeting_id=meeting, telegram_id=ATTENDEE)
    if text.strip():
        assert row["comment"] == clean_text(text.strip())[:COMMENT_LIMIT]
        assert user.last().text == EN("outcomes.comment_saved")


async def survey_text(world: World, text: str, _field: str) -> None:
    """Change the free-text survey answer: stored as the question's rules make it and shown in
    the summary, or refused with the reason and the question again."""
    user = world.users[ATTENDEE]
    await world.step(ATTENDEE, "change", user.press_data(SURVEY_CHANGE.pack(SURVEY_TEXT_KEY)))
    await world.step(ATTENDEE, f"answer {text[:80]!r}", user.send(text))
    if not typed(text):
        return
    question = open_survey(world.bot.clock.now()).question(SURVEY_TEXT_KEY)
    assert question is not None
    [row] = world.rows("survey_answers", telegram_id=ATTENDEE, question_key=SURVEY_TEXT_KEY)
    try:
        expected = question.parse(text)
    except InvalidAnswer as err:
        params = {k: v for k, v in err.params.items() if k in ("limit", "length")}
        assert str(EN(f"survey.invalid.{err.params['reason']}", **params)) in user.last().text
        return
    assert row["value"] == {"v": expected}
    assert clip(str(expected), 200) in user.last().plain, "the summary does not show the answer"


async def _broadcast(world: World, what: str, compose: Awaitable[None], text: str) -> None:
    organiser = world.users[ORGANISER]
    await world.step(ORGANISER, "/broadcast", organiser.command("broadcast"), check=False)
    await world.step(ORGANISER, what, compose)
    drafts = world.rows("broadcasts", author_id=ORGANISER, status="draft")
    if not typed(text) and not drafts:
        return
    draft = drafts[-1]
    audience = BROADCAST_AUDIENCE.pack(draft["id"], "all")
    await world.step(ORGANISER, "everyone", organiser.press_data(audience))
    preview = organiser.messages()[-2]
    assert preview.plain.strip() == text.strip(), "the preview is not what was typed"
    await world.step(
        ORGANISER, "discard", organiser.press_data(BROADCAST_DISCARD.pack(draft["id"]))
    )


async def broadcast_text(world: World, text: str, _field: str) -> None:
    """/broadcast → the text → everyone: the preview shows exactly what was typed (as Telegram
    delivers it: the bot sends it back as it came, so an undeliverable text is no case)."""
    organiser, text = world.users[ORGANISER], deliverable(text)
    await _broadcast(world, f"compose {text[:80]!r}", organiser.send(text), text)


async def broadcast_caption(world: World, text: str, _field: str) -> None:
    """/broadcast → a document captioned with the text → everyone: the preview is the same.
    Captions stay within the 1024 units everyone can type (test_findings has Premium's)."""
    organiser, text = world.users[ORGANISER], deliverable(text, CAPTION_LIMIT)
    upload = organiser.send_document("agenda.pdf", b"%PDF-1.4", "application/pdf", caption=text)
    await _broadcast(world, f"caption {text[:80]!r}", upload, text)


async def find(world: World, text: str, _field: str) -> None:
    """/find with the text: an answer, never an error."""
    organiser = world.users[ORGANISER]
    before = len(organiser.messages())
    await world.step(ORGANISER, f"/find {text[:80]!r}", organiser.command("find", text))
    assert len(organiser.messages()) > before, "/find got no answer"


async def registration_upload(world: World, text: str, _field: str) -> None:
    """A registration CSV captioned with the text, the text also as an organisation: checked
    and reported, and once imported stored within the column's limit."""
    organiser = world.users[ORGANISER]
    cell = '"' + text.replace('"', '""') + '"'
    data = f"{CSV_HEAD}Mina Cho,mina@example.org,{cell},Korea,KR,academia,QKD,x,y\n".encode()
    before = len(organiser.messages())
    upload = organiser.send_document("people.csv", data, caption=text)
    await world.step(ORGANISER, f"upload {text[:80]!r}", upload, IMPORTING)
    assert len(organiser.messages()) > before, "the upload got no answer"
    buttons = organiser.last().inline_buttons
    if buttons:
        press = organiser.press_data(str(buttons[0]["callback_data"]))
        await world.step(ORGANISER, "import", press, IMPORTING)
        [row] = world.rows("registrations", email="mina@example.org")
        assert row["organisation"] == clean_text(text)[:200]


async def command_argument(world: World, text: str, field: str) -> None:
    """The text after a command that takes one (/start, /timezone as the attendee; /waitlist,
    /export, /schedule as the organiser): an answer, never an error."""
    names = ("start", "timezone", "waitlist", "export", "schedule")
    name = names[FIELDS.index(spec(field)) % len(names)]
    uid = ATTENDEE if name in ("start", "timezone") else ORGANISER
    user = world.users[uid]
    before = len(user.messages())
    await world.step(uid, f"/{name} {text[:80]!r}", user.command(name, text))
    assert len(user.messages()) > before, f"/{name} got no answer"


async def unprompted(world: World, text: str, _field: str) -> None:
    """Text nobody asked for: the attendee gets a hint, the stranger the privacy notice in
    Korean, and neither has anything stored."""
    for uid in (ATTENDEE, STRANGER):
        user = world.users[uid]
        before = len(user.messages())
        await world.step(uid, f"unprompted {text[:80]!r}", user.send(text))
        if typed(text):
            assert len(user.messages()) > before, "unprompted text got no answer"
    if typed(text):
        assert HANGUL.search(world.users[STRANGER].last().text), (
            "the stranger was not answered in Korean"
        )
    assert world.rows("people", telegram_id=STRANGER) == []


async def consortium_new(world: World, text: str, _field: str) -> None:
    """/consortium → New → the text as the working title, then as the description: stored as
    the feature's rules make it, or refused with the reason and asked again; then closed."""
    user = world.users[ATTENDEE]
    await world.step(ATTENDEE, "new", user.press_data(CONSORTIUM_NEW.pack()))
    await world.step(ATTENDEE, f"title {text[:80]!r}", user.send(text))
    if not typed(text):
        await world.step(ATTENDEE, "/cancel", user.command("cancel"), check=False)
        return
    try:
        title = check_title(text)
    except ConsortiumError:
        assert user.last().text == EN("consortium.error.title")
        title = "Quantum links"
        await world.step(ATTENDEE, "title again", user.send(title))
    await world.step(
        ATTENDEE, "topic", user.send("HORIZON-CL4-2025-05-DIGITAL-EMERGING-05"), check=False
    )
    await world.step(ATTENDEE, "RIA", user.press_data(CONSORTIUM_ACTION.pack("RIA")))
    await world.step(ATTENDEE, f"description {text[:80]!r}", user.send(text), FORMING)
    try:
        description = check_description(text)
    except ConsortiumError:
        assert user.last().text == EN("consortium.error.description")
        description = "Cryogenic control for quantum links."
        await world.step(ATTENDEE, "description again", user.send(description), FORMING)
    [row] = world.rows("consortia", coordinator_id=ATTENDEE, closed_at=None)
    assert (row["title"], row["description"]) == (title, description)
    assert clip(title, 200) in user.last().plain, "the card does not show the title"
    close = user.press_data(CONSORTIUM_CLOSE.pack(row["id"]))
    await world.step(ATTENDEE, "close", close, FORMING)
    assert not world.rows("consortia", coordinator_id=ATTENDEE, closed_at=None)


async def orcid_id(world: World, text: str, _field: str) -> None:
    """/profile → Import from ORCID → the text as the iD: refused with the reason before any
    request, or (a well-formed iD) the one sentence that ORCID cannot be reached; nothing
    stored either way."""
    user = world.users[ATTENDEE]
    await world.step(ATTENDEE, "orcid", user.press_data(ORCID_START.pack(ATTENDEE)))
    await world.step(ATTENDEE, f"iD {text[:80]!r}", user.send(text))
    if not typed(text):
        await world.step(ATTENDEE, "/cancel", user.command("cancel"), check=False)
        return
    assert world.rows("profiles", telegram_id=ATTENDEE)[0]["orcid"] is None
    try:
        parse_orcid(text)
    except InvalidAnswer as err:
        key = "orcid.bad_check" if err.params.get("reason") == "orcid_check" else "orcid.bad_format"
        assert user.last().text == EN(key)
        await world.step(ATTENDEE, "/cancel", user.command("cancel"), check=False)
        return
    assert user.last().text == EN("orcid.unreachable")  # tests never reach the network


PROMPTS: dict[str, Prompt] = {
    "profile answer": profile_answer,
    "onboarding name": onboarding_name,
    "meeting note": meeting_note,
    "outcome comment": outcome_comment,
    "survey text": survey_text,
    "broadcast text": broadcast_text,
    "broadcast caption": broadcast_caption,
    "/find": find,
    "registration upload": registration_upload,
    "command argument": command_argument,
    "unprompted text": unprompted,
    "consortium title and description": consortium_new,
    "ORCID iD": orcid_id,
}


def with_corpus(test: Callable[..., object]) -> Callable[..., object]:
    """Every corpus text is an explicit example (the profile field varies with it)."""
    for i, text in enumerate(CORPUS):
        test = example(text=text, field=TYPED_FIELDS[i % len(TYPED_FIELDS)])(test)
    return test


@pytest.mark.parametrize("prompt", list(PROMPTS))
@fuzz()
@given(text=hostile_text(), field=st.sampled_from(TYPED_FIELDS))
@with_corpus
async def test_hostile_text_in_every_prompt(world, prompt, text, field):
    FIGURES["texts"] += 1
    await PROMPTS[prompt](world, text, field)


#: What PostgreSQL might refuse where SQLite does not: NUL and control characters, long and
#: wide texts. (On SQLite the step checks stand in: NUL in a text column, over-long VARCHAR.)
PG_CORPUS = tuple(
    text for text in CORPUS if len(text) > 1000 or any(ord(c) < 32 or ord(c) > 0xFFFF for c in text)
)
STORING = (
    "profile answer",
    "onboarding name",
    "meeting note",
    "outcome comment",
    "survey text",
    "broadcast text",
    "registration upload",
    "consortium title and description",
)


@pytest.mark.parametrize("world", ["postgresql"], indirect=True)
async def test_texts_postgresql_might_refuse_in_every_prompt_that_stores(world):
    for prompt in STORING:
        for i, text in enumerate(PG_CORPUS):
            FIGURES["texts"] += 1
            await PROMPTS[prompt](world, text, TYPED_FIELDS[i % len(TYPED_FIELDS)])

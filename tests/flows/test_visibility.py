"""What people hid stays hidden in every view of them: partner cards, /saved, meeting requests,
/meetings, reminders; organisers see the identity people registered with, never the
matchmaking fields they hid (core/people/visibility.py states the rule)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

from sqlalchemy import select

from storage.base import Base
from tests.support.journeys import DEFAULT_ANSWERS, cohort, request_from_jiwoo, setup
from tests.support.personas import ANNA, JIWOO

LABELS = {
    "organisation": "Organisation",
    "expertise": "Expertise",
    "offers": "Offers",
    "seeks": "Seeks",
    "he_interests": "Horizon Europe",
    "bio": "Bio",
}


async def hide(user, *fields: str) -> None:
    """The person hides fields in /visibility, one press each."""
    await user.command("visibility")
    for field in fields:
        await user.press(f"👁 {LABELS[field]}")
        assert f"🙈 {LABELS[field]}" in user.last().buttons


def leaks(text: str, answers: dict[str, str], fields) -> list[str]:
    """The hidden fields whose values appear in a text (expertise by its 🔬 line)."""
    found = [f for f in fields if f != "expertise" and answers[f][:30] in text]
    if "expertise" in fields and "🔬" in text:
        found.append("expertise")
    return found


async def test_saved_people_and_their_cards_keep_hidden_fields_hidden(make_bot):
    bot = await make_bot()
    users = await cohort(bot)
    jiwoo, anna, lukas = users[1], users[2], users[4]
    await hide(lukas, "organisation")
    await jiwoo.command("partners")
    assert "Delft University of Technology, Netherlands" in jiwoo.last().text
    await jiwoo.press("⭐ Save")
    cards = []
    while "👤" in jiwoo.last().text:
        cards.append(jiwoo.last().text)
        await jiwoo.press("➡️ Next")
    lukas_card = next(text for text in cards if "Lukas Weber" in text)
    assert "Forschungszentrum" not in lukas_card and "🏛 Germany" in lukas_card

    hidden = tuple(LABELS)
    await hide(anna, *hidden)
    answers = {**DEFAULT_ANSWERS, **ANNA}
    await jiwoo.command("saved")
    listing = jiwoo.last().text
    assert "<b>Anna de Vries</b> — Netherlands" in listing
    assert leaks(listing, answers, hidden) == []
    await jiwoo.press("👤 Anna de Vries")
    card = jiwoo.last().text
    assert "Anna de Vries" in card and "🏛 Netherlands" in card
    assert leaks(card, answers, hidden) == []

    await anna.press("Only to people I have a meeting with")
    await jiwoo.command("saved")
    assert "Anna de Vries" not in jiwoo.last().text


async def everything(bot) -> list[tuple[str, str]]:
    """Every stored row as (table, JSON text)."""
    out = []
    async with bot.uow() as uow:
        for table in Base.metadata.sorted_tables:
            for row in (await uow.session.execute(select(table))).mappings().all():
                out.append((table.name, json.dumps(dict(row), default=str, ensure_ascii=False)))
    return out


async def test_meeting_partners_see_the_name_but_never_a_hidden_field(make_bot):
    bot = await make_bot()
    users = await setup(bot)
    jiwoo, anna = users[1], users[2]
    onboarding = len(bot.fake.sent(2))  # its questions quote examples
    await hide(jiwoo, "organisation", "offers")
    await jiwoo.press("Hidden from suggestions (I can still request meetings)")
    incoming = await request_from_jiwoo(bot, users, times=("Thu 10 Apr 10:20",))
    assert "🤝 <b>Ji-woo Kim</b> would like to meet you." in incoming.text
    await anna.press("✅ Thu 10 Apr 10:20")
    await bot.dispatch()
    await anna.command("meetings")
    assert "Thu 10 Apr 10:20 — Ji-woo Kim, table 1" in anna.last().text
    bot.clock.set(datetime(2025, 4, 10, 8, 6, tzinfo=UTC))  # 10:06 in Brussels
    await bot.dispatch()
    assert "In a few minutes: your meeting with <b>Ji-woo Kim</b>" in anna.last().text

    received = [
        m.text + str(m.document.data if m.document else "") for m in bot.fake.sent(2)[onboarding:]
    ]
    assert len(received) >= 4  # the request, the booking with its .ics, /meetings, the reminder
    for text in received:
        assert leaks(text, JIWOO, ("organisation", "offers")) == [], text
    stored = [t for t, row in await everything(bot) if JIWOO["organisation"] in row]
    assert stored == ["profiles"]  # only Ji-woo's own profile holds it


async def test_organisers_see_the_identity_but_not_hidden_matchmaking_fields(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    users = await setup(bot)
    await hide(users[1], "organisation", "offers")
    await users[1].press("Hidden from suggestions (I can still request meetings)")
    organiser = bot.client(9000, "Org")
    await organiser.command("find", "Ji-woo Kim")
    assert "Ji-woo Kim — Korea Institute of Science and Technology (id 1)" in organiser.last().text

    await organiser.command("export", "attendees")
    table = list(csv.reader(io.StringIO(organiser.last_document().data.decode("utf-8-sig"))))
    rows = {r[0]: dict(zip(table[0], r, strict=True)) for r in table[1:]}
    assert rows["1"]["name"] == "Ji-woo Kim"
    assert rows["1"]["organisation"] == "Korea Institute of Science and Technology"
    assert rows["1"]["offers"] == "" and rows["1"]["seeks"] == JIWOO["seeks"]
    assert rows["1"]["profile_complete"] == "yes"

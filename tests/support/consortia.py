"""The consortium builder's flow-test journeys: the forum's people, a new consortium, an
invitation accepted, and the card a member has."""

from __future__ import annotations

from bot.event_file import load_event_file
from core.event.loading import load_event
from core.meetings.messages import calendar_for
from tests.support.journeys import EXAMPLE, onboard
from tests.support.personas import ANNA, COLLEAGUE, JIWOO, MIRROR, SENSING

CLUSTER = "HORIZON-CL4-2025-03-DIGITAL-EMERGING-02"
RESTRICTED = "HORIZON-CL4-2025-05-DIGITAL-EMERGING-05"
JI, AN, MJ, LU, SO = 1, 2, 3, 4, 5
ORGANISER = 9000


async def forum(bot):
    """The example event (with its two topics) and five onboarded people."""
    event = load_event_file(EXAMPLE)
    await load_event(bot.uow, event, force=False, now=bot.clock.now(), ics=calendar_for(event.name))
    users = {}
    for uid, answers in ((JI, JIWOO), (AN, ANNA), (MJ, COLLEAGUE), (LU, MIRROR), (SO, SENSING)):
        users[uid] = bot.client(uid, answers["full_name"].split()[0])
        await onboard(users[uid], **answers)
    return users


async def create(user, title, topic, action="Research and Innovation Action (RIA)"):
    """/consortium → New → title, topic, type of action, description."""
    await user.command("consortium")
    await user.press("➕ New consortium")
    assert "working title" in user.last().text
    await user.send(title)
    assert "call topic" in user.last().text
    assert (
        f"<code>{RESTRICTED}</code> — Quantum computing: scalable pilot lines" in user.last().text
    )
    await user.send(topic)
    topic_text = user.last().text
    await user.press(action)
    await user.send("Cryo-CMOS control for a QKD testbed between Seoul and Delft.")
    return topic_text


async def invite_and_join(bot, inviter, invitee, name):
    """The inviter picks a person from the list; the invitee joins from the invitation."""
    await inviter.press("➕ Invite")
    await inviter.press(f"➕ {name}")
    assert f"Invitation sent to {name}" in inviter.last().text
    await bot.dispatch()
    assert "invites you to a Horizon Europe consortium" in invitee.last().text
    await invitee.press("✅ Join")
    await bot.dispatch()
    return invitee.last()


async def live_card(bot, user, cid):
    """The message that shows the user the consortium's card: the one every change edits."""
    async with bot.uow() as uow:
        shown = await uow.consortia.card_message(cid, user.user_id)
    assert shown is not None, f"no card remembered for {user.user_id}"
    return user.message(shown[0])


def cid_of(message) -> int:
    """The consortium id carried by a card's Invite button."""
    data = next(b["callback_data"] for b in message.inline_buttons if "Invite" in b["text"])
    return int(data.split(":")[2])


async def edit_entity(user, field: str, value: str) -> None:
    """🏛 My legal entity → ✏️ <field> → the value typed."""
    await user.press("🏛 My legal entity")
    await user.press(f"✏️ {field}")
    await user.send(value)


async def trio(bot):
    """The forum, and Ji-woo's "Quantum-safe links" (cluster topic, RIA) with Anna and Lukas in:
    eligible. Returns the people and the consortium's id."""
    users = await forum(bot)
    await create(users[JI], "Quantum-safe links", CLUSTER)
    await invite_and_join(bot, users[JI], users[AN], "Anna de Vries")
    return users, cid_of(await invite_and_join(bot, users[JI], users[LU], "Lukas Weber"))

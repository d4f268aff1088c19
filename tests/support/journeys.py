"""Reusable user journeys for flow tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.event_file import load_event_file
from core.event.loading import load_event
from core.meetings.messages import calendar_for
from tests.support.client import UserClient
from tests.support.personas import ANNA, COLLEAGUE, JIWOO, MIRROR, SENSING

DEFAULT_ANSWERS: dict[str, str] = {
    "full_name": "Ji-woo Kim",
    "organisation": "Korea Institute of Science and Technology",
    "country": "South Korea",
    "sector": "Academia / research",
    "career_stage": "Established researcher",
    "expertise": "QKD, superconducting qubits, cryo-CMOS control electronics",
    "offers": "A metropolitan QKD testbed in Seoul and experience with field trials",
    "seeks": "A European partner for a Horizon Europe quantum communication proposal",
    "he_interests": "Quantum Flagship calls in Cluster 4",
    "bio": "Principal researcher working on quantum networks.",
}

BUTTON_FIELDS = ("sector", "career_stage")

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "korea-eu-quantum-forum.toml"


async def onboard(user: UserClient, **answers: Any) -> None:
    """/start → Accept → every profile question answered (buttons where they exist)."""
    values = {**DEFAULT_ANSWERS, **answers}
    await user.command("start")
    await user.press("I accept")
    for field in DEFAULT_ANSWERS:
        value = values[field]
        if value is None:
            await user.press("Skip")
        elif field in BUTTON_FIELDS:
            await user.press(value)
        else:
            await user.send(value)


async def onboard_korean(user):
    """The profile questions answered in Korean (after /start and consent), up to the end."""
    await user.send("김지우")
    await user.send("한국과학기술연구원")
    await user.send("대한민국")
    await user.press("학계 / 연구기관")
    await user.press("중견 연구자")
    await user.send("양자키분배, 초전도 큐비트")
    await user.send("서울의 QKD 테스트베드")
    await user.send("유럽의 극저온 전자회로 파트너")
    await user.press("건너뛰기")
    await user.press("건너뛰기")
    assert "프로필 작성이 끝났습니다" in user.last().text


async def cohort(bot):
    """Five onboarded people (ids 1-5) whose profiles make the partner ranking predictable."""
    users = {}
    for uid, answers in ((1, JIWOO), (2, ANNA), (3, COLLEAGUE), (4, MIRROR), (5, SENSING)):
        users[uid] = bot.client(uid, answers["full_name"].split()[0])
        await onboard(users[uid], **answers)
    return users


async def setup(bot):
    """The example event loaded; Ji-woo (1), Anna (2) and Lukas (4) onboarded, for meeting flows."""
    event = load_event_file(EXAMPLE)
    await load_event(bot.uow, event, force=False, now=bot.clock.now(), ics=calendar_for(event.name))
    users = {}
    for uid, answers in ((1, JIWOO), (2, ANNA), (4, MIRROR)):
        users[uid] = bot.client(uid, answers["full_name"].split()[0])
        await onboard(users[uid], **answers)
    return users


async def request_from_jiwoo(bot, users, *, times=("Thu 10 Apr 10:00",), note="Cryo-CMOS & QKD?"):
    """Ji-woo asks Anna to meet at `times` with a note; returns the request as Anna sees it."""
    jiwoo = users[1]
    await jiwoo.command("partners")
    assert "Anna de Vries" in jiwoo.last().text
    await jiwoo.press("🤝 Request meeting")
    assert "Pick up to 3 times" in jiwoo.last().text
    for label in times:
        await jiwoo.press(label)
    assert f"({len(times)} chosen)" in jiwoo.last().text
    if note:
        await jiwoo.press("✏️ Add a note")
        await jiwoo.send(note)
    await jiwoo.press("📨 Send request")
    assert "Request sent to Anna de Vries" in jiwoo.last().text
    await bot.dispatch()
    return users[2].last()

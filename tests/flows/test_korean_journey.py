"""The whole attendee journey in Korean: start, consent, profile, partners, a meeting, the
agenda, feedback; every message in Korean, dates in Korean format."""

from __future__ import annotations

import re

from bot.event_file import load_event_file
from core.event.loading import load_event
from core.meetings.messages import calendar_for
from tests.support.journeys import EXAMPLE, onboard, onboard_korean
from tests.support.personas import ANNA

HANGUL = re.compile(r"[\uac00-\ud7a3]")


async def test_korean_attendee_journey(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    event = load_event_file(EXAMPLE)
    await load_event(bot.uow, event, force=False, now=bot.clock.now(), ics=calendar_for(event.name))
    anna = bot.client(2, "Anna")
    await onboard(anna, **ANNA)
    minjun = bot.client(77, "민준", language_code="ko")
    await minjun.command("start")
    assert "환영합니다" in minjun.last().text and "개인정보 처리 안내" in minjun.last().text
    await minjun.press("동의합니다")
    await onboard_korean(minjun)

    await minjun.command("partners")
    card = minjun.last()
    assert "Anna de Vries" in card.text and "추천 이유" in card.text
    assert card.buttons[:2] == ["🤝 미팅 요청", "⭐ 저장"]
    await minjun.press("🤝 미팅 요청")
    assert "두 분 모두 비어 있는 시간" in minjun.last().text
    assert "4월 10일 (목) 10:00" in minjun.last().buttons
    await minjun.press("4월 10일 (목) 10:00")
    await minjun.press("📨 요청 보내기")
    assert "Anna de Vries님께 요청을 보냈습니다" in minjun.last().text
    await bot.dispatch()
    await anna.press("✅ Thu 10 Apr 10:00")
    await bot.dispatch()
    confirmed = minjun.last()
    assert confirmed.text.startswith("✅ <b>Anna de Vries</b>님과의 미팅이 확정되었습니다")
    assert confirmed.document is not None

    await minjun.command("agenda")
    assert "지금과 다음" in minjun.last().text
    await minjun.command("meetings")
    assert "예정된 미팅" in minjun.last().text and "4월 10일 (목) 10:00" in minjun.last().text
    await minjun.command("help")
    await minjun.command("unknowncmd")
    assert "명령은 알지 못합니다" in minjun.last().text

    for message in minjun.messages():
        text = re.sub(
            r"<[^>]+>|Anna de Vries|Delft University of Technology|Netherlands", "", message.text
        )
        if re.search(r"[A-Za-z]{4,}", text) and not HANGUL.search(text):
            raise AssertionError(f"an English message reached the Korean user: {message.text}")


async def test_organisers_find_people_in_either_script(make_bot):
    bot = await make_bot(organisers={"telegram_ids": [9000]})
    seoyeon = bot.client(81, "서연")
    await onboard(seoyeon, full_name="이서연", organisation="KAIST")
    other = bot.client(82)
    await onboard(other, full_name="Rhee Seoyeon", organisation="KRISS")
    organiser = bot.client(9000, "Org")
    await organiser.command("find", "Yi Seo-yeon")
    text = organiser.last().text
    assert "• 이서연 — KAIST (id 81)" in text and "• Rhee Seoyeon — KRISS (id 82)" in text
    await organiser.command("find", "<b>nobody</b>")
    assert "“&lt;b&gt;nobody&lt;/b&gt;”" in organiser.last().text
    assert "Nobody found." in organiser.last().text
    await other.command("find", "이서연")
    assert other.last().text == "This command is for the event's organisers."

"""From /start to the first profile question in at most two new messages, in English and Korean,
with or without an invite or a prefilled registration: presses edit the message they belong to."""

from __future__ import annotations

from bot.send_limits import GLOBAL_LIMITED_METHODS
from core.people.person import NOTICE_VERSION
from handlers.i18n import Translator
from handlers.routes import CONSENT_ACCEPT, CONSENT_DECLINE

#: Bot API methods that put a new message in a chat (edits and press answers do not).
CREATING = GLOBAL_LIMITED_METHODS
EN, KO = Translator("en"), Translator("ko")
EVENT = "Korea-EU Quantum Research Forum"
CSV = "\n".join(
    (
        "name,email,organisation,country,delegation,sector,expertise,offers,seeks",
        "김민준,minjun@kist.re.kr,한국과학기술연구원,대한민국,KR,research,"
        '"양자키분배, 초전도 큐비트",서울 QKD 테스트베드,극저온 전자회로',
        "Anna de Vries,anna@tudelft.nl,Delft University of Technology,Nederland,EU,Academia,"
        '"cryo-CMOS, QKD",Cryo-CMOS control electronics,A QKD testbed',
        "",
    )
)


def created(bot, chat_id: int) -> int:
    """How many message-creating Bot API calls went to one chat so far."""
    return sum(
        1 for c in bot.fake.calls if c.method in CREATING and c.params.get("chat_id") == chat_id
    )


async def _import(bot) -> dict[str, str]:
    """Registrations imported by the organiser (9000); their invite codes by email."""
    organiser = bot.client(9000, "Org")
    await organiser.send_document("people.csv", CSV.encode(), mime_type="text/csv")
    await organiser.press("Import 2")
    async with bot.uow() as uow:
        return {
            email: (await uow.registrations.get(email)).invite_code
            for email in ("minjun@kist.re.kr", "anna@tudelft.nl")
        }


async def _start(user, t: Translator, payload: str = "") -> None:
    """/start: the welcome and the privacy notice in one message, the version in its buttons."""
    await user.command("start", payload)
    [first] = user.messages()
    notice = t("privacy.notice", version=NOTICE_VERSION, event=EVENT)
    assert first.text == f"{t('start.welcome', event=EVENT)}\n\n{notice}"
    assert first.buttons == [t("privacy.accept"), t("privacy.decline")]
    data = [b["callback_data"] for b in first.inline_buttons]
    assert data == [CONSENT_ACCEPT.pack(NOTICE_VERSION), CONSENT_DECLINE.pack(NOTICE_VERSION)]


async def _consent_stored(bot, user_id: int) -> None:
    async with bot.uow() as uow:
        person = await uow.people.get(user_id)
        consents = await uow.consents.for_person(user_id)
    assert person is not None and person.consent_version == NOTICE_VERSION
    assert [(c.notice_version, c.accepted) for c in consents] == [(NOTICE_VERSION, True)]


async def test_new_people_reach_the_first_question_in_one_message(make_bot):
    bot = await make_bot()
    for uid, t, lang in ((5101, EN, "en"), (5102, KO, "ko")):
        user = bot.client(uid, "Test", language_code=lang)
        await _start(user, t)
        await user.press(t("privacy.accept"))
        [message] = user.messages()  # the notice, edited into the first question
        assert message.edited and message.buttons == []
        assert message.text.startswith(f"{t('consent.accepted')}\n\n")
        assert message.text.endswith(f"{t('ask.progress', n=1, total=10)}\n{t('ask.full_name')}")
        assert t("privacy.notice", version=NOTICE_VERSION, event=EVENT) not in message.text
        assert created(bot, uid) == 1
        await _consent_stored(bot, uid)
        await user.send("Test Person")  # the question is open: the answer is taken
        assert t("ask.organisation") in user.last().text


async def test_invited_and_prefilled_people_reach_the_first_question_in_two_messages(make_bot):
    bot = await make_bot(access={"mode": "invite"}, organisers={"telegram_ids": [9000]})
    codes = await _import(bot)
    (plain_code,) = await bot.services.people.create_invites(1, now=bot.clock.now())

    invited = bot.client(5201, "Test", language_code="en")
    await _start(invited, EN, plain_code)
    await invited.press(EN("privacy.accept"))
    [message] = invited.messages()
    assert message.text.startswith(EN("consent.accepted")) and EN("ask.full_name") in message.text
    assert created(bot, 5201) == 1

    for uid, t, lang, email, name in (
        (5202, KO, "ko", "minjun@kist.re.kr", "김민준"),
        (5203, EN, "en", "anna@tudelft.nl", "Anna de Vries"),
    ):
        user = bot.client(uid, "Test", language_code=lang)
        await _start(user, t, codes[email])
        await user.press(t("privacy.accept"))
        card, ask = user.messages()  # the notice became the prefilled card; then the question
        assert card.edited and card.text.startswith(
            f"{t('consent.accepted')}\n\n{t('consent.prefilled')}\n\n"
        )
        assert name in card.text and t("profile.continue") in card.buttons
        assert ask.text == f"{t('ask.progress', n=5, total=10)}\n{t('ask.career_stage')}"
        assert t("career.established") in ask.buttons
        assert created(bot, uid) == 2
        await _consent_stored(bot, uid)


async def test_decline_and_an_older_notice_edit_the_pressed_message(make_bot):
    bot = await make_bot()
    for uid, t, lang in ((5301, EN, "en"), (5302, KO, "ko")):
        user = bot.client(uid, "Test", language_code=lang)
        await _start(user, t)
        notice = user.last()
        await user.press_data(CONSENT_ACCEPT.pack(NOTICE_VERSION - 1), message_id=notice.message_id)
        [again] = user.messages()
        current = t("privacy.notice", version=NOTICE_VERSION, event=EVENT)
        assert again.text == f"{t('consent.outdated')}\n\n{current}"
        assert again.buttons == [t("privacy.accept"), t("privacy.decline")]
        await user.press(t("privacy.decline"))
        assert [m.text for m in user.messages()] == [t("consent.declined")]
        assert created(bot, uid) == 1
        async with bot.uow() as uow:
            assert await uow.people.get(uid) is None


async def test_consent_needed_elsewhere_is_one_message_with_the_notice(make_bot):
    bot = await make_bot()
    for uid, t, lang in ((5401, EN, "en"), (5402, KO, "ko")):
        user = bot.client(uid, "Test", language_code=lang)
        await user.command("profile")
        [message] = user.messages()
        notice = t("privacy.notice", version=NOTICE_VERSION, event=EVENT)
        assert message.text == f"{t('consent.required')}\n\n{notice}"
        assert message.buttons == [t("privacy.accept"), t("privacy.decline")]
        await user.press(t("privacy.accept"))
        assert t("ask.full_name") in user.last().text and created(bot, uid) == 1
        await _consent_stored(bot, uid)


async def test_a_pressed_answer_turns_its_question_into_the_next_one(make_bot):
    bot = await make_bot()
    for uid, t, lang in ((5501, EN, "en"), (5502, KO, "ko")):
        user = bot.client(uid, "Test", language_code=lang)
        await user.command("start")
        await user.press(t("privacy.accept"))
        for answer in ("Test Person", "KIST", "Korea"):
            await user.send(answer)
        sector = user.last()
        assert t("ask.sector") in sector.text
        user.clear()
        await user.press(t("sector.academia"))
        assert user.messages() == []  # no new message: the sector question was edited
        edited = user.message(sector.message_id)
        saved = t("answer.saved", field=t("field.sector"))
        assert (
            edited.text == f"{saved}\n\n{t('ask.progress', n=5, total=10)}\n{t('ask.career_stage')}"
        )
        assert t("career.established") in edited.buttons
        await user.press(t("career.established"), message_id=sector.message_id)
        assert t("ask.expertise") in user.message(sector.message_id).text
        async with bot.uow() as uow:
            profile = await uow.profiles.get(uid)
        assert profile is not None
        assert (profile.sector, profile.career_stage) == ("academia", "established")

"""/start, the privacy notice with Accept/Decline, /language and /timezone."""

from __future__ import annotations

from core.people.onboarding import Arrival
from core.people.person import LANGUAGES, NOTICE_VERSION
from core.reference.errors import InvalidAnswer
from handlers.common import Button
from handlers.help import offer_organiser_menu
from handlers.i18n import Safe, Translator
from handlers.people.notice import send_notice
from handlers.people.questions import ask_field, show_card, welcome_back
from handlers.routes import CONSENT_ACCEPT, CONSENT_DECLINE, LANGUAGE, TIMEZONE
from handlers.turns import Handler, Turn, button, command

COMMON_ZONES = ("Asia/Seoul", "Europe/Brussels", "Europe/London", "Europe/Helsinki")


async def start(turn: Turn) -> None:
    """Welcome, bind an invite from the deep link, then consent or continue the profile."""
    t, services = turn.t, turn.services
    payload = turn.ctx.args[0] if turn.ctx.args else None
    result = await services.people.onboarding.start(
        turn.user_id, payload, now=turn.now(), username=_username(turn)
    )
    await offer_organiser_menu(turn)  # once per run: Telegram knows an organiser's chat from now
    event = services.event_name
    if result.arrival in (
        Arrival.DENIED,
        Arrival.INVITE_INVALID,
        Arrival.INVITE_USED,
        Arrival.INVITE_RETIRED,
    ):
        await turn.reply(t(f"access.{result.arrival.value}", event=event))
        return
    if result.arrival is Arrival.NEEDS_CONSENT:
        await send_notice(turn.update, turn.ctx, t, intro=t("start.welcome", event=event))
        return
    if result.arrival is Arrival.RESUME_PROFILE and result.next_field:
        await ask_field(turn, result.next_field, "onboarding", prefix=t("start.resume"))
        return
    await welcome_back(turn, result.profile)


def _username(turn: Turn) -> str | None:
    """The person's Telegram @username (kept so others can invite them by it)."""
    user = turn.update.effective_user
    return user.username if user is not None else None


async def accept(turn: Turn) -> None:
    """Accept pressed: consent stored; the notice becomes the thanks and the first question (or
    the prefilled card, then the question), so the person gets no extra message."""
    t, services = turn.t, turn.services
    if not await _current_notice(turn):
        return
    result = await services.people.onboarding.accept_consent(
        turn.user_id, language=t.language, now=turn.now(), username=_username(turn)
    )
    if result.arrival is Arrival.DENIED:
        await turn.reply(t("access.denied", event=services.event_name), edit=True)
        return
    thanks = t("consent.accepted")
    if result.next_field and not result.prefilled:
        await ask_field(turn, result.next_field, "onboarding", prefix=thanks, edit=True)
        return
    if result.prefilled and result.profile is not None:
        intro = Safe(f"{thanks}\n\n{t('consent.prefilled')}")
        await show_card(turn, result.profile, intro=intro, edit=True)
    else:
        await turn.reply(thanks, edit=True)
    if result.next_field:
        await ask_field(turn, result.next_field, "onboarding")
    else:
        await welcome_back(turn, result.profile)


async def decline(turn: Turn) -> None:
    """Decline pressed under the privacy notice: nothing new is stored."""
    if not await _current_notice(turn):
        return
    await turn.services.people.onboarding.decline_consent(turn.user_id, now=turn.now())
    await turn.reply(turn.t("consent.declined"), edit=True)


async def _current_notice(turn: Turn) -> bool:
    """A press under an older notice shows the current one instead of recording anything."""
    if turn.int_arg() == NOTICE_VERSION:
        return True
    await send_notice(turn.update, turn.ctx, turn.t, intro=turn.t("consent.outdated"), edit=True)
    return False


async def language(turn: Turn) -> None:
    """/language: offer both catalogues."""
    t = turn.t
    await turn.reply(
        t("language.choose"),
        [
            [
                (t("language.english"), LANGUAGE.pack("en")),
                (t("language.korean"), LANGUAGE.pack("ko")),
            ]
        ],
    )


async def choose_language(turn: Turn) -> None:
    """Store the choice (or keep it for this session until consent) and confirm in it."""
    lang = turn.str_arg()
    if lang not in LANGUAGES:
        return
    stored = await turn.services.people.onboarding.set_language(turn.user_id, lang)
    if not stored and turn.ctx.user_data is not None:
        turn.ctx.user_data["language"] = lang
    t = Translator(lang)
    turn.ctx.set_translator(t)
    turn.t = t
    await turn.reply(t("language.set"), edit=True)


async def timezone_command(turn: Turn) -> None:
    """/timezone [IANA name]: show times in my own zone too (for remote participants)."""
    t = turn.t
    event_zone = turn.services.event_timezone.key
    if turn.ctx.args:
        await _apply_timezone(turn, " ".join(turn.ctx.args))
        return
    rows: list[list[Button]] = [[(t("timezone.event", zone=event_zone), TIMEZONE.pack("event"))]]
    rows += [[(zone, TIMEZONE.pack(zone))] for zone in COMMON_ZONES if zone != event_zone]
    await turn.reply(t("timezone.choose", zone=event_zone), rows)


async def choose_timezone(turn: Turn) -> None:
    """tz:<zone> button: the presser's own setting only."""
    await _apply_timezone(turn, turn.str_arg())


async def _apply_timezone(turn: Turn, name: str) -> None:
    try:
        shown = await turn.services.people.onboarding.set_timezone(turn.user_id, name)
    except InvalidAnswer:
        await turn.reply(turn.t("timezone.unknown", name=name[:64]))
        return
    await turn.reply(turn.t("timezone.set", zone=shown), edit=turn.is_press)


def handlers() -> list[Handler]:
    """Onboarding handlers, in the order the composition root registers them."""
    return [
        command("start", start),
        button(CONSENT_ACCEPT, accept),
        button(CONSENT_DECLINE, decline),
        command("language", language),
        button(LANGUAGE, choose_language),
        command("timezone", timezone_command),
        button(TIMEZONE, choose_timezone),
    ]

"""The bot under test: a real Application over the fake Bot API, restartable on one database."""

from __future__ import annotations

from typing import Any

import httpx
from telegram.ext import Application

from bot.app import (
    build_application,
    dispatcher_of,
    services_of,
    start_without_polling,
    stop_without_polling,
    uow_of,
)
from bot.config import Settings
from bot.orcid import HttpOrcidRecords
from fake_bot_api import FakeBotApi
from handlers.services import Services
from storage.uow import SqlUnitOfWorkFactory
from tests.support.client import UserClient
from tests.support.virtual_time import VirtualTimer

TOKEN = "123456:TEST-TOKEN"
#: Telegram's limits as the fake enforces them in every flow test: 30 messages a second for the
#: bot; per chat a burst of 3, then one a second. The bot keeps a little under them.
TELEGRAM_RATE = 30
CHAT_BURST = 3
BOT_RATE = 29
RESTART_SECONDS = 5.0


def strict_fake(timer: VirtualTimer) -> FakeBotApi:
    """A fake Bot API that refuses what Telegram refuses under load, on the tests' seconds."""
    return FakeBotApi(
        rate_limit_per_second=TELEGRAM_RATE, per_chat_burst=CHAT_BURST, monotonic=timer.monotonic
    )


def settings_for(db_url: str, **overrides: Any) -> Settings:
    """Test settings: the given database, Telegram's limits (kept on virtual time), plus section
    overrides."""
    data: dict[str, Any] = {
        "telegram": {"token": TOKEN, "username": "forumbot_test_bot"},
        "database": {"url": db_url},
        "outbox": {"max_per_second": BOT_RATE, "max_attempts": 3},
        "event": {"name": "Korea-EU Quantum Research Forum"},
    }
    for section, values in overrides.items():
        data.setdefault(section, {}).update(values)
    return Settings(**data)


def offline(request: httpx.Request) -> httpx.Response:
    """The network as tests see it: not there."""
    raise httpx.ConnectError("tests never reach the network", request=request)


class BotUnderTest:
    """One running Application; `restart()` replaces it with a fresh one on the same data."""

    def __init__(
        self, settings: Settings, clock: Any, fake: FakeBotApi, timer: VirtualTimer
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.fake = fake
        self.errors: list[BaseException] = []
        #: Seconds for the send scheduler's and the fake's limits: waiting costs no real time.
        self.timer = timer
        self.app: Application[Any, Any, Any, Any, Any, Any] | None = None

    @classmethod
    async def create(
        cls,
        *,
        db_url: str,
        clock: Any,
        fake: FakeBotApi | None = None,
        timer: VirtualTimer | None = None,
        **overrides: Any,
    ) -> BotUnderTest:
        timer = timer or VirtualTimer()
        bot = cls(settings_for(db_url, **overrides), clock, fake or strict_fake(timer), timer)
        await bot.start()
        return bot

    async def start(self) -> None:
        app = build_application(
            self.settings,
            request=self.fake,
            clock=self.clock,
            start_dispatcher_job=False,
            send_timer=self.timer,
        )

        async def collect(_update: object, context: Any) -> None:
            self.errors.append(context.error)

        app.add_error_handler(collect)
        # No test touches the network: ORCID answers "unreachable" unless a test hands in its
        # own transport.
        services_of(app).people.orcid.records = HttpOrcidRecords(httpx.MockTransport(offline))
        await start_without_polling(app)
        self.app = app

    async def stop(self) -> None:
        if self.app is not None:
            await stop_without_polling(self.app)
            self.app = None
            # A restart takes seconds: the new process's scheduler starts with a fresh budget.
            self.timer.advance(RESTART_SECONDS)

    async def restart(self) -> None:
        """Stop this Application and start a new one: only the database carries state over."""
        await self.stop()
        await self.start()

    # The client talks to whichever Application is current, so it survives restarts.
    @property
    def bot(self) -> Any:
        assert self.app is not None
        return self.app.bot

    async def process_update(self, update: Any) -> None:
        assert self.app is not None
        await self.app.process_update(update)

    async def deliver(self, update: Any) -> None:
        """As polling hands an update over: the update processor first (person by person,
        flood limits), then the handlers."""
        assert self.app is not None
        await self.app.update_processor.process_update(update, self.app.process_update(update))

    @property
    def uow(self) -> SqlUnitOfWorkFactory:
        """A unit of work on the bot's database, for tests that check what was stored."""
        assert self.app is not None
        return uow_of(self.app)

    @property
    def services(self) -> Services:
        assert self.app is not None
        return services_of(self.app)

    async def dispatch(self) -> int:
        """Run the outbox dispatcher once, as the repeating job would."""
        assert self.app is not None
        return await dispatcher_of(self.app).run_once()

    def client(self, user_id: int, first_name: str = "Test", **kwargs: Any) -> UserClient:
        assert self.app is not None
        return UserClient(self, self.fake, user_id, first_name, **kwargs)

    def assert_clean(self) -> None:
        """No handler error, no unknown Bot API method, nothing Telegram would have rejected."""
        assert not self.errors, f"handler errors: {self.errors!r}"
        assert not self.fake.problems, f"unknown Bot API methods: {self.fake.problems!r}"
        assert not self.fake.rejections, f"Telegram would reject: {self.fake.rejections!r}"
        assert not self.fake.too_many_requests, (
            f"{self.fake.too_many_requests} sends over Telegram's limits "
            f"({self.fake.too_many_global} for the bot, {self.fake.too_many_per_chat} per chat)"
        )

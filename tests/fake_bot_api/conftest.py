"""Fixtures for the fake's self-tests: a fresh fake, an application on it, a user."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from fake_bot_api import FakeBotApi
from tests.fake_bot_api.tiny_bot import (
    USER,
    AnyApp,
    build_app,
)
from tests.support.client import UserClient


@pytest_asyncio.fixture
async def fake() -> FakeBotApi:
    """A fresh fake per test so records don't leak between tests."""
    return FakeBotApi()


@pytest_asyncio.fixture
async def app(fake: FakeBotApi) -> AsyncIterator[AnyApp]:
    """An initialized (not polling) application on the fake."""
    application = build_app(fake)
    await application.initialize()
    yield application
    await application.shutdown()


@pytest_asyncio.fixture
async def user(app: AnyApp, fake: FakeBotApi) -> UserClient:
    """A user named Kim in a private chat."""
    return UserClient(app, fake, USER, "Kim", username="kim")

"""The example forum, loaded once per module."""

from __future__ import annotations

import pytest

from bot.event_file import load_event_file
from core.event.model import Event
from tests.unit.event_file.helpers import EXAMPLE


@pytest.fixture(scope="module")
def forum() -> Event:
    return load_event_file(EXAMPLE)

"""Every command-line test runs in an empty directory without FORUMBOT_* variables."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Empty working directory, no FORUMBOT_* variables, logger levels restored afterwards."""
    for name in [n for n in os.environ if n.upper().startswith("FORUMBOT_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    loggers = [logging.getLogger(name) for name in ("", "httpx", "apscheduler")]
    levels = [logger.level for logger in loggers]
    yield
    for logger, level in zip(loggers, levels, strict=True):
        logger.setLevel(level)

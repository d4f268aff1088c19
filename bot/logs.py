"""Logging setup for the CLI: one line per record, quiet third-party chatter."""

from __future__ import annotations

import logging


def setup_logging(level: str = "INFO") -> None:
    """Human-readable logs on stderr; httpx request lines only at DEBUG (they contain the token)."""
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

"""The real clock (tests pass their own)."""

from __future__ import annotations

from datetime import UTC, datetime


class SystemClock:
    """UTC now, from the operating system."""

    def now(self) -> datetime:
        """Timezone-aware current time."""
        return datetime.now(UTC)

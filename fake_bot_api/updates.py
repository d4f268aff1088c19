"""The update queue behind getUpdates: long polling, offsets, and the 409 of a second poller."""

from __future__ import annotations

import time

from fake_bot_api import limits
from fake_bot_api.limits import JSONDict
from fake_bot_api.records import Rejection
from fake_bot_api.state import FakeState


class UpdateQueue(FakeState):
    """Updates waiting for the bot, served the way getUpdates serves them."""

    def push_update(self, update: JSONDict) -> int:
        """Queue an update for getUpdates (assigning update_id if missing); returns its id."""
        self.note_update(update)
        with self._cond:
            if "update_id" in update:
                self._last_update_id = max(self._last_update_id, int(update["update_id"]))
            else:
                self._last_update_id += 1
                update = {"update_id": self._last_update_id, **update}
            self._updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def pending_updates(self) -> list[JSONDict]:
        """Updates queued and not yet confirmed by an offset."""
        with self._lock:
            return list(self._updates)

    def interrupt_waiters(self) -> None:
        """Release any long-polling getUpdates immediately (used when a server stops)."""
        with self._cond:
            self._wake_generation += 1
            self._cond.notify_all()

    def _get_updates(self, params: JSONDict) -> tuple[int, JSONDict]:
        """Long polling: confirm by offset, wait up to min(timeout, 2 s) for new updates."""
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), limits.LONG_POLL_CAP_SECONDS)
        deadline = time.monotonic() + timeout
        with self._cond:
            self._poll_generation += 1
            my_poll = self._poll_generation
            wake = self._wake_generation
            self._cond.notify_all()  # an older long poll is now superseded: wake it for its 409
            while True:
                if my_poll != self._poll_generation:
                    description = (
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running"
                    )
                    self.faults.append(
                        Rejection("getUpdates", params, 409, description, self.monotonic())
                    )
                    return 409, {"ok": False, "error_code": 409, "description": description}
                if offset > 0:
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                    ready = self._updates[:limit]
                elif offset < 0:
                    ready = self._updates[offset:][:limit]
                else:
                    ready = self._updates[:limit]
                if ready:
                    return 200, {"ok": True, "result": [dict(u) for u in ready]}
                remaining = deadline - time.monotonic()
                if remaining <= 0 or wake != self._wake_generation:
                    return 200, {"ok": True, "result": []}
                self._cond.wait(remaining)

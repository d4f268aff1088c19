"""Reusable user journeys for flow tests."""

from __future__ import annotations

from typing import Any

from tests.support.client import UserClient

DEFAULT_ANSWERS: dict[str, str] = {
    "full_name": "Ji-woo Kim",
    "organisation": "Korea Institute of Science and Technology",
    "country": "South Korea",
    "sector": "Academia / research",
    "career_stage": "Established researcher",
    "expertise": "QKD, superconducting qubits, cryo-CMOS control electronics",
    "offers": "A metropolitan QKD testbed in Seoul and experience with field trials",
    "seeks": "A European partner for a Horizon Europe quantum communication proposal",
    "he_interests": "Quantum Flagship calls in Cluster 4",
    "bio": "Principal researcher working on quantum networks.",
}

BUTTON_FIELDS = ("sector", "career_stage")


async def onboard(user: UserClient, **answers: Any) -> None:
    """/start → Accept → every profile question answered (buttons where they exist)."""
    values = {**DEFAULT_ANSWERS, **answers}
    await user.command("start")
    await user.press("I accept")
    for field in DEFAULT_ANSWERS:
        value = values[field]
        if value is None:
            await user.press("Skip")
        elif field in BUTTON_FIELDS:
            await user.press(value)
        else:
            await user.send(value)

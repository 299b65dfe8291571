"""Test helpers around the outbox's rate limiters."""

from __future__ import annotations

import pytest

from bot.outbox.ratelimit import Limiter


def count_slots(limiter: Limiter, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the address of every slot asked of `limiter` (it still paces as before)."""
    asked: list[str] = []
    real = limiter.acquire

    async def counted(address: str, *, group: bool = False) -> None:
        asked.append(address)
        await real(address, group=group)

    monkeypatch.setattr(limiter, "acquire", counted)
    return asked

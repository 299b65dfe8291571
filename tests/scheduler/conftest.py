"""Helpers for scheduler tests: a submitted request and a worker on the injected clock."""

from __future__ import annotations

import pytest

from app.wiring import App
from bot.scheduler.work import Worker
from tests.flows.helpers import submit
from tests.support.convo import Convo


@pytest.fixture
def worker(app: App) -> Worker:
    """The scheduler's unit of work, driven by the test clock."""
    return Worker(app.sessions, app.engine)


@pytest.fixture
async def submitted(convo: Convo) -> Convo:
    """A beneficiary whose request GH-2026-000001 is with the committee."""
    assert "GH-2026-000001" in await submit(convo)
    return convo

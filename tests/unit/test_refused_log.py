"""Webhook posts refused while the database is away are logged once a minute, with a count."""

from __future__ import annotations

import pytest

from handlers.base import RefusedLog


def test_refusals_are_one_warning_a_minute_with_their_count(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1000.0]
    monkeypatch.setattr("handlers.base.time.monotonic", lambda: now[0])
    refused, away = RefusedLog(every=60.0), ConnectionRefusedError("refused")
    with caplog.at_level("WARNING", logger="handlers.base"):
        for _ in range(5):  # five posts in the first minute
            refused("telegram", 1, away)
            now[0] += 10
        refused("whatsapp", 2, away)  # another channel says so at once
        now[0] += 15  # 65 s after the first warning
        refused("telegram", 3, away)
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 3, lines
    assert lines[0].startswith("telegram: 1 update(s)")
    assert lines[1].startswith("whatsapp: 2 update(s)")
    assert lines[2].startswith("telegram: 7 update(s)")  # the 4 held back and these 3
    assert all("ConnectionRefusedError" in line for line in lines)

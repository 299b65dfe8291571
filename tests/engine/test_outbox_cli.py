"""`python -m bot outbox status` and `python -m bot outbox retry --failed [--since DATE]`."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app.wiring import App
from bot.messages import Outbound
from bot.repo import outbox as outbox_repo
from bot.settings import ROOT
from models import OutboxMessage, OutboxStatus
from tests.conftest import TEST_KEY


def _cli(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GHIMAR_", "TELEGRAM_"))}
    env.update(GHIMAR_DATABASE_URL=database_url, GHIMAR_SECRET_KEY=TEST_KEY,
               GHIMAR_DATA_DIR=str(tmp_path / "data"))
    return subprocess.run([sys.executable, "-m", "bot", "outbox", *args], text=True,
                          capture_output=True, cwd=ROOT, env=env, timeout=120)


async def _rows(app: App, now: dt.datetime) -> None:
    """Two failed (a 502 yesterday, a 400 three days ago), one due, one later, one sent."""
    hour = dt.timedelta(hours=1)
    rows = [("f502", OutboxStatus.FAILED, now - 24 * hour, "transient: Bad Gateway"),
            ("f400", OutboxStatus.FAILED, now - 72 * hour, "Bad Request: chat not found"),
            ("due", OutboxStatus.PENDING, now - 2 * hour, "transient: timeout"),
            ("later", OutboxStatus.PENDING, now + hour, None),
            ("sent", OutboxStatus.SENT, now - hour, None)]
    async with app.sessions() as s, s.begin():
        for key, status, at, error in rows:
            await outbox_repo.enqueue(s, channel="telegram", address="42", message=Outbound(key),
                                      dedupe_key=key, now=now - 96 * hour, not_before=at)
            await s.execute(OutboxMessage.__table__.update()  # type: ignore[attr-defined]
                            .where(OutboxMessage.dedupe_key == key)
                            .values(status=status, last_error=error,
                                    attempts=8 if key == "f400" else 0))


async def test_status_then_retry_the_failed_since_a_date(
    app: App, database_url: str, tmp_path: Path
) -> None:
    now = dt.datetime.now(dt.UTC)  # the command runs on the real clock
    await _rows(app, now)
    status = _cli(database_url, tmp_path, "status")
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0] == "pending: 2 (1 due now, 1 retrying after an error)"
    assert lines[1].startswith("oldest due: ") and "(2 h 0 min ago)" in lines[1]
    assert lines[3] == "by status: failed 2, pending 2, sent 1"
    assert lines[4:] == ["failed: 2, by reason:", "       1  Bad Request: chat not found",
                         "       1  transient: Bad Gateway"]

    assert _cli(database_url, tmp_path, "retry").returncode == 2  # says which: --failed
    since = (now - dt.timedelta(hours=48)).strftime("%Y-%m-%d %H:%M")
    retry = _cli(database_url, tmp_path, "retry", "--failed", "--since", since)
    assert retry.returncode == 0, retry.stderr
    assert retry.stdout.strip() == "1 failed messages queued again"
    async with app.sessions() as s:
        rows = {r.dedupe_key: r for r in (await s.execute(select(OutboxMessage))).scalars()}
    assert rows["f502"].status == OutboxStatus.PENDING
    assert rows["f502"].next_attempt_at <= dt.datetime.now(dt.UTC)  # due at once
    assert rows["f400"].status == OutboxStatus.FAILED  # failed before --since
    again = _cli(database_url, tmp_path, "retry", "--failed", "--reason", "chat not found")
    assert again.stdout.strip() == "1 failed messages queued again"
    async with app.sessions() as s:
        row = (await s.execute(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == "f400"))).scalar_one()
    assert row.status == OutboxStatus.PENDING and row.attempts == 0


def test_a_bad_since_names_the_option_the_value_and_what_is_wrong() -> None:
    """`--since yesterday` said only "Invalid value: a date: ..." (no option, no value), and
    `--since 2026-13-01` the same, though its form is right and its month is not."""
    from typer.testing import CliRunner

    from app.cli.outbox import outbox_app

    runner = CliRunner()
    for value, why in [("yesterday", "YYYY-MM-DD"), ("2026-13-01", "month must be in 1..12")]:
        result = runner.invoke(outbox_app, ["retry", "--failed", "--since", value],
                               env={"COLUMNS": "200"})
        said = " ".join((result.output + (result.stderr or "")).split())
        assert result.exit_code == 2, said
        assert "--since" in said and value in said and why in said, said

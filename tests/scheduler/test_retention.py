"""Retention: expired inbound receipts and transcript lines are deleted in batches.

Lines of an identity whose staff case is not closed stay; the daily job is registered with a
deterministic id; `python -m bot db prune` runs it once.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import event, func, select, update

from app import scheduler as service_module
from app.scheduler import RETENTION_JOB_ID, SchedulerService
from app.wiring import App
from bot.clock import FrozenClock
from bot.config import ConfigError, RetentionConfig, load_config
from bot.db import transaction
from bot.services.retention import prune
from bot.settings import ROOT
from models import Beneficiary, ChannelIdentity, Escalation, InboundReceipt, TranscriptLine
from tests.conftest import TEST_KEY
from tests.support.convo import Convo

DAY = dt.timedelta(days=1)
DEFAULTS = RetentionConfig()  # 14 days of receipts, 180 days of transcript


async def add_receipts(app: App, *ages: dt.timedelta, now: dt.datetime) -> None:
    """One receipt per age, its message id naming the age in hours."""
    async with transaction(app.sessions) as session:
        for i, age in enumerate(ages):
            session.add(InboundReceipt(channel="telegram", message_id=f"{i}:{age}",
                                       received_at=now - age, handled_at=now - age))


async def test_an_update_stored_but_not_handled_is_kept(app: App, clock: FrozenClock) -> None:
    now = clock.now()
    async with transaction(app.sessions) as session:  # the inbox: work still to do
        session.add(InboundReceipt(channel="telegram", message_id="tg:1", payload={"x": 1},
                                   received_at=now - 30 * DAY, claimed_at=now - 30 * DAY))
    await add_receipts(app, 30 * DAY, now=now)
    assert await prune(app.sessions, DEFAULTS, now=now) == {"inboundreceipt": 1,
                                                             "transcriptline": 0}
    assert await receipt_ids(app) == {"tg:1"}


async def new_identity(app: App, user: str) -> int:
    """A beneficiary writing from Telegram; the identity's id."""
    async with transaction(app.sessions) as session:
        person = Beneficiary(full_name=user)
        session.add(person)
        await session.flush()
        identity = ChannelIdentity(beneficiary_id=person.id or 0, channel="telegram",
                                   platform_user_id=user)
        session.add(identity)
        await session.flush()
        return identity.id or 0


async def add_lines(app: App, identity_id: int, *ages: dt.timedelta, now: dt.datetime) -> None:
    """One transcript line per age, its text naming the age."""
    async with transaction(app.sessions) as session:
        for age in ages:
            session.add(TranscriptLine(identity_id=identity_id, direction="in",
                                       text=f"{age.days}d", at=now - age))


async def receipt_ids(app: App) -> set[str]:
    async with app.sessions() as session:
        return set((await session.execute(select(InboundReceipt.message_id))).scalars())


async def line_texts(app: App, identity_id: int | None = None) -> list[str]:
    stmt = select(TranscriptLine.text).order_by(TranscriptLine.id)
    if identity_id is not None:
        stmt = stmt.where(TranscriptLine.identity_id == identity_id)
    async with app.sessions() as session:
        return list((await session.execute(stmt)).scalars())


async def test_expired_rows_go_and_recent_ones_stay(app: App, clock: FrozenClock) -> None:
    now = clock.now()
    await add_receipts(app, 30 * DAY, 15 * DAY, 14 * DAY, 13 * DAY, dt.timedelta(hours=1),
                       now=now)
    person = await new_identity(app, "t1")
    await add_lines(app, person, 400 * DAY, 181 * DAY, 180 * DAY, 179 * DAY, DAY, now=now)

    counts = await prune(app.sessions, DEFAULTS, now=now)

    assert counts == {"inboundreceipt": 2, "transcriptline": 2}
    assert await receipt_ids(app) == {f"2:{14 * DAY}", f"3:{13 * DAY}",
                                      f"4:{dt.timedelta(hours=1)}"}
    assert await line_texts(app) == ["180d", "179d", "1d"]  # the cut-off itself is kept
    assert await prune(app.sessions, DEFAULTS, now=now) == {"inboundreceipt": 0,
                                                            "transcriptline": 0}


async def test_settings_change_the_windows(app: App, clock: FrozenClock) -> None:
    now = clock.now()
    await add_receipts(app, 3 * DAY, DAY / 2, now=now)
    person = await new_identity(app, "t1")
    await add_lines(app, person, 40 * DAY, 20 * DAY, now=now)

    config = RetentionConfig(inbound_receipts_days=1, transcript_days=30)
    assert await prune(app.sessions, config, now=now) == {"inboundreceipt": 1,
                                                          "transcriptline": 1}
    assert await receipt_ids(app) == {f"1:{DAY / 2}"}
    assert await line_texts(app) == ["20d"]


async def test_a_backlog_is_deleted_batch_after_batch(app: App, clock: FrozenClock) -> None:
    now = clock.now()
    await add_receipts(app, *[(20 + i) * DAY for i in range(7)], DAY, now=now)
    person = await new_identity(app, "t1")
    await add_lines(app, person, *[(200 + i) * DAY for i in range(6)], DAY, now=now)
    deletes: list[str] = []

    def count_deletes(conn, cursor, statement, params, context, many) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("DELETE"):
            deletes.append(statement.split()[2].strip('"'))

    event.listen(app.db.sync_engine, "before_cursor_execute", count_deletes)
    try:
        counts = await prune(app.sessions, DEFAULTS, now=now, batch_size=2)
    finally:
        event.remove(app.db.sync_engine, "before_cursor_execute", count_deletes)

    assert counts == {"inboundreceipt": 7, "transcriptline": 6}
    # 7 receipts: 2 + 2 + 2 + 1; 6 lines: 2 + 2 + 2, then one that finds nothing left
    assert deletes == ["inboundreceipt"] * 4 + ["transcriptline"] * 4
    assert await receipt_ids(app) == {f"7:{DAY}"}
    assert await line_texts(app) == ["1d"]


async def test_an_open_case_keeps_the_lines_staff_need(app: App, clock: FrozenClock) -> None:
    asking, quiet = Convo(app, "u1"), Convo(app, "u2")
    for c in (asking, quiet):
        await c.send("مرحبا")
        await c.press("أوافق")
    await asking.press("التحدث مع موظف")  # asks for a person: a case is opened
    await asking.press("موضوع آخر")
    await asking.send("أحتاج مساعدة في تعبئة الطلب")
    async with app.sessions() as session:
        case = (await session.execute(select(Escalation))).scalar_one()
        quiet = select(ChannelIdentity.id).where(ChannelIdentity.platform_user_id == "u2")
        quiet_id = (await session.execute(quiet)).scalar_one()
    assert case.status == "open"
    # Both conversations happened long ago.
    long_ago = clock.now() - 365 * DAY
    async with transaction(app.sessions) as session:
        await session.execute(update(TranscriptLine).values(at=long_ago))
    kept = await line_texts(app, case.identity_id)
    assert len(kept) >= 4 and await line_texts(app, quiet_id)

    counts = await prune(app.sessions, DEFAULTS, now=clock.now())
    assert counts["transcriptline"] > 0
    assert await line_texts(app, quiet_id) == []
    assert await line_texts(app, case.identity_id) == kept

    for status, left in (("claimed", kept), ("closed", [])):
        async with transaction(app.sessions) as session:
            await session.execute(update(Escalation).where(Escalation.id == case.id)
                                  .values(status=status))
        await prune(app.sessions, DEFAULTS, now=clock.now())
        assert await line_texts(app, case.identity_id) == left, status


async def test_the_daily_job_prunes_and_logs(
    app: App, clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    await add_receipts(app, 20 * DAY, 20 * DAY, DAY, now=clock.now())
    service = SchedulerService(app, tick_seconds=3600)
    service.start()
    try:
        job = service.scheduler.get_job(RETENTION_JOB_ID)
        assert job is not None
        fields = {f.name: str(f) for f in job.trigger.fields}
        assert (fields["hour"], fields["minute"], fields["day_of_week"]) == ("3", "30", "*")
        assert job.trigger.timezone == app.config.tz
        with caplog.at_level(logging.INFO, logger="app.scheduler"):
            counts = await service.prune()
    finally:
        await service.shutdown(grace_seconds=5)
    assert (counts["inboundreceipt"], counts["transcriptline"]) == (2, 0)
    assert "2 from inboundreceipt, 0 from transcriptline" in caplog.text
    assert len(await receipt_ids(app)) == 1


async def test_a_failing_prune_is_logged_not_raised(
    app: App, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*args: object, **kwargs: object) -> dict[str, int]:
        raise RuntimeError("disk full")

    monkeypatch.setattr(service_module.retention, "prune_all", broken)
    service = SchedulerService(app)
    assert await service.prune() == {}
    assert "retention job failed" in caplog.text and "disk full" in caplog.text


def test_config_defaults_and_validation(tmp_path: Path) -> None:
    original = (ROOT / "config.yaml").read_text(encoding="utf-8")
    assert load_config(ROOT / "config.yaml").retention == RetentionConfig(
        inbound_receipts_days=14, transcript_days=180)
    old = tmp_path / "old.yaml"
    old.write_text(original.split("\nretention:")[0], encoding="utf-8")
    assert "\nretention:" not in old.read_text(encoding="utf-8")
    assert load_config(old).retention == RetentionConfig()
    for bad in ("0", "-3", "soon"):
        path = tmp_path / "bad.yaml"
        path.write_text(original.replace("transcript_days: 180", f"transcript_days: {bad}"),
                        encoding="utf-8")
        with pytest.raises(ConfigError, match=r"retention\.transcript_days"):
            load_config(path)


async def test_db_prune_command(app: App, database_url: str, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)  # the command runs on the real clock
    await add_receipts(app, 15 * DAY, 15 * DAY, 15 * DAY, 2 * DAY, now=now)
    person = await new_identity(app, "t1")
    await add_lines(app, person, 200 * DAY, 10 * DAY, now=now)

    env = {k: v for k, v in os.environ.items() if not k.startswith(("GHIMAR_", "TELEGRAM_"))}
    env.update(GHIMAR_DATABASE_URL=database_url, GHIMAR_SECRET_KEY=TEST_KEY,
               GHIMAR_DATA_DIR=str(tmp_path / "data"))
    result = subprocess.run([sys.executable, "-m", "bot", "db", "prune"], text=True,
                            capture_output=True, cwd=ROOT, env=env, timeout=120)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == ["inboundreceipt: 3 deleted",
                                              "transcriptline: 1 deleted"]
    async with app.sessions() as session:
        left = (await session.execute(select(func.count()).select_from(InboundReceipt))).scalar()
    assert left == 1
    assert await line_texts(app) == ["10d"]

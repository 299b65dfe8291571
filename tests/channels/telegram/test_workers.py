"""`python -m bot run --workers N`: refused on SQLite; on PostgreSQL N processes share the
webhook port, the inbox and the outbox, and every update is answered once."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.db import make_engine
from bot.settings import ROOT
from tests.channels.telegram.conftest import SECRET, free_port
from tests.conftest import TEST_KEY
from tests.emulators import TelegramEmulator
from tests.support.databases import truncate_all


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GHIMAR_", "TELEGRAM_"))}
    env.update(GHIMAR_DATA_DIR=str(tmp_path / "data"), GHIMAR_SECRET_KEY=TEST_KEY, **extra)
    return env


def test_several_workers_are_refused_on_sqlite(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--workers", "2"], cwd=ROOT,
                            env=_env(tmp_path, GHIMAR_CHANNELS="telegram"), text=True,
                            capture_output=True, timeout=60)
    assert result.returncode == 2
    assert "--workers 2 needs PostgreSQL" in result.stderr


@pytest.mark.postgres
async def test_two_worker_processes_answer_every_update_once(
        pg_url: object, tmp_path: Path) -> None:
    if not pg_url:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    # the session's database holds what earlier tests left (due outbox rows, stored updates):
    # the workers would deliver that backlog first, within the same 30/s, and the replies wait
    engine = make_engine(str(pg_url))
    await truncate_all(engine)
    await engine.dispose()
    port = free_port()
    async with TelegramEmulator() as tg:
        env = _env(tmp_path, GHIMAR_DATABASE_URL=str(pg_url), GHIMAR_CHANNELS="telegram",
                   GHIMAR_HTTP_PORT=str(port), TELEGRAM_BOT_TOKEN=tg.token,
                   TELEGRAM_API_BASE_URL=tg.base_url, TELEGRAM_WEBHOOK_SECRET=SECRET,
                   TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/webhooks/telegram")
        parent = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", "--workers", "2", cwd=ROOT, env=env,
            stdout=subprocess.DEVNULL, stderr=(tmp_path / "workers.log").open("wb"))
        try:
            await tg.wait_for(lambda c: c.method == "setWebhook" and c.ok, timeout=60)
            await tg.wait_for(lambda c: c.method == "setMyCommands" and c.ok
                              and c.params.get("language_code") == "en", timeout=60)
            users = [tg.make_user(8000 + i, f"User{i}", "ar") for i in range(20)]
            updates = [tg.command_update(u, "/start") for u in users]
            answers = await asyncio.gather(*(tg.post_webhook(u) for u in updates))
            assert {status for status, _ in answers} == {200}
            await asyncio.gather(*(tg.post_webhook(u) for u in updates[:5]))  # redelivered
            for user in users:
                await tg.wait_for(lambda c, uid=user["id"]: c.method == "sendMessage"
                                  and c.params.get("chat_id") == uid and c.ok, timeout=30)
            await asyncio.sleep(1.0)  # a duplicate reply would have come by now
            sent = [c.params["chat_id"] for c in tg.calls_of("sendMessage") if c.ok]
            assert sorted(sent) == sorted(u["id"] for u in users)  # each once
            assert len([c for c in tg.calls_of("setWebhook") if c.ok]) == 2  # two workers
        finally:
            parent.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(parent.wait(), timeout=30)
        assert code == 0

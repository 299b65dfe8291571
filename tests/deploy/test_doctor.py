"""`python -m bot doctor` against the platform emulators and a real SQLite deployment."""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.doctor.diagnose import diagnose
from app.doctor.report import Check, Status
from app.wiring import build_app
from bot.db import transaction
from bot.settings import load_settings
from models import Beneficiary
from tests.emulators import TelegramEmulator, WhatsAppEmulator

ROOT = Path(__file__).resolve().parents[2]


async def run_doctor(env: dict[str, str]) -> tuple[int, str]:
    """The command as a person runs it, in a child process (the emulators serve this loop)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "doctor", cwd=ROOT, env={**os.environ, **env,
                                                              "COLUMNS": "200"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode()


def by_name(checks: list[Check]) -> dict[str, Check]:
    """The checks by name (each name appears once)."""
    return {c.name: c for c in checks}


async def test_all_checks_pass_against_the_emulators(channels_env: dict[str, str]) -> None:
    code, out = await run_doctor(channels_env)
    assert code == 0, out
    assert "✗" not in out and "all checks passed" in out
    for line in ("@ghimar_desk_bot", "none (long polling); 0 update(s) pending",
                 "+1 555-000-1234 «Ghimar Youth Association», quality GREEN", "at head"):
        assert line in out, out


async def test_a_wrong_telegram_token_is_a_clear_failure(
        channels_env: dict[str, str], tg: TelegramEmulator) -> None:
    wrong = {**channels_env, "TELEGRAM_BOT_TOKEN": "123456789:WRONG-token"}
    code, out = await run_doctor(wrong)
    assert code == 1
    assert "refused by Telegram (401 Unauthorized)" in out and "@BotFather" in out
    assert "WRONG-token" not in out  # a token is never printed
    assert [c.status for c in tg.calls_of("getMe")] == [401]


async def test_a_wrong_whatsapp_token_is_refused_with_190(
        channels_env: dict[str, str], monkeypatch: pytest.MonkeyPatch,
        wa: WhatsAppEmulator) -> None:
    monkeypatch.setenv("WHATSAPP_ACCESS_TOKEN", "EAAG-expired")
    checks = by_name(await diagnose(min_free=0))
    token = checks["whatsapp token"]
    assert token.status is Status.FAIL
    assert "refused (401, Graph error 190" in token.detail
    assert "WHATSAPP_ACCESS_TOKEN" in token.fix and "EAAG-expired" not in token.detail
    assert checks["telegram token"].status is Status.OK


async def test_an_unknown_phone_number_id(channels_env: dict[str, str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WHATSAPP_PHONE_NUMBER_ID", "999")
    number = by_name(await diagnose(min_free=0))["whatsapp number"]
    assert number.status is Status.FAIL and "999 not found" in number.detail
    assert "WHATSAPP_PHONE_NUMBER_ID" in number.fix


async def test_the_webhook_last_error_is_shown(channels_env: dict[str, str],
                                               monkeypatch: pytest.MonkeyPatch,
                                               tg: TelegramEmulator) -> None:
    url = f"{tg.base_url}/no-bot-here"  # answers 404, as a proxy without the route would
    monkeypatch.setenv("TELEGRAM_WEBHOOK_URL", url)
    monkeypatch.setenv("TELEGRAM_WEBHOOK_SECRET", "s" * 32)
    async with httpx.AsyncClient() as http:
        await http.post(f"{tg.base_url}/bot{tg.token}/setWebhook", json={"url": url})
    await tg.post_webhook({"update_id": 1})
    webhook = by_name(await diagnose(min_free=0))["telegram webhook"]
    assert webhook.status is Status.FAIL
    assert "Wrong response from the webhook: 404 Not Found" in webhook.detail
    assert "reverse proxy" in webhook.fix


async def test_clock_skew_and_disk_are_measured(channels_env: dict[str, str]) -> None:
    checks = by_name(await diagnose(min_free=0, now=lambda: time.time() + 120))
    assert checks["clock"].status is Status.FAIL
    assert "120 s ahead of" in checks["clock"].detail
    full = by_name(await diagnose(min_free=10**18))["disk"]  # more than any disk holds
    assert full.status is Status.FAIL and "GiB free" in full.detail


async def test_file_modes_and_a_missing_channel_variable(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    data = Path(env["GHIMAR_DATA_DIR"])
    (data / "ghimar.sqlite3").chmod(0o644)
    data.chmod(0o755)
    monkeypatch.setenv("GHIMAR_CHANNELS", "telegram")
    checks = by_name(await diagnose(min_free=0))
    modes = checks["file modes"]
    assert modes.status is Status.FAIL
    assert "(0755)" in modes.detail and "ghimar.sqlite3 (0644)" in modes.detail
    assert checks["telegram"].status is Status.FAIL
    assert "TELEGRAM_BOT_TOKEN is not set" in checks["telegram"].detail


async def test_an_unreachable_database_and_a_missing_key(
        env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHIMAR_DATABASE_URL", "postgresql+asyncpg://ghimar@127.0.0.1:1/ghimar")
    monkeypatch.delenv("GHIMAR_SECRET_KEY")
    checks = by_name(await diagnose(min_free=0))
    assert checks["database"].status is Status.FAIL
    assert "postgresql unreachable" in checks["database"].detail
    key = checks["key"]
    assert key.status is Status.FAIL and "required with PostgreSQL" in key.detail


async def test_the_key_is_tried_on_the_stored_data(env: dict[str, str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    bot = await build_app(load_settings(), faq=None)
    try:
        async with transaction(bot.sessions) as session:
            session.add(Beneficiary(full_name="نورة", mobile="+966501234567"))
    finally:
        await bot.close()
    key = by_name(await diagnose(min_free=0))["key"]
    assert key.status is Status.OK and "opens the stored data" in key.detail
    monkeypatch.setenv("GHIMAR_SECRET_KEY", "another-key-0123456789-0123456789")
    key = by_name(await diagnose(min_free=0))["key"]
    assert key.status is Status.FAIL and "wrong GHIMAR_SECRET_KEY" in key.detail
    assert "another-key" not in key.detail + key.fix


@pytest.mark.postgres
async def test_postgres_reachable_at_head(env: dict[str, str], pg_url: str | None,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    if not pg_url:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    monkeypatch.setenv("GHIMAR_DATABASE_URL", pg_url)
    checks = by_name(await diagnose(min_free=0))
    assert checks["database"].detail == "postgresql reachable"
    assert checks["migrations"].status is Status.OK and checks["key"].status is Status.OK


async def test_invalid_environment_is_the_first_failure(env: dict[str, str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHIMAR_API_TOKEN", "short")
    [check] = await diagnose(min_free=0)
    assert check.status is Status.FAIL and "GHIMAR_API_TOKEN" in check.detail

"""`python -m tests.emulators` (the guide's dress rehearsal) prints variables that reach them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def test_the_printed_environment_points_at_running_emulators() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.emulators", "--telegram-port", "0", "--whatsapp-port", "0"],
        cwd=ROOT, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        env: dict[str, str] = {}
        for line in proc.stdout:
            if line.startswith("# emulators ready"):
                break
            name, value = line.removeprefix("export ").strip().split("=", 1)
            env[name] = value
        me = httpx.get(f"{env['TELEGRAM_API_BASE_URL']}/bot{env['TELEGRAM_BOT_TOKEN']}/getMe")
        number = httpx.get(
            f"{env['WHATSAPP_API_BASE_URL']}/v21.0/{env['WHATSAPP_PHONE_NUMBER_ID']}",
            headers={"Authorization": f"Bearer {env['WHATSAPP_ACCESS_TOKEN']}"})
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert me.json()["ok"] is True and number.status_code == 200
    assert len(env["WHATSAPP_APP_SECRET"]) >= 32 and env["GHIMAR_CHANNELS"] == "telegram,whatsapp"

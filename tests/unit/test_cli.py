"""The command line as a newcomer uses it: help, config check, a scripted chat, resume."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import ROOT


def run(
    args: list[str], tmp_path: Path, stdin: str = "", **extra_env: str
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GHIMAR_", "TELEGRAM_"))}
    env["GHIMAR_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra_env)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, env=env, timeout=120)


def test_help_lists_commands(tmp_path: Path) -> None:
    result = run(["--help"], tmp_path)
    assert result.returncode == 0
    for command in ("chat", "run", "db", "config"):
        assert command in result.stdout


def test_scripted_request_then_status_in_a_second_run(tmp_path: Path) -> None:
    answers = ["1", "1", "محمد أحمد العتيبي", "1000000008", "0501234567", "1", "5", "٣٠٠٠",
               "2", "أسرة من خمسة أفراد بحاجة إلى سلة غذائية", "1", "1", "1", "1",
               "محمد أحمد العتيبي"]
    first = run(["chat", "--user", "demo1"], tmp_path, "\n".join(answers) + "\n")
    assert first.returncode == 0, first.stderr
    assert "GH-2026-000001" in first.stdout.replace("\u2068", "").replace("\u2069", "")
    assert "1000000008" not in first.stderr
    assert (tmp_path / "data" / "secret.key").exists()
    second = run(["chat", "--user", "demo1"], tmp_path, "2\n")
    assert second.returncode == 0, second.stderr
    out = second.stdout.replace("\u2068", "").replace("\u2069", "")
    assert "GH-2026-000001" in out and "مُقدَّم" in out


def test_run_without_server_channels_explains(tmp_path: Path) -> None:
    result = run(["run"], tmp_path)
    assert result.returncode == 2
    assert "python -m bot chat" in result.stderr


def test_bad_config_stops_with_key_named(tmp_path: Path) -> None:
    assert run(["config", "check"], tmp_path).returncode == 0
    bad = tmp_path / "config.yaml"
    bad.write_text((ROOT / "config.yaml").read_text().replace("default_language: ar",
                                                              "default_language: xx"))
    for command in (["config", "check"], ["chat"]):
        result = run(command, tmp_path, "", GHIMAR_CONFIG=str(bad))
        assert result.returncode == 2
        assert "default_language" in result.stderr

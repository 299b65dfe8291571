"""`python -m bot run` (what `make run` calls) on a fresh clone: a clear message, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app as cli


@pytest.fixture
def fresh(env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """config.yaml's defaults (the terminal only), no token, a data folder not made yet."""
    monkeypatch.setenv("GHIMAR_DATA_DIR", str(tmp_path / "fresh"))
    return tmp_path / "fresh"


def test_no_server_channel_names_the_variables_and_offers_make_chat(fresh: Path) -> None:
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    for words in ("GHIMAR_CHANNELS=telegram", "TELEGRAM_BOT_TOKEN", "WHATSAPP_ACCESS_TOKEN",
                  "make chat", "Traceback"):
        assert (words in result.output) is (words != "Traceback"), result.output
    assert not fresh.exists()


@pytest.mark.parametrize(("channel", "named"), [
    ("telegram", "TELEGRAM_BOT_TOKEN is not set"),
    ("whatsapp", "WHATSAPP_ACCESS_TOKEN, WHATSAPP_APP_SECRET, WHATSAPP_PHONE_NUMBER_ID"),
])
def test_a_channel_without_its_token_stops_before_anything_is_made(
        fresh: Path, monkeypatch: pytest.MonkeyPatch, channel: str, named: str) -> None:
    monkeypatch.setenv("GHIMAR_CHANNELS", channel)
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 2
    assert named in result.output and "make chat" in result.output
    assert not fresh.exists()


def test_db_upgrade_makes_the_data_folder_private(fresh: Path) -> None:
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert fresh.stat().st_mode & 0o777 == 0o700  # as the bot makes it: doctor would flag 0755

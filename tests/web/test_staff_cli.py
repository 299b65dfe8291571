"""`python -m bot staff add` and `staff link` on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app as cli
from tests.conftest import TEST_KEY


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh SQLite deployment in the environment."""
    monkeypatch.setenv("GHIMAR_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/g.sqlite3")
    monkeypatch.setenv("GHIMAR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GHIMAR_SECRET_KEY", TEST_KEY)
    monkeypatch.setenv("TELEGRAM_STAFF_IDS", "9001:officer")
    monkeypatch.setenv("GHIMAR_CONSOLE_URL", "https://desk.example.org")
    return tmp_path


def test_staff_add_and_link(env: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["staff", "add", "noura", "--role", "researcher"],
                           input="correct horse 12\ncorrect horse 12\n")
    assert result.exit_code == 0, result.output
    assert "created noura (researcher)" in result.output
    result = runner.invoke(cli, ["staff", "add", "noura", "--role", "researcher",
                                 "--password", "short"])
    assert result.exit_code == 1 and "at least 10" in result.output
    result = runner.invoke(cli, ["staff", "add", "sara", "--role", "boss",
                                 "--password", "long enough pw"])
    assert result.exit_code == 1 and "role must be" in result.output
    result = runner.invoke(cli, ["staff", "link", "9001"])
    assert result.exit_code == 0
    assert result.output.startswith("https://desk.example.org/staff/login/")
    result = runner.invoke(cli, ["staff", "link", "4242"])
    assert result.exit_code == 1

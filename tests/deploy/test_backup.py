"""`python -m bot db backup` while the database is written to, then `db restore`, on SQLite."""

from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from app.cli import app as cli
from app.wiring import build_app
from bot.db import transaction
from bot.settings import load_settings
from models import Beneficiary

NAME, MOBILE, DOCUMENT = "نورة الغامدي", "+966501234567", b"%PDF-1.4 a family card\n%%EOF\n"


async def seed() -> str:
    """One beneficiary (encrypted columns) and one document; the document's key."""
    bot = await build_app(load_settings(), faq=None)
    try:
        async with transaction(bot.sessions) as session:
            session.add(Beneficiary(full_name=NAME, mobile=MOBILE))
        key, _ = bot.services.documents.put(DOCUMENT)
        return key
    finally:
        await bot.close()


async def read_back(document: str) -> tuple[str | None, bytes]:
    """The beneficiary's name and the document, read through the app with the current key."""
    bot = await build_app(load_settings(), faq=None)
    try:
        async with bot.sessions() as session:
            person = (await session.execute(select(Beneficiary))).scalar_one()
        return person.full_name, bot.services.documents.get(document)
    finally:
        await bot.close()


class Writer(threading.Thread):
    """Inserts rows in short transactions, as the running bot would, until stopped."""

    def __init__(self, database: Path) -> None:
        super().__init__(daemon=True)
        self.database, self.stop, self.written = database, threading.Event(), 0

    def run(self) -> None:
        con = sqlite3.connect(self.database, timeout=30)
        while not self.stop.is_set():
            with con:
                con.execute("INSERT INTO knowledgegap (question, language, reason, created_at) "
                            "VALUES ('q', 'ar', 'unknown', ?)", (dt.datetime.now(dt.UTC),))
            self.written += 1
        con.close()


def gaps(database: Path) -> int:
    con = sqlite3.connect(database)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return int(con.execute("SELECT count(*) FROM knowledgegap").fetchone()[0])
    finally:
        con.close()


@pytest.fixture
def keyfile_env(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Path:
    """The `make chat` default: no GHIMAR_SECRET_KEY, a key file generated in the data folder."""
    monkeypatch.delenv("GHIMAR_SECRET_KEY")
    return Path(env["GHIMAR_DATA_DIR"])


def test_backup_while_writing_then_restore_with_the_key(
        keyfile_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = keyfile_env
    document = asyncio.run(seed())
    writer = Writer(data / "ghimar.sqlite3")
    writer.start()
    while writer.written < 50:  # the writes are under way when the backup starts
        time.sleep(0.01)
    result = CliRunner().invoke(cli, ["db", "backup", "--out", str(tmp_path / "backups")])
    writer.stop.set()
    writer.join()
    assert result.exit_code == 0, result.output
    assert "NOT in this backup" in result.output and "1 encrypted file(s)" in result.output
    [folder] = (tmp_path / "backups").iterdir()
    assert folder.stat().st_mode & 0o777 == 0o700
    copied = gaps(folder / "ghimar.sqlite3")
    assert 50 <= copied <= writer.written  # a snapshot taken between two of the writes
    key = (data / "secret.key").read_bytes().strip()
    names = {p.name for p in folder.rglob("*")}
    assert "secret.key" not in names
    assert not any(key in p.read_bytes() for p in folder.rglob("*") if p.is_file())

    restored = tmp_path / "restored"
    restored.mkdir(mode=0o700)
    shutil.copy(data / "secret.key", restored / "secret.key")  # the key, kept apart
    monkeypatch.setenv("GHIMAR_DATA_DIR", str(restored))
    result = CliRunner().invoke(cli, ["db", "restore", "--from", str(folder), "--yes"])
    assert result.exit_code == 0, result.output
    assert "documents restored: 1" in result.output
    assert asyncio.run(read_back(document)) == (NAME, DOCUMENT)
    assert gaps(restored / "ghimar.sqlite3") == copied

    result = CliRunner().invoke(cli, ["db", "restore", "--from", str(folder), "--yes"])
    assert result.exit_code == 0 and "the database it replaced" in result.output
    assert any(p.name.startswith("ghimar.sqlite3.before-restore-") for p in restored.iterdir())


def test_a_backup_without_its_key_is_unreadable(
        keyfile_env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    document = asyncio.run(seed())
    result = CliRunner().invoke(cli, ["db", "backup", "--out", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    [folder] = (tmp_path / "b").iterdir()
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv("GHIMAR_DATA_DIR", str(elsewhere))
    assert CliRunner().invoke(cli, ["db", "restore", "--from", str(folder),
                                    "--yes"]).exit_code == 0
    # no key was restored: the start generates a new one, which opens nothing of the old data
    with pytest.raises(Exception, match="wrong GHIMAR_SECRET_KEY"):
        asyncio.run(read_back(document))


def test_restore_refuses_what_is_not_a_backup(env: dict[str, str], tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["db", "restore", "--from", str(tmp_path), "--yes"])
    assert result.exit_code == 1 and "holds no ghimar.sqlite3" in result.output
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "ghimar.sqlite3").write_bytes(b"not a database" * 100)
    result = CliRunner().invoke(cli, ["db", "restore", "--from", str(broken), "--yes"])
    assert result.exit_code == 1 and "not a readable SQLite database" in result.output


@pytest.mark.postgres
def test_postgres_backup_runs_pg_dump(env: dict[str, str], pg_url: str | None, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    if not pg_url:
        pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")
    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    monkeypatch.setenv("GHIMAR_DATABASE_URL", pg_url)
    result = CliRunner().invoke(cli, ["db", "backup", "--out", str(tmp_path / "pg")])
    assert result.exit_code == 0, result.output
    [folder] = (tmp_path / "pg").iterdir()
    listing = subprocess.run(["pg_restore", "--list", str(folder / "ghimar.dump")],
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE public beneficiary" in listing and "alembic_version" in listing
    result = CliRunner().invoke(cli, ["db", "restore", "--from", str(folder)])
    assert result.exit_code == 0 and "pg_restore --clean" in result.output


def test_restore_is_refused_while_the_bot_runs_then_works(
        keyfile_env: Path, tmp_path: Path) -> None:
    data = keyfile_env
    document = asyncio.run(seed())
    result = CliRunner().invoke(cli, ["db", "backup", "--out", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    [folder] = (tmp_path / "backups").iterdir()
    before = (data / "ghimar.sqlite3").read_bytes()
    worker = subprocess.Popen(  # another process holds the folder as a running bot does
        [sys.executable, "-c", HOLD_THE_APP], stdout=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2])
    try:
        assert worker.stdout is not None and worker.stdout.readline().strip() == "open"
        result = CliRunner().invoke(cli, ["db", "restore", "--from", str(folder), "--yes"])
        assert result.exit_code == 1
        assert "the bot is running on" in result.output and "stop it first" in result.output
        assert (data / "ghimar.sqlite3").read_bytes() == before  # nothing was written
        assert not any("before-restore" in p.name for p in data.iterdir())
    finally:
        worker.terminate()
        worker.wait(10)
    result = CliRunner().invoke(cli, ["db", "restore", "--from", str(folder), "--yes"])
    assert result.exit_code == 0, result.output
    assert asyncio.run(read_back(document)) == (NAME, DOCUMENT)


def test_no_bot_starts_during_a_restore(keyfile_env: Path) -> None:
    from app.wiring import build_app as build
    from bot.config import ConfigError
    from bot.runlock import RunLock

    lock = RunLock(keyfile_env).hold_exclusive()  # as `db restore` holds it
    try:
        with pytest.raises(ConfigError, match="a restore is under way"):
            asyncio.run(build(load_settings(), faq=None))
    finally:
        lock.release()
    asyncio.run(seed())  # and once it is done, the bot opens again


HOLD_THE_APP = """
import asyncio
from app.wiring import build_app
from bot.settings import load_settings

async def main():
    bot = await build_app(load_settings(), faq=None)
    print("open", flush=True)
    await asyncio.sleep(60)

asyncio.run(main())
"""

"""Backups of the database and the documents folder, and their restore; never the key.

SQLite is copied with its online backup API (`sqlite3.Connection.backup`) in one step: a
consistent snapshot taken while the bot keeps running (WAL: writers are not blocked). PostgreSQL is
dumped with `pg_dump` when it is installed; otherwise its recipe is returned to be run by hand.
The documents are encrypted files and are copied as they are, after the database snapshot (a file
uploaded meanwhile is only an orphan in the copy, which retention removes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.security.files import FILE_MODE, private_dir, private_file

DATABASE_FILE = "ghimar.sqlite3"
DUMP_FILE = "ghimar.dump"
DOCUMENTS = "documents"
MANIFEST = "manifest.json"
KEY_WARNING = (
    "The encryption key is NOT in this backup, on purpose. Without it (GHIMAR_SECRET_KEY, or "
    "secret.key in the data folder) the names, IDs, answers and documents in the backup cannot "
    "be read by anyone, you included: keep a copy of the key apart from the backups."
)


class BackupError(Exception):
    """A backup or restore that cannot be done, with the reason."""


@dataclass
class BackupResult:
    """Where the backup went and what it holds."""

    folder: Path
    database: Path | None
    documents: int
    notes: list[str] = field(default_factory=list)


def stamp(now: dt.datetime) -> str:
    """A UTC timestamp for file names: 20261201T041500Z."""
    return now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def backup_sqlite(database: Path, documents: Path, out: Path, now: dt.datetime) -> BackupResult:
    """Snapshot the SQLite file and copy the documents into a new 0700 folder under `out`."""
    if not database.exists():
        raise BackupError(f"no database at {database}")
    folder = _new_folder(out, now)
    target = folder / DATABASE_FILE
    private_file(target)
    _sqlite_copy(database, target)
    copied = copy_documents(documents, folder / DOCUMENTS)
    write_manifest(folder, now, database="sqlite", file=target, documents=copied)
    return BackupResult(folder, target, copied)


def backup_postgres(url: str, documents: Path, out: Path, now: dt.datetime) -> BackupResult:
    """pg_dump (custom format) when installed, else the recipe; the documents either way."""
    folder = _new_folder(out, now)
    target = folder / DUMP_FILE
    argv, env = pg_command("pg_dump", url, ["--format=custom", "--no-owner", f"--file={target}"])
    copied = copy_documents(documents, folder / DOCUMENTS)
    if shutil.which("pg_dump") is None:
        write_manifest(folder, now, database="postgresql (not dumped)", file=None,
                       documents=copied)
        return BackupResult(folder, None, copied, [
            "pg_dump is not installed here; run it where it is (same major version as the "
            "server, e.g. apt-get install postgresql-client):", recipe(argv, env)])
    done = subprocess.run(argv, env={**os.environ, **env}, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()[:500]}")
    target.chmod(FILE_MODE)
    write_manifest(folder, now, database="postgresql", file=target, documents=copied)
    return BackupResult(folder, target, copied)


def pg_command(program: str, url: str, args: list[str]) -> tuple[list[str], dict[str, str]]:
    """A libpq command for an SQLAlchemy URL: the password in PGPASSWORD, never in argv."""
    parsed = make_url(url)
    env = {name: str(value) for name, value in {
        "PGHOST": parsed.host, "PGPORT": parsed.port, "PGUSER": parsed.username,
        "PGPASSWORD": parsed.password, "PGDATABASE": parsed.database}.items() if value}
    return [program, *args], env


def recipe(argv: list[str], env: dict[str, str]) -> str:
    """The command line to run by hand, the password left for the person to type."""
    shown = {k: ("<password>" if k == "PGPASSWORD" else v) for k, v in env.items()}
    return " ".join([*(f"{k}={shlex.quote(v)}" for k, v in shown.items()),
                     *map(shlex.quote, argv)])


def restore_sqlite(backup: Path, database: Path, documents: Path, now: dt.datetime) -> list[str]:
    """Replace the database and documents with a backup's; the current ones are kept aside.

    The caller holds the data folder's run lock exclusively (no bot is running). Returns
    what was done, a line each.
    """
    source = backup / DATABASE_FILE
    if not source.exists():
        raise BackupError(f"{backup} holds no {DATABASE_FILE} (a PostgreSQL backup holds "
                          f"{DUMP_FILE}: restore it with pg_restore, see deploy/README.md)")
    _integrity(source)
    done = []
    if database.exists():
        aside = database.with_name(f"{database.name}.before-restore-{stamp(now)}")
        private_file(aside)
        _sqlite_copy(database, aside)
        done.append(f"the database it replaced: {aside}")
    private_file(database)
    _sqlite_copy(source, database)
    done.append(f"database restored: {database}")
    if documents.exists():
        aside = documents.with_name(f"{documents.name}.before-restore-{stamp(now)}")
        documents.rename(aside)
        done.append(f"the documents it replaced: {aside}")
    copied = copy_documents(backup / DOCUMENTS, documents)
    private_dir(documents)
    done.append(f"documents restored: {copied}")
    return done


def copy_documents(source: Path, target: Path) -> int:
    """Copy the (encrypted) document files, 0700 folder and 0600 files; how many."""
    if not source.is_dir():
        return 0
    private_dir(target)
    count = 0
    for path in sorted(source.rglob("*")):
        if not path.is_file():
            continue
        dest = target / path.relative_to(source)
        private_dir(dest.parent)
        private_file(dest)
        shutil.copyfile(path, dest)
        count += 1
    return count


def write_manifest(folder: Path, now: dt.datetime, *, database: str, file: Path | None,
                   documents: int) -> None:
    """What the backup holds, so a restore drill can check it: kind, size, SHA-256, files."""
    manifest = {
        "created_at": now.astimezone(dt.UTC).isoformat(),
        "database": database,
        "file": file.name if file else None,
        "bytes": file.stat().st_size if file else None,
        "sha256": _sha256(file) if file else None,
        "documents": documents,
        "key": "not included: keep GHIMAR_SECRET_KEY / secret.key apart from the backups",
    }
    path = folder / MANIFEST
    private_file(path)
    path.write_text(json.dumps(manifest, indent=2) + "\n")


def _new_folder(out: Path, now: dt.datetime) -> Path:
    folder = out / f"ghimar-{stamp(now)}"
    if folder.exists():
        raise BackupError(f"{folder} exists already")
    private_dir(out)
    return private_dir(folder)


def _sqlite_copy(source: Path, target: Path) -> None:
    """The whole database in one backup step: a consistent snapshot, writers not blocked."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target, timeout=30)
    try:
        src.backup(dst)  # pages=-1: every page in one step, under one read transaction
    finally:
        dst.close()
        src.close()


def _integrity(path: Path) -> None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        result = con.execute("PRAGMA integrity_check").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite database: {exc}") from exc
    finally:
        con.close()
    if result is None or result[0] != "ok":
        raise BackupError(f"{path} failed SQLite's integrity check: {result}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()

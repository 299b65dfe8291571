"""Checks of this machine: configuration, database and migrations, key, file modes, disk."""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, make_url

from app.doctor.report import Check, fail, ok, skip, warn
from bot.config import AppConfig, ConfigError, load_config
from bot.db import alembic_config, make_engine
from bot.repo.sealed import one_sealed_value
from bot.security.crypto import SecretKeyError, Vault
from bot.security.files import DIR_MODE, FILE_MODE
from bot.settings import Settings

DB_TIMEOUT = 10.0  # seconds to reach the database before calling it unreachable
KEY_FILE = "secret.key"
NEW_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def short(error: BaseException) -> str:
    """An exception's type and first line, short enough for a table cell."""
    cause = getattr(error, "orig", None) or error
    first = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first[:160]}" if first else type(cause).__name__


def check_config(settings: Settings) -> tuple[Check, AppConfig | None]:
    """config.yaml parses and validates against the typed model."""
    try:
        config = load_config(settings.config_path)
    except ConfigError as exc:
        return fail("config.yaml", str(exc), f"fix {settings.config_path}, then run "
                    "`python -m bot config check`"), None
    return ok("config.yaml", f"{settings.config_path} valid"), config


def server_channels(settings: Settings, config: AppConfig) -> list[str]:
    """The channels `python -m bot run` would start (the terminal is not one)."""
    return [c for c in (settings.channels or config.channels) if c != "terminal"]


async def check_database(settings: Settings) -> tuple[list[Check], str | None]:
    """Reachable, and at the migration head the code needs; with one encrypted value from it
    (for the key check), when there is any."""
    url = settings.effective_database_url
    kind = "SQLite" if settings.is_sqlite else make_url(url).get_backend_name()
    if settings.is_sqlite:
        path = Path(make_url(url).database or "")
        if not path.exists():
            return [warn("database", f"no SQLite file yet at {path}",
                         "it is created and migrated on the first start "
                         "(`python -m bot db upgrade` does it now)")], None
    engine = make_engine(url)
    try:
        async with asyncio.timeout(DB_TIMEOUT):
            async with engine.connect() as conn:
                current = await conn.run_sync(_current_revision)
                sample = await one_sealed_value(conn) if current else None
    except Exception as exc:  # any failure to connect is the finding itself
        return [fail("database", f"{kind} unreachable: {short(exc)}",
                     "check GHIMAR_DATABASE_URL (host, port, user, password, database) and "
                     "that the server runs and accepts this client")], None
    finally:
        await engine.dispose()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    found = [ok("database", f"{kind} reachable")]
    if current == head:
        found.append(ok("migrations", f"at head {head}"))
    elif settings.is_sqlite:
        found.append(warn("migrations", f"at {current or 'nothing'}, the code needs {head}",
                          "SQLite is migrated on the next start (or `python -m bot db upgrade`)"))
    else:
        found.append(fail("migrations", f"at {current or 'nothing'}, the code needs {head}",
                          "stop the bot, back up (`python -m bot db backup`), then "
                          "`python -m bot db upgrade`"))
    return found, sample


def _current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


def check_key(settings: Settings, sample: str | None = None) -> Check:
    """The encryption key: set and long enough, or the generated key file on SQLite; and when
    the database holds an encrypted value, that this key opens it."""
    if settings.secret_key is not None:
        secret, where = settings.secret_key.get_secret_value(), "GHIMAR_SECRET_KEY"
    elif not settings.is_sqlite:
        return fail("key", "GHIMAR_SECRET_KEY is not set; it is required with PostgreSQL",
                    f"set it ({NEW_KEY}) and store a copy apart from the database backups")
    elif (key_file := settings.data_dir / KEY_FILE).exists():
        secret, where = key_file.read_text().strip(), f"key file {key_file}"
    else:
        return warn("key", f"no key yet: {key_file} is generated on the first start",
                    "once it exists, copy it somewhere safe apart from the database backups")
    try:
        vault = Vault(secret)
        if sample is not None:
            vault.decrypt(sample)
    except SecretKeyError as exc:
        return fail("key", f"{where}: {exc}", "use the key this data was encrypted with (your "
                    f"copy of it); a new deployment needs a long random one ({NEW_KEY})")
    opens = "opens the stored data" if sample else "no encrypted data yet to try it on"
    return ok("key", f"{where}, {opens} (keep a copy apart from the backups)")


def _too_open(path: Path, wanted: int) -> str | None:
    """`path (0755)` when its mode gives group or others any access, or it is not ours."""
    info = path.stat()
    mode = stat.S_IMODE(info.st_mode)
    if info.st_uid != os.getuid():
        return f"{path} (owned by uid {info.st_uid}, the bot runs as {os.getuid()})"
    if mode & 0o077 or mode & wanted != wanted:
        return f"{path} ({mode:04o})"
    return None


def check_permissions(data_dir: Path) -> Check:
    """The data folder and documents folder 0700; the database, key and documents 0600."""
    if not data_dir.exists():
        return skip("file modes", f"{data_dir} does not exist yet (created 0700 on start)")
    documents = data_dir / "documents"
    folders = [p for p in (data_dir, documents) if p.is_dir()]
    files = [p for p in data_dir.iterdir() if p.is_file()]
    if documents.is_dir():
        files += [p for p in documents.rglob("*") if p.is_file()]
    bad = [b for p in folders if (b := _too_open(p, DIR_MODE))]
    bad += [b for p in files if (b := _too_open(p, FILE_MODE))]
    if not bad:
        return ok("file modes", f"{len(folders)} folder(s) 0700, {len(files)} file(s) 0600 "
                  f"in {data_dir}")
    shown = "; ".join(bad[:3]) + (f" and {len(bad) - 3} more" if len(bad) > 3 else "")
    return fail("file modes", f"too open or not the bot's: {shown}",
                f"chown -R <bot user> {data_dir}; chmod 700 {data_dir} {documents}; "
                f"find {data_dir} -type f -exec chmod 600 {{}} +")


def check_disk(data_dir: Path, min_free: int) -> Check:
    """Free space where documents are stored."""
    target = data_dir / "documents"
    while not target.exists() and target != target.parent:
        target = target.parent
    usage = shutil.disk_usage(target)
    gib = 1024**3
    detail = (f"{usage.free / gib:.1f} GiB free of {usage.total / gib:.1f} GiB "
              f"({usage.free / usage.total:.0%}) at {target}")
    if usage.free < min_free:
        return fail("disk", detail, f"free space (less than {min_free / gib:.1f} GiB left): "
                    "uploads and the SQLite file stop when the disk is full")
    if usage.free / usage.total < 0.05:
        return warn("disk", detail, "less than 5 % free: plan more space")
    return ok("disk", detail)

"""`python -m bot db backup` and `db restore`: the database and documents, never the key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from app.cli.common import load_cli_settings
from bot.backup import (
    DOCUMENTS,
    DUMP_FILE,
    KEY_WARNING,
    BackupError,
    backup_postgres,
    backup_sqlite,
    pg_command,
    recipe,
    restore_sqlite,
)
from bot.runlock import DataDirBusy, RunLock
from bot.settings import Settings


def _paths(settings: Settings) -> tuple[Path, Path]:
    database = Path(make_url(settings.effective_database_url).database or "")
    return database, settings.data_dir / DOCUMENTS


def _fail(exc: BackupError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(1)


def db_backup(
    out: Annotated[Path, typer.Option(help="folder that receives a new ghimar-<time> folder")],
) -> None:
    """Back up the database and documents, while the bot runs (never the key: keep it apart)."""
    settings = load_cli_settings()
    now = dt.datetime.now(dt.UTC)
    database, documents = _paths(settings)
    try:
        if settings.is_sqlite:
            result = backup_sqlite(database, documents, out, now)
        else:
            result = backup_postgres(settings.effective_database_url, documents, out, now)
    except BackupError as exc:
        raise _fail(exc) from exc
    typer.echo(f"backup: {result.folder}")
    typer.echo(f"  database: {result.database or 'not dumped (see below)'}")
    typer.echo(f"  documents: {result.documents} encrypted file(s)")
    for note in result.notes:
        typer.echo(note)
    typer.echo(f"WARNING: {KEY_WARNING}", err=True)


def db_restore(
    source: Annotated[Path, typer.Option("--from", help="a folder made by `db backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="do not ask for confirmation")] = False,
) -> None:
    """Restore a backup over the database and documents (the current ones kept aside)."""
    settings = load_cli_settings()
    if not settings.is_sqlite:
        argv, env = pg_command("pg_restore", settings.effective_database_url,
                               ["--clean", "--if-exists", "--no-owner", "--single-transaction",
                                "--dbname", make_url(settings.effective_database_url).database
                                or "", str(source / DUMP_FILE)])
        typer.echo("PostgreSQL: stop the bot, then run (documents: copy "
                   f"{source / DOCUMENTS} to {settings.data_dir / DOCUMENTS}):")
        typer.echo(recipe(argv, env))
        return
    database, documents = _paths(settings)
    try:  # held until the restore is done: no bot starts on a half-restored folder
        lock = RunLock(settings.data_dir).hold_exclusive()
    except DataDirBusy as exc:
        raise _fail(BackupError(str(exc))) from exc
    try:
        if not yes:
            typer.confirm(f"Replace {database} and {documents} with {source}?", abort=True)
        done = restore_sqlite(source, database, documents, dt.datetime.now(dt.UTC))
    except BackupError as exc:
        raise _fail(exc) from exc
    finally:
        lock.release()
    for line in done:
        typer.echo(line)
    typer.echo("Start the bot with the key this backup was made under; "
               "`python -m bot doctor` checks the rest.")

"""`python -m bot keys rotate`: re-encrypt everything under a new key."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import load_cli_settings, run_async

keys_app = typer.Typer(help="Encryption keys.", no_args_is_help=True)


def old_secrets(old_key_file: Path | None) -> tuple[str, ...]:
    """The key(s) being rotated away from: GHIMAR_OLD_SECRET_KEY and/or --old-key-file."""
    found = [os.environ.get("GHIMAR_OLD_SECRET_KEY", "").strip()]
    if old_key_file is not None:
        found.append(old_key_file.read_text().strip())
    return tuple(k for k in found if k)


@keys_app.command("rotate")
def rotate(
    old_key_file: Annotated[Path | None, typer.Option(
        help="File holding the old key (else GHIMAR_OLD_SECRET_KEY).")] = None,
    batch: Annotated[int, typer.Option(min=1, help="Rows per transaction.")] = 500,
) -> None:
    """Re-encrypt every encrypted value, keyed hash and document under GHIMAR_SECRET_KEY.

    Without an old key, values stored before encryption existed are encrypted (run it once
    after upgrading). Interrupted, run it again: it resumes where it stopped.
    """
    from rich.progress import Progress

    from app.wiring import build_app
    from bot.security.crypto import Vault, resolve_secret
    from bot.security.rotation import DOCUMENTS, count_rows, document_files, rotate_all

    settings = load_cli_settings()
    olds = old_secrets(old_key_file)

    async def main() -> dict[str, int]:
        bot = await build_app(settings, faq=None)
        secret = settings.secret_key.get_secret_value() if settings.secret_key else None
        vault = Vault(resolve_secret(secret, data_dir=settings.data_dir,
                                     embedded=settings.is_sqlite), old_secrets=olds)
        folder = bot.services.documents.folder
        try:
            totals = await count_rows(bot.db)
            totals[DOCUMENTS] = sum(1 for _ in document_files(folder))
            with Progress() as bar:
                tasks = {name: bar.add_task(name, total=max(n, 1), completed=0 if n else 1)
                         for name, n in totals.items()}  # an empty table shows as done
                return await rotate_all(bot.db, vault, documents=folder, batch=batch,
                                        progress=lambda t, n: bar.advance(tasks[t], n))
        finally:
            await bot.close()

    changed: dict[str, int] = run_async(main)
    for name, n in changed.items():
        typer.echo(f"{name}: {n} re-encrypted")

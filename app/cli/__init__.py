"""The command line: `python -m bot --help` lists every command."""

from __future__ import annotations

import logging
import os
import sys
from typing import Annotated, Any

import typer

from app.cli import backup, keys, knowledge
from app.cli.common import load_cli_settings, run_async
from app.cli.doctor import doctor
from app.cli.outbox import outbox_app
from app.cli.staff import decisions_app, report_app, requests_app
from app.cli.staff_users import staff_app
from bot.config import ConfigError, load_config
from bot.security.files import private_dir

app = typer.Typer(help="Ghimar Desk: the beneficiary-service bot of Ghimar Youth Association.",
                  no_args_is_help=True, add_completion=False)
db_app = typer.Typer(help="Database schema (Alembic migrations), retention, backups.",
                     no_args_is_help=True)
config_app = typer.Typer(help="Configuration.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(config_app, name="config")


NO_SERVER_CHANNEL = """\
error: no server channel is enabled (GHIMAR_CHANNELS or config.yaml `channels`): nothing to run.
To serve beneficiaries, set these environment variables (deploy/README.md explains each):
  Telegram: GHIMAR_CHANNELS=telegram TELEGRAM_BOT_TOKEN=<the token from @BotFather>
  WhatsApp: GHIMAR_CHANNELS=whatsapp WHATSAPP_ACCESS_TOKEN=... WHATSAPP_PHONE_NUMBER_ID=...
            WHATSAPP_APP_SECRET=... WHATSAPP_VERIFY_TOKEN=...
  (both: GHIMAR_CHANNELS=telegram,whatsapp); then `python -m bot doctor` checks them.
The website chat needs no token: GHIMAR_CHANNELS=web serves it at http://127.0.0.1:8080/chat/
  (GHIMAR_HTTP_PORT changes the port) with the staff console at /staff/.
To talk to the bot in this terminal without any token: make chat (or python -m bot chat)"""


@app.command()
def chat(
    user: Annotated[str, typer.Option(help="Who you are; the same user resumes.")] = "local",
) -> None:
    """Talk to the bot in this terminal (the embedded SQLite store, no tokens)."""
    from app.channels import core
    from app.wiring import build_app
    from handlers.terminal import chat as terminal_chat

    settings = load_cli_settings()
    if "GHIMAR_LOG_LEVEL" not in os.environ:  # a conversation, not a server's log
        logging.getLogger().setLevel(logging.WARNING)

    async def main() -> None:
        bot = await build_app(settings)
        try:
            await terminal_chat(core(bot), user)
        finally:
            await bot.close()

    run_async(main)


@app.command()
def run(
    workers: Annotated[int, typer.Option(
        help="Processes sharing the HTTP port, the outbox and the rate limits "
             "(PostgreSQL only).")] = 1,
) -> None:
    """Start the enabled channels (GHIMAR_CHANNELS or config.yaml) and the outbox."""
    from app.doctor.platforms import channel_settings
    from app.runtime import serve
    from app.workers import check_workers, supervise

    settings = load_cli_settings()
    try:
        config = load_config(settings.config_path)
        check_workers(settings, workers)  # several workers need PostgreSQL, whatever the tokens
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    channels = [c for c in (settings.channels or config.channels) if c != "terminal"]
    if not channels:
        typer.echo(NO_SERVER_CHANNEL, err=True)
        raise typer.Exit(2)
    try:  # a missing token stops here, before a data folder or database is made
        for name in channels:
            channel_settings(name)
    except ConfigError as exc:
        typer.echo(f"error: {exc}\n(`python -m bot doctor` checks the whole set-up; "
                   "without tokens, `make chat` talks to the bot in this terminal)", err=True)
        raise typer.Exit(2) from exc
    if workers > 1:
        raise typer.Exit(supervise(workers))
    run_async(lambda: serve(settings))


@db_app.command("upgrade")
def db_upgrade(revision: str = "head") -> None:
    """Create or migrate the database schema."""
    from bot.db import make_engine, upgrade

    settings = load_cli_settings()

    async def main() -> None:
        if settings.is_sqlite:
            private_dir(settings.data_dir)  # 0700, as the bot makes it
        engine = make_engine(settings.effective_database_url)
        try:
            await upgrade(engine, revision)
        finally:
            await engine.dispose()
        typer.echo(f"database at {revision}")

    run_async(main)


@db_app.command("revision")
def db_revision(message: Annotated[str, typer.Option("-m", "--message")]) -> None:
    """Autogenerate a migration from the models (for developers)."""
    from alembic import command

    from bot.db import alembic_config, make_engine, upgrade

    settings = load_cli_settings()

    async def main() -> None:
        if settings.is_sqlite:
            private_dir(settings.data_dir)  # 0700, as the bot makes it
        engine = make_engine(settings.effective_database_url)
        await upgrade(engine)

        def generate(conn: Any) -> None:
            cfg = alembic_config()
            cfg.attributes["connection"] = conn
            command.revision(cfg, message=message, autogenerate=True)

        async with engine.begin() as conn:
            await conn.run_sync(generate)
        await engine.dispose()

    run_async(main)


@db_app.command("prune")
def db_prune() -> None:
    """Delete or anonymise what has expired now (config.yaml `retention` and `privacy`)."""
    from app.wiring import build_app
    from bot.services.retention import prune_all

    settings = load_cli_settings()

    async def main() -> dict[str, int]:
        bot = await build_app(settings, faq=None)
        try:
            return await prune_all(bot.sessions, bot.config.retention,
                                   now=bot.services.clock.now(), privacy=bot.config.privacy,
                                   documents=bot.services.documents, vault=bot.services.vault)
        finally:
            await bot.close()

    counts: dict[str, int] = run_async(main)
    for table, deleted in counts.items():
        typer.echo(f"{table}: {deleted} deleted")


@config_app.command("check")
def config_check() -> None:
    """Validate config.yaml and the environment, and print what would start."""
    settings = load_cli_settings()
    try:
        config = load_config(settings.config_path)
    except ConfigError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc
    channels = settings.channels or config.channels
    typer.echo(f"config: {settings.config_path} OK")
    typer.echo(f"database: {'SQLite (embedded)' if settings.is_sqlite else 'server'}")
    typer.echo(f"channels: {', '.join(channels)}")
    typer.echo(f"support types: {', '.join(t.id for t in config.support_types)}")


app.add_typer(decisions_app, name="decisions")
app.add_typer(requests_app, name="requests")
app.add_typer(report_app, name="report")
app.add_typer(staff_app, name="staff")
app.command("ask")(knowledge.ask_cli)
app.add_typer(knowledge.knowledge_app, name="knowledge", help="The FAQ knowledge base.")
app.add_typer(keys.keys_app, name="keys")
app.add_typer(outbox_app, name="outbox")
app.command("doctor")(doctor)
db_app.command("backup")(backup.db_backup)
db_app.command("restore")(backup.db_restore)


def main() -> None:
    """Entry point of `python -m bot`."""
    app(prog_name="python -m bot")


if __name__ == "__main__":
    sys.exit(main())

"""Operator commands for the outbox: what waits, what failed and why, and sending it again."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from app.cli.common import load_cli_settings, run_async

outbox_app = typer.Typer(help="The outbox of messages to send.", no_args_is_help=True)


def _since(value: str | None) -> dt.datetime | None:
    """YYYY-MM-DD or an ISO time (UTC unless it says otherwise)."""
    if value is None:
        return None
    try:
        when = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        why = "" if str(exc).startswith("Invalid isoformat") else f" ({exc})"
        raise typer.BadParameter(f"{value!r} is not a date{why}: write YYYY-MM-DD or "
                                 "YYYY-MM-DDTHH:MM (UTC), e.g. 2026-11-30",
                                 param_hint="'--since'") from exc
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _age(now: dt.datetime, when: dt.datetime | None) -> str:
    if when is None:
        return "-"
    seconds = max(0, int((now - when).total_seconds()))
    return f"{when:%Y-%m-%d %H:%M:%S} UTC ({seconds // 3600} h {seconds % 3600 // 60} min ago)"


@outbox_app.command("status")
def outbox_status() -> None:
    """Depth of the outbox, the oldest message due, and the failures by reason."""
    from app.wiring import build_app
    from bot.repo import outbox as repo

    settings = load_cli_settings()

    async def main() -> tuple[dt.datetime, repo.Depth, dict[str, int], list[tuple[str, int]]]:
        app = await build_app(settings, faq=None)
        try:
            now = app.services.clock.now()
            async with app.sessions() as session:
                return (now, await repo.depth(session, now=now),
                        await repo.count_by_status(session),
                        await repo.failures_by_reason(session))
        finally:
            await app.close()

    now, depth, statuses, failures = run_async(main)
    typer.echo(f"pending: {depth.pending} ({depth.due} due now, {depth.retrying} retrying "
               "after an error)")
    typer.echo(f"oldest due: {_age(now, depth.oldest_due)}")
    typer.echo(f"oldest pending: {_age(now, depth.oldest_created)}")
    typer.echo("by status: " + (", ".join(f"{s} {n}" for s, n in sorted(statuses.items()))
                                or "empty"))
    typer.echo(f"failed: {statuses.get('failed', 0)}" + (", by reason:" if failures else ""))
    for reason, n in failures:
        typer.echo(f"  {n:>6}  {reason[:160]}")


@outbox_app.command("retry")
def outbox_retry(
    failed: Annotated[bool, typer.Option("--failed", help="Queue failed messages again.")] = False,
    since: Annotated[str | None, typer.Option(help="Only those failed at or after this date "
                                                   "(YYYY-MM-DD or an ISO time, UTC).")] = None,
    reason: Annotated[str | None, typer.Option(help="Only those whose error contains this "
                                                    "text, e.g. 'Bad Gateway'.")] = None,
) -> None:
    """Queue failed messages again; the running bot sends them within a second or so."""
    from app.wiring import build_app
    from bot.db import transaction
    from bot.repo import outbox as repo

    if not failed:
        typer.echo("nothing to do: say which messages, e.g. --failed", err=True)
        raise typer.Exit(2)
    when = _since(since)  # a bad date is refused before the database is opened
    settings = load_cli_settings()

    async def main() -> int:
        app = await build_app(settings, faq=None)
        try:
            async with transaction(app.sessions) as session:
                return await repo.requeue_failed(session, now=app.services.clock.now(),
                                                 since=when, reason=reason)
        finally:
            await app.close()

    typer.echo(f"{run_async(main)} failed messages queued again")

"""Staff and operator commands: committee decisions, request statuses, reports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import echo_result, load_cli_settings, run_async

decisions_app = typer.Typer(help="Committee decisions.", no_args_is_help=True)
requests_app = typer.Typer(help="Support requests.", no_args_is_help=True)
report_app = typer.Typer(help="Reports for staff.", no_args_is_help=True)


@decisions_app.command("import")
def decisions_import(
    file: Annotated[Path, typer.Argument(help="CSV: reference,decision,reason,decided_on"
                                              "[,service,amount], or the Arabic headers "
                                              "رقم الطلب،القرار،السبب،تاريخ القرار"
                                              "[،الخدمة،المبلغ]; dates YYYY-MM-DD, "
                                              "DD/MM/YYYY or Hijri")],
) -> None:
    """Import the committee's minutes; bad rows are reported by line, good rows recorded."""
    from app.wiring import build_app
    from bot.services.decision_import import import_decisions, read_minutes

    settings = load_cli_settings()
    try:
        rows = read_minutes(file)
    except (OSError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from exc

    async def main() -> list:  # type: ignore[type-arg]
        app = await build_app(settings)
        try:
            # The notices are sent by the running bot's scheduler (within one tick), or by
            # `python -m bot chat`; a second process sending them would fight it for SQLite.
            return await import_decisions(app.sessions, app.config, app.services.clock, rows,
                                          actor=f"csv:{file.name}")
        finally:
            await app.close()

    results = run_async(main)
    read_as = {line: row.get("date_read_as") for line, row in rows}
    for r in results:
        line = f"line {r.line}: {r.reference or '-'}: {r.outcome}"
        line += f" ({r.error})" if r.error else ""
        typer.echo(line + (f"; date read as {read_as[r.line]}" if read_as.get(r.line) else ""))
    kinds = ("recorded", "unchanged", "error")
    counts = {k: sum(1 for r in results if r.outcome == k) for k in kinds}
    typer.echo(f"{counts['recorded']} recorded, {counts['unchanged']} unchanged, "
               f"{counts['error']} with errors")
    if counts["error"]:
        raise typer.Exit(1)


@requests_app.command("set-status")
def requests_set_status(
    reference: str,
    to: Annotated[str, typer.Option("--to", help="registration_completed, service_delivered, "
                                                 "withdrawn, closed, ...")],
    reason: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Move a request along its life cycle (illegal moves are refused)."""
    from app.wiring import build_app
    from bot.db import transaction
    from bot.repo import requests
    from bot.services.decisions import advance
    from bot.services.lifecycle import IllegalTransition
    from models import RequestStatus

    settings = load_cli_settings()
    try:
        target = RequestStatus(to)
    except ValueError as exc:
        typer.echo(f"error: unknown status {to!r}", err=True)
        raise typer.Exit(2) from exc

    async def main() -> str:
        app = await build_app(settings)
        try:
            now = app.services.clock.now()
            async with transaction(app.sessions) as session:
                request = await requests.by_reference(session, reference=reference)
                if request is None:
                    return f"error: no request {reference}"
                try:
                    await advance(session, config=app.config, request=request, to=target,
                                  actor="cli", now=now, reason=reason)
                except IllegalTransition as exc:
                    return f"error: {exc}"
            return f"{request.reference}: {target}"
        finally:
            await app.close()

    echo_result(run_async(main))


@report_app.command("satisfaction")
def report_satisfaction(
    out: Annotated[Path, typer.Option("--out", help="folder for the CSV and PNG charts")],
    since: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    until: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
) -> None:
    """Write satisfaction answers (anonymous CSV) and charts."""
    from app.wiring import build_app
    from desk.reports import satisfaction

    settings = load_cli_settings()
    start = dt.date.fromisoformat(since) if since else None
    end = dt.date.fromisoformat(until) if until else None

    async def main() -> list[str]:
        app = await build_app(settings, faq=None)
        try:
            async with app.sessions() as session:
                rows = await satisfaction.load(session, start, end)
            out.mkdir(parents=True, exist_ok=True)
            tz = app.config.tz
            satisfaction.write_csv(rows, out / "satisfaction.csv", tz)
            labels = satisfaction.labels(app.services.catalog, app.config, "ar")
            satisfaction.write_charts(rows, out, labels, tz)
            return satisfaction.headline(satisfaction.summarise_by_trigger(rows), labels)
        finally:
            await app.close()

    for line in run_async(main) or ["no surveys sent in the period"]:
        typer.echo(line)
    typer.echo(f"files in {out} (one panel per trigger in each chart)")

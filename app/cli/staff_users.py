"""`python -m bot staff`: password accounts for the web console, and sign-in links."""

from __future__ import annotations

from typing import Annotated

import typer

from app.cli.common import echo_result, load_cli_settings, run_async

staff_app = typer.Typer(help="Staff web console accounts.", no_args_is_help=True)


@staff_app.command("add")
def staff_add(
    username: str,
    role: Annotated[str, typer.Option(help="officer, researcher or admin")],
    name: Annotated[str | None, typer.Option(help="the name shown in the console")] = None,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                          confirmation_prompt=True,
                                          help="at least 10 characters (asked when omitted)")
                        ] = "",
) -> None:
    """Create a console account with a password (or set a new password), for staff without
    Telegram."""
    from app.console import console_deps
    from app.wiring import build_app
    from web.auth import set_password

    settings = load_cli_settings()

    async def main() -> str:
        app = await build_app(settings, faq=None)
        try:
            created = await set_password(console_deps(app), username=username,
                                         password=password, role=role, name=name)
            return f"{'created' if created else 'password changed for'} {username} ({role})"
        except ValueError as exc:
            return f"error: {exc}"
        finally:
            await app.close()

    echo_result(run_async(main))


@staff_app.command("link")
def staff_link(telegram_id: int) -> None:
    """Print a one-time sign-in link for a rostered staff member (what /login sends)."""
    from app.console import console_deps
    from app.wiring import build_app
    from web.auth import issue_login_link

    settings = load_cli_settings()

    async def main() -> str | None:
        app = await build_app(settings, faq=None)
        try:
            deps = console_deps(app)
            base = deps.base_url or f"http://{settings.http_host}:{settings.http_port}"
            return await issue_login_link(deps, telegram_id=telegram_id, base_url=base)
        finally:
            await app.close()

    link = run_async(main)
    if link is None:
        typer.echo(f"error: {telegram_id} is not in staff.members / TELEGRAM_STAFF_IDS", err=True)
        raise typer.Exit(1)
    typer.echo(link)

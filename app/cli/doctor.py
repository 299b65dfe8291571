"""`python -m bot doctor`: is this deployment ready? A table of ✓/✗, exit code 1 on any ✗."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer


def doctor(
    min_free_gb: Annotated[float, typer.Option(help="fail below this much free disk")] = 1.0,
) -> None:
    """Check configuration, database, key and file modes, disk, each enabled channel for real
    (Telegram getMe/getWebhookInfo, the WhatsApp number and token) and the clock."""
    from app.doctor.diagnose import diagnose
    from app.doctor.report import exit_code, render

    checks = asyncio.run(diagnose(min_free=int(min_free_gb * 1024**3)))
    render(checks)
    raise typer.Exit(exit_code(checks))

"""The staff web console's collaborators, built from the app and the environment."""

from __future__ import annotations

from collections.abc import Callable

from app.wiring import App
from desk.roster import load_roster
from handlers.telegram.settings import TelegramSettings
from web.deps import ConsoleDeps


def console_deps(app: App, *, on_decision: Callable[[], None] | None = None) -> ConsoleDeps:
    """Sessions, config, services and the staff roster for /staff/."""
    url = app.settings.console_url
    roster = load_roster(app.config, TelegramSettings().staff_ids)
    return ConsoleDeps(sessions=app.sessions, config=app.config, services=app.services,
                       roster=roster, on_decision=on_decision, base_url=url,
                       secure_cookies=bool(url and url.startswith("https://")))

"""The staff web console's collaborators, built from the app and the environment."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from app.wiring import App
from desk.roster import load_roster
from handlers.telegram.settings import TelegramSettings
from web.auth import issue_login_link
from web.deps import ConsoleDeps


def console_deps(app: App, *, on_decision: Callable[[], None] | None = None) -> ConsoleDeps:
    """Sessions, config, services and the staff roster for /staff/."""
    url = app.settings.console_url
    roster = load_roster(app.config, TelegramSettings().staff_ids)
    return ConsoleDeps(sessions=app.sessions, config=app.config, services=app.services,
                       roster=roster, on_decision=on_decision, base_url=url,
                       push=app.engine.push, wake=app.dispatcher.wake,
                       secure_cookies=bool(url and url.startswith("https://")))


def telegram_login(app: App) -> Callable[[int], Awaitable[str | None]] | None:
    """The private-chat /login of the bot: a one-time link for staff (None without a URL)."""
    settings = getattr(app, "settings", None)  # partial apps in channel tests have none
    url = settings.console_url if settings is not None else None
    if not url:
        return None
    deps = console_deps(app)

    async def login(telegram_id: int) -> str | None:
        link = await issue_login_link(deps, telegram_id=telegram_id, base_url=url)
        if link is None:
            return None
        return app.services.catalog.t(app.config.default_language, "console-login-link",
                                      minutes=deps.link_minutes, url=link)

    return login

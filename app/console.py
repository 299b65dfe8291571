"""The staff web console's collaborators, built from the app and the environment."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from app.wiring import App
from desk.deps import DeskDeps
from desk.desk import StaffDesk
from desk.roster import load_roster
from handlers.telegram.settings import TelegramSettings
from web.auth import issue_login_link
from web.deps import ConsoleDeps


def console_deps(app: App, *, on_decision: Callable[[], None] | None = None,
                 desks: Sequence[StaffDesk] = ()) -> ConsoleDeps:
    """Sessions, config, services, the staff roster and the desk (with its group) for /staff/."""
    url = app.settings.console_url
    roster = load_roster(app.config, TelegramSettings().staff_ids)
    desk = desks[0] if desks else None
    desk_deps = desk.deps if desk is not None else DeskDeps(
        sessions=app.sessions, config=app.config, services=app.services, push=app.engine.push,
        wake=app.dispatcher.wake, on_decision=on_decision or (lambda: None))
    return ConsoleDeps(sessions=app.sessions, config=app.config, services=app.services,
                       roster=roster, on_decision=on_decision, base_url=url,
                       push=app.engine.push, wake=app.dispatcher.wake,
                       secure_cookies=bool(url and url.startswith("https://")),
                       desk=desk_deps, group=desk.channel if desk is not None else None)


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

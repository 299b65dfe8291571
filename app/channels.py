"""The channels and the staff desk, built from the App with exactly what each one uses.

Each server channel has a factory here, `(app, links) -> ChannelRuntime` (see CHANNELS), so the
import graph shows every adapter. `RuntimeLinks` is what the runtime lends a channel (the
scheduler's kick after a staff decision) and collects from it (staff desks, whose reminders
and digest the scheduler runs).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from app.console import telegram_login
from app.wiring import App
from bot.config import ConfigError
from desk.channel import StaffChannel
from desk.deps import DeskDeps
from desk.desk import StaffDesk
from desk.roster import Staff, load_roster
from handlers.base import ChannelCore, ChannelRuntime
from handlers.telegram.runtime import TelegramRuntime, build_driver
from handlers.telegram.settings import load_telegram_settings
from handlers.telegram.staff import TelegramStaffGroup, staff_hook
from handlers.webchat.runtime import WebChatRuntime
from handlers.whatsapp.runtime import WhatsAppRuntime
from handlers.whatsapp.settings import load_whatsapp_settings


def _nothing() -> None:
    return None


@dataclass
class RuntimeLinks:
    """Between the runtime and its channels: the decision callback out, staff desks back."""

    on_decision: Callable[[], None] = _nothing
    desks: list[StaffDesk] = field(default_factory=list)


def core(app: App) -> ChannelCore:
    """What a channel adapter uses: the engine, the outbox, the database, config, services."""
    return ChannelCore(engine=app.engine, dispatcher=app.dispatcher, sessions=app.sessions,
                       config=app.config, services=app.services)


def staff_desk(app: App, channel: StaffChannel, roster: dict[int, Staff], *,
               on_decision: Callable[[], None] = _nothing) -> StaffDesk:
    """A staff desk on `channel`, subscribed to the engine's events and the outbox's results."""
    deps = DeskDeps(sessions=app.sessions, config=app.config, services=app.services,
                    push=app.engine.push, wake=app.dispatcher.wake, on_decision=on_decision)
    desk = StaffDesk(deps, channel, roster)
    app.engine.listeners.append(desk.on_events)
    app.dispatcher.listeners.append(desk.on_sent)
    app.dispatcher.alert_listeners.append(desk.delivery_alert)
    return desk


def telegram(app: App, links: RuntimeLinks | None = None) -> TelegramRuntime:
    """The Telegram channel (and the staff desk when TELEGRAM_STAFF_CHAT_ID is set)."""
    links = links or RuntimeLinks()
    settings = load_telegram_settings()  # the environment now, not at import
    driver = build_driver(settings.driver or app.config.telegram.driver, settings)
    staff = None
    if settings.staff_chat_id is not None:
        group = TelegramStaffGroup(driver, settings.staff_chat_id,
                                   app.config.telegram.use_forum_topics)
        desk = staff_desk(app, group, load_roster(app.config, settings.staff_ids),
                          on_decision=links.on_decision)
        links.desks.append(desk)
        staff = staff_hook(desk.handle, app.config.limits.max_upload_bytes)
    return TelegramRuntime(core(app), settings, driver, staff, telegram_login(app))


def whatsapp(app: App, links: RuntimeLinks | None = None,
             environ: Mapping[str, str] | None = None) -> WhatsAppRuntime:
    """The WhatsApp channel; reads WHATSAPP_* (ConfigError names what is missing)."""
    return WhatsAppRuntime(core(app), load_whatsapp_settings(environ))


def web(app: App, links: RuntimeLinks | None = None) -> WebChatRuntime:
    """The website chat: /chat/, /chat/widget.js and its API (config.yaml `web`); with
    GHIMAR_REDIS_URL its workers also wake each other's pages through Redis."""
    redis_url = app.settings.redis_url
    return WebChatRuntime(core(app), redis_url.get_secret_value() if redis_url else None)


ChannelFactory = Callable[[App, RuntimeLinks], ChannelRuntime]
CHANNELS: dict[str, ChannelFactory] = {"telegram": telegram, "whatsapp": whatsapp, "web": web}


def channel_factory(name: str) -> ChannelFactory:
    """The factory of a channel by name; ConfigError for an unknown one."""
    factory = CHANNELS.get(name)
    if factory is None:
        available = ", ".join(sorted(CHANNELS)) or "none yet"
        raise ConfigError(f"channel {name!r} cannot be started by `run` (available: {available});"
                          " the terminal channel runs with `python -m bot chat`")
    return factory

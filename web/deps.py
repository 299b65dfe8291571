"""What the composition root hands the console: sessions, config, services, the roster."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import AppConfig
from bot.engine.context import Services
from desk.channel import StaffChannel
from desk.deps import DeskDeps, Push
from desk.roster import Staff
from models import StaffSession


@dataclass
class ConsoleDeps:
    """The console's collaborators and its security settings."""

    sessions: async_sessionmaker[AsyncSession]
    config: AppConfig
    services: Services
    roster: dict[int, Staff] = field(default_factory=dict)
    on_decision: Callable[[], None] | None = None
    push: Push | None = None  # the engine's push: messages to a beneficiary via the outbox
    wake: Callable[[], None] | None = None  # the outbox dispatcher: new rows to send
    base_url: str | None = None  # the console's public origin, for sign-in links
    secure_cookies: bool = False  # Secure cookies when served over HTTPS
    idle_minutes: int = 30
    link_minutes: int = 10
    max_failures: int = 5
    lockout_minutes: int = 15
    desk: DeskDeps | None = None  # the staff desk's collaborators: the browser is its second door
    group: StaffChannel | None = None  # the staff group, where browser replies are mirrored
    live_poll_seconds: float = 1.0  # how often a live case page asks the database for news


DEPS: web.AppKey[ConsoleDeps] = web.AppKey("console_deps", ConsoleDeps)
STAFF: web.RequestKey[StaffSession] = web.RequestKey("staff", StaffSession)


def deps_of(request: web.Request) -> ConsoleDeps:
    """The console's collaborators."""
    return request.config_dict[DEPS]

"""The composition root: settings, database, services, engine and dispatcher, wired once."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import metrics
from bot.clock import Clock, SystemClock
from bot.config import AppConfig, ConfigError, load_config
from bot.db import make_engine, make_sessionmaker, upgrade
from bot.engine.context import Services
from bot.engine.engine import ConversationEngine
from bot.engine.throttle import ThrottleStore
from bot.engine.throttle_pg import postgres_throttle
from bot.i18n import Catalog
from bot.outbox.dispatcher import Dispatcher
from bot.outbox.ratelimit_pg import postgres_limiters
from bot.outbox.senders import ChannelSender
from bot.runlock import DataDirBusy, RunLock
from bot.security.at_rest import bind_vault
from bot.security.crypto import Vault, resolve_secret
from bot.security.files import private_dir
from bot.services import files
from bot.services.escalations import escalate_once
from bot.settings import Settings
from bot.storage import DocumentStore
from conversations import build_flows
from faq import DEFAULT_FOLDER, KnowledgeBase

log = logging.getLogger(__name__)


@dataclass
class App:
    """Everything a running bot needs, built by `build_app`."""

    settings: Settings
    config: AppConfig
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    services: Services
    engine: ConversationEngine
    dispatcher: Dispatcher
    run_lock: RunLock | None = None  # SQLite: the data folder's, held shared while open

    def add_sender(self, sender: ChannelSender) -> None:
        """Register how a channel's outbox messages are delivered."""
        self.dispatcher.senders[sender.channel] = sender

    async def close(self) -> None:
        """Release the database connections, then the data folder's run lock."""
        await self.db.dispose()
        if self.run_lock is not None:
            self.run_lock.release()


def load_faq(folder: Path = DEFAULT_FOLDER) -> KnowledgeBase | None:
    """The FAQ knowledge base, or None (with a warning) when it cannot be loaded."""
    if not folder.exists():
        return None
    try:
        return KnowledgeBase.load(folder)
    except Exception as exc:  # a broken knowledge file must not stop the whole bot
        log.warning("knowledge base not loaded: %s", exc)
        return None


async def _check_schema(db: AsyncEngine) -> None:
    from alembic.script import ScriptDirectory

    from bot.db import alembic_config

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    async with db.connect() as conn:
        try:
            result = await conn.execute(text("SELECT version_num FROM alembic_version"))
            current = result.scalar()
        except Exception:
            current = None
    if current != head:
        raise ConfigError(
            f"the database schema is at {current or 'nothing'}, the code needs {head}: "
            "run `python -m bot db upgrade` first"
        )


async def build_app(
    settings: Settings,
    *,
    clock: Clock | None = None,
    config: AppConfig | None = None,
    faq: Any = "load",
    migrate: bool | None = None,
) -> App:
    """Wire the application. SQLite is migrated automatically; PostgreSQL must be upgraded."""
    config = config or load_config(settings.config_path)
    if settings.quiet_hours:
        from bot.services.calendar import parse_quiet_hours

        config = config.model_copy(update={"quiet_hours": parse_quiet_hours(settings.quiet_hours)})
    run_lock = None
    if settings.is_sqlite:
        private_dir(settings.data_dir)
        try:
            run_lock = RunLock(settings.data_dir).hold_shared()  # `db restore` waits for us
        except DataDirBusy as exc:
            raise ConfigError(str(exc)) from None
    db = make_engine(settings.effective_database_url)
    if migrate if migrate is not None else settings.is_sqlite:
        await upgrade(db)
    else:
        await _check_schema(db)
    secret = settings.secret_key.get_secret_value() if settings.secret_key else None
    vault = Vault(resolve_secret(secret, data_dir=settings.data_dir, embedded=settings.is_sqlite))
    bind_vault(db, vault)  # encrypted columns use this engine's key
    clock = clock or SystemClock()
    services = Services(
        config=config,
        catalog=Catalog(),
        vault=vault,
        clock=clock,
        documents=DocumentStore(settings.data_dir / "documents", vault),
        faq=load_faq() if faq == "load" else faq,
    )
    sessions = make_sessionmaker(db)
    # On PostgreSQL each chat being delivered holds one pooled connection, and each turn
    # one more (bot/db.py: 20 in all): 12 + 6 leaves room for the scheduler and staff desk.
    concurrency, turns = (64, 8) if settings.is_sqlite else (12, 6)
    limiters = None  # SQLite: one process, the limiter and the inbound throttle in memory
    throttle: ThrottleStore | None = None
    if settings.redis_url is not None:
        from bot.engine.throttle_redis import redis_throttle
        from bot.outbox.ratelimit_redis import redis_limiters

        limiters = redis_limiters(settings.redis_url.get_secret_value())
        throttle = redis_throttle(settings.redis_url.get_secret_value(), clock)
    elif not settings.is_sqlite:  # every worker shares the buckets in PostgreSQL
        limiters = postgres_limiters(sessions)
        throttle = postgres_throttle(clock)
    engine = ConversationEngine(sessions, services, build_flows(), escalate=escalate_once,
                                max_turns=turns, throttle_store=throttle)
    dispatcher = Dispatcher(sessions, {}, config.outbox, clock, concurrency=concurrency,
                            make_limiter=limiters)
    engine.wake_dispatcher = dispatcher.wake
    engine.listeners.append(files.on_events(sessions, services.documents))  # no orphan uploads
    engine.listeners.append(metrics.on_events)  # cases opened
    dispatcher.listeners.append(metrics.on_sent)  # sends by outcome, failures by reason
    return App(settings, config, db, sessions, services, engine, dispatcher, run_lock)

"""What a step sees: the beneficiary, the answers so far, the services, and a reply list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from bot.clock import Clock
from bot.config import AppConfig
from bot.engine.store import TurnStore
from bot.i18n import Catalog
from bot.messages import Choice, Inbound, Outbound
from bot.security.crypto import Vault
from bot.storage import DocumentStore
from models import Beneficiary, ChannelIdentity, Conversation


@dataclass
class Services:
    """Long-lived collaborators shared by every conversation."""

    config: AppConfig
    catalog: Catalog
    vault: Vault
    clock: Clock
    documents: DocumentStore
    faq: Any = None  # faq.KnowledgeBase when the knowledge base is loaded


@dataclass
class Ctx:
    """One turn of one conversation."""

    store: TurnStore  # the turn's reads and writes; flows never see its session
    services: Services
    identity: ChannelIdentity
    beneficiary: Beneficiary
    conversation: Conversation
    data: dict[str, Any]
    inbound: Inbound
    replies: list[Outbound] = field(default_factory=list)
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    heard: str = ""  # this message as the transcript will show it (written when the turn ends)

    @property
    def lang(self) -> str:
        """The conversation's language."""
        return self.conversation.language

    @property
    def config(self) -> AppConfig:
        """The application configuration."""
        return self.services.config

    @property
    def now(self) -> dt.datetime:
        """The current time from the injected clock."""
        return self.services.clock.now()

    @property
    def answers(self) -> dict[str, Any]:
        """The answers of the current flow (kept in the encrypted conversation state)."""
        return self.data.setdefault("answers", {})

    def t(self, key: str, **args: object) -> str:
        """A text from the catalogue in the conversation's language."""
        return self.services.catalog.t(self.lang, key, **args)

    def say(self, key: str, choices: list[Choice] | None = None, **args: object) -> Outbound:
        """Queue a reply built from a catalogue text."""
        out = Outbound(self.t(key, **args), choices=choices or [])
        self.replies.append(out)
        return out

    def reply(self, out: Outbound) -> Outbound:
        """Queue a ready reply."""
        self.replies.append(out)
        return out

    def emit(self, name: str, **data: Any) -> None:
        """Record a domain event for after-commit listeners (staff desk, scheduler)."""
        self.events.append((name, data))

"""A test double for a channel that reads naturally: send, press, read what came back."""

from __future__ import annotations

import itertools
from collections import defaultdict

from app.wiring import App
from bot.messages import Attachment, Inbound, Outbound
from bot.outbox.senders import RateLimits, SendResult, Sent
from bot.text import fold

_ids = itertools.count(1)


class RecordingSender:
    """Collects delivered messages per address instead of calling a platform."""

    limits = RateLimits(per_second=10000, per_chat_interval=0.0001, per_chat_burst=1000,
                        group_interval=0.0001)

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.inbox: dict[str, list[Outbound]] = defaultdict(list)

    async def send(self, address: str, message: Outbound) -> SendResult:
        """Record the message as delivered."""
        self.inbox[address].append(message)
        return Sent(platform_message_id=f"p{next(_ids)}")


def plain(text: str) -> str:
    """Text without the bidi isolation marks Fluent puts around placeables."""
    return text.replace("\u2068", "").replace("\u2069", "")


class Convo:
    """One beneficiary talking to the bot through the real engine and outbox."""

    def __init__(self, app: App, user: str, channel: str = "terminal") -> None:
        self.app, self.user, self.channel = app, user, channel
        sender = app.dispatcher.senders.get(channel)
        if not isinstance(sender, RecordingSender):
            sender = RecordingSender(channel)
            app.add_sender(sender)
        self.sender = sender
        self.seen = 0

    async def send(self, text: str | None = None, **fields: object) -> list[Outbound]:
        """Send a message; return the messages delivered in reply."""
        inbound = Inbound(self.channel, self.user, f"m{next(_ids)}", text=text, **fields)  # type: ignore[arg-type]
        return await self.deliver(inbound)

    async def deliver(self, inbound: Inbound) -> list[Outbound]:
        """Hand a ready inbound message to the engine and drain the outbox."""
        await self.app.engine.handle(inbound)
        await self.app.dispatcher.drain_once()
        return self.new_messages()

    def new_messages(self) -> list[Outbound]:
        """Messages delivered since the last look."""
        box = self.sender.inbox[self.user]
        fresh, self.seen = box[self.seen:], len(box)
        return fresh

    async def press(self, label: str) -> list[Outbound]:
        """Press the button (of the last message with choices) whose label contains `label`."""
        box = self.sender.inbox[self.user]
        with_choices = next(m for m in reversed(box) if m.choices)
        key = fold(label)
        choice = next((c for c in with_choices.choices if key in fold(c.label)), None)
        if choice is None:
            labels = [c.label for c in with_choices.choices]
            raise AssertionError(f"no button {label!r} in {labels}")
        return await self.send(payload=choice.id)

    async def upload(self, content: bytes, mime: str, name: str = "doc.pdf") -> list[Outbound]:
        """Send a file."""
        attachment = Attachment(file_id=name, mime_type=mime, file_name=name,
                                size=len(content), content=content)
        return await self.send(attachment=attachment)

    @staticmethod
    def labels(messages: list[Outbound]) -> list[str]:
        """Every button label of some messages."""
        return [plain(c.label) for m in messages for c in m.choices]

    @staticmethod
    def text(messages: list[Outbound]) -> str:
        """All texts of some messages, joined, without bidi marks."""
        return plain("\n".join(m.text for m in messages))

"""A staff group double: topics are counted, messages to it are recorded."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import pytest

from app.channels import staff_desk
from app.wiring import App
from bot.messages import Outbound
from desk.channel import StaffMessage
from desk.desk import StaffDesk
from desk.roster import Staff
from tests.support.convo import Convo, RecordingSender, plain

GROUP = "-1001234567890"
OFFICER, RESEARCHER, STRANGER = 9001, 9002, 4242
_ids = itertools.count(1)


@dataclass
class FakeGroup:
    """The staff group: creates topics, records what the desk posts."""

    sender: RecordingSender
    channel: str = "telegram"
    chat_id: str = GROUP
    uses_topics: bool = True
    topics: list[str] = field(default_factory=list)

    async def create_topic(self, name: str) -> int:
        self.topics.append(name)
        return 100 + len(self.topics)

    def posts(self) -> list[Outbound]:
        return self.sender.inbox[GROUP]

    def texts(self) -> str:
        return plain("\n".join(m.text for m in self.posts()))


@pytest.fixture
def group(app: App) -> FakeGroup:
    sender = RecordingSender("telegram")
    app.add_sender(sender)
    return FakeGroup(sender)


@pytest.fixture
def desk(app: App, group: FakeGroup) -> StaffDesk:
    roster = {OFFICER: Staff(OFFICER, "officer"), RESEARCHER: Staff(RESEARCHER, "researcher")}
    return staff_desk(app, group, roster)


async def staff_says(app: App, desk: StaffDesk, user: int, text: str | None = None, *,
                     thread: int | None = None, **kw: object) -> None:
    """A staff member writes in the group (then the outbox is drained)."""
    await desk.handle(StaffMessage(user_id=user, message_id=f"s{next(_ids)}", text=text,
                                   thread_id=thread, **kw))  # type: ignore[arg-type]
    await app.dispatcher.drain_once()


async def ask_for_person(c: Convo) -> str:
    """The beneficiary asks to talk to a person; the replies' text."""
    await c.press("التحدث مع موظف")
    await c.press("موضوع آخر")
    return c.text(await c.send("أحتاج مساعدة في تعبئة الطلب"))

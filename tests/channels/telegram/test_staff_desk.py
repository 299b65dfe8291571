"""The staff desk on Telegram: a case topic in the staff supergroup, relayed both ways."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from app.wiring import App
from tests.channels.telegram.conftest import Bench, eventually, plain, staff_group_bench
from tests.emulators import TelegramEmulator

GROUP_ID = -1001234567890
OFFICER, STRANGER = 9001, 4242


@pytest.fixture(params=["polling"])
def mode(request: pytest.FixtureRequest) -> str:
    """Updates by long polling (webhook routing is the same code after parsing)."""
    return str(request.param)


@pytest.fixture
async def desk_bench(app: App, tg: TelegramEmulator, driver: str, mode: str,
                     monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Bench]:
    """The running bot with a staff group and one officer."""
    async with staff_group_bench(app, tg, driver, mode, monkeypatch, group_id=GROUP_ID,
                                 staff_ids=f"{OFFICER}:officer") as b:
        yield b


def group_texts(tg: TelegramEmulator, thread: int | None = None) -> str:
    calls = [c for c in tg.sent_messages(GROUP_ID)
             if thread is None or c.params.get("message_thread_id") == thread]
    return plain("\n".join(str((c.result or {}).get("text") or (c.result or {}).get("caption")
                               or "") for c in calls))


async def staff(b: Bench, user: dict[str, Any], text: str, thread: int) -> None:
    group = b.tg.make_supergroup(GROUP_ID)
    update = b.tg.supergroup_update(user, text, chat=group, thread_id=thread)
    await b.deliver(update)
    await b.settled([], timeout=10)


async def test_escalation_topic_relay_both_ways(desk_bench: Bench) -> None:
    b, tg = desk_bench, desk_bench.tg
    tg.make_supergroup(GROUP_ID)
    runtime = b.runtime
    assert runtime is not None and runtime.scheduler is not None
    assert len(runtime.links.desks) == 1  # the staff desk runs, and the scheduler drives it
    assert runtime.scheduler.desks == runtime.links.desks
    amal = tg.make_user(5001, "Amal")
    await b.say(amal, "السلام عليكم")
    await b.press(amal, "أوافق")
    await b.press(amal, "التحدث مع موظف")
    await b.press(amal, "الإجراءات غير واضحة")
    await b.say(amal, "ما فهمت المستندات المطلوبة")
    await tg.wait_for(lambda c: c.method == "createForumTopic" and c.ok)
    topic = next(c.result["message_thread_id"] for c in tg.calls
                 if c.method == "createForumTopic" and c.ok)
    await eventually(lambda: _has(tg, topic, "حالة #1"))
    assert "مسؤول البحث الاجتماعي" in group_texts(tg, topic)

    officer = tg.make_user(OFFICER, "Huda")
    await staff(b, officer, "أهلاً أمل، أنا هنا لمساعدتك", topic)
    await eventually(lambda: _to_user(tg, 5001, "أنا هنا لمساعدتك"))
    assert "Huda" not in plain("\n".join(str(c.params.get("text")) for c in
                                         tg.sent_messages(5001)))

    await b.turn(tg.photo_update(amal, b"\xff\xd8\xff photo of a paper"))
    await eventually(lambda: _file_to(tg, GROUP_ID))

    stranger = tg.make_user(STRANGER, "Someone")
    await staff(b, stranger, "/close", topic)
    await eventually(lambda: _has(tg, topic, "للموظفين المسجلين فقط"))

    await staff(b, officer, "/note اتصلت بها", topic)
    await staff(b, officer, "/close", topic)
    await eventually(lambda: _to_user(tg, 5001, "تم إغلاق محادثتك"))
    assert not await _to_user(tg, 5001, "اتصلت بها")


async def _has(tg: TelegramEmulator, topic: int, text: str) -> bool:
    return text in group_texts(tg, topic)


async def _to_user(tg: TelegramEmulator, chat: int, text: str) -> bool:
    return any(text in plain(str(c.params.get("text") or c.params.get("caption") or ""))
               for c in tg.sent_messages(chat))


async def _file_to(tg: TelegramEmulator, chat: int) -> bool:
    return any(c.method in ("sendDocument", "sendPhoto") for c in tg.sent_messages(chat))

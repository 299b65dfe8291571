"""What reaches the bot that it must refuse or ignore: wrong secrets, old shapes, groups."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.wiring import App
from handlers.telegram.runtime import TelegramRuntime
from models import InboundReceipt
from tests.channels.telegram.conftest import Bench, eventually
from tests.emulators import TelegramEmulator, load_telegram_fixtures


async def receipts(app: App) -> int:
    """How many updates reached the engine."""
    async with app.sessions() as s:
        return int((await s.execute(select(func.count()).select_from(InboundReceipt)))
                   .scalar_one())


@pytest.mark.parametrize("mode", ["webhook"])
async def test_wrong_or_missing_secret_is_refused_and_nothing_processed(bench: Bench) -> None:
    tg = bench.tg
    user = tg.make_user(7500, "Amal", "ar")
    update = tg.command_update(user, "/start")
    assert (await tg.post_webhook(update, secret="not-the-secret"))[0] == 401
    assert (await tg.post_webhook(update, secret=None))[0] == 401
    assert await receipts(bench.app) == 0
    assert tg.calls_of("sendMessage") == []
    assert "الخصوصية" in bench.text(await bench.turn(update))  # the same update, signed


async def test_old_fixtures_and_garbage_never_crash(bench: Bench) -> None:
    tg = bench.tg
    old = load_telegram_fixtures()
    samples = [body for name, body in old.items() if name.startswith("official_webhooks")]
    assert len(samples) == 3
    if bench.mode == "webhook":
        for body in samples:
            status, _ = await tg.post_webhook(body)
            assert status == 200 or 400 <= status < 500
        for raw in (b"not json", b"[1, 2]", b'{"update_id": "x"}', b"\xff\xfe"):
            assert (await tg.post_webhook_raw(raw))[0] == 400
    else:
        for body in samples:
            tg.push_update(body)
    user = tg.make_user(7501, "Noura", "ar")
    assert "الخصوصية" in await bench.say(user, "/start")  # still serving after all that
    assert await receipts(bench.app) == 1
    assert not [c for c in tg.calls if c.params.get("chat_id") == 1111111]


@pytest.mark.parametrize("mode", ["webhook"])
async def test_groups_are_ignored_and_the_staff_chat_goes_to_its_hook(
    app: App, tg: TelegramEmulator, driver: str, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[dict[str, Any], Any]] = []

    async def staff_desk(update: dict[str, Any], driver_: Any) -> None:
        seen.append((update, driver_))

    bench = Bench(app, tg, driver, mode, monkeypatch)
    staff = tg.make_supergroup(-1001111111111, "Ghimar staff")
    monkeypatch.setenv("TELEGRAM_STAFF_CHAT_ID", str(staff["id"]))
    await bench.start()
    assert bench.runtime is not None
    telegram = bench.runtime.channels[0]
    assert isinstance(telegram, TelegramRuntime)
    telegram.handler.staff = staff_desk  # in place of the real desk that start() installed
    try:
        member = tg.make_user(7600, "Staff", "ar")
        to_staff = tg.supergroup_update(member, "تم التواصل مع المستفيد", chat=staff)
        assert await tg.post_webhook(to_staff) == (200, "ok")  # stored, then handed over
        await eventually(lambda: _true(bool(seen)))
        assert [u for u, _ in seen] == [to_staff] and seen[0][1].name == driver

        other = tg.make_supergroup(-1002222222222, "Some other group", is_forum=False)
        assert await tg.post_webhook(tg.supergroup_update(member, "/start", chat=other)) == (
            200, "ignored")
        press = tg.callback_update(member, "agree", 1, chat=other)
        assert await tg.post_webhook(press) == (200, "ignored")
        answered = tg.calls_of("answerCallbackQuery")
        assert [c.params["callback_query_id"] for c in answered] == [
            press["callback_query"]["id"]]
        blocked = tg.my_chat_member_update(tg.make_user(7601, "Ali", "ar"))
        assert await tg.post_webhook(blocked) == (200, "ignored")
        assert tg.calls_of("sendMessage") == [] and await receipts(app) == 1  # the staff's
    finally:
        await bench.close()


async def _true(value: bool) -> bool:
    return value

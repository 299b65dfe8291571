"""End to end in headless Chromium: one desk, two doors, live; the FAQ edited in the browser.

A beneficiary on the Telegram emulator asks for a person; a staff member answers from the
browser and the reply reaches the emulator (and the case's topic in the staff group); the
beneficiary's next message appears in the open page without a reload. An FAQ entry edited in
the browser changes the answer of `python -m bot ask` at once. axe-core runs on every page;
screenshots go to docs/screenshots/. Skipped without chromium, unless GHIMAR_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.wiring import App
from bot.db import transaction
from bot.repo import feedback
from faq import KnowledgeBase
from models import Escalation

# the fixtures: real time passes (the outbox and the live feed run on it); SQLite only
from tests.channels.telegram.conftest import (  # noqa: F401
    Bench,
    clock,
    eventually,
    plain,
    staff_group_bench,
)
from tests.emulators import TelegramEmulator
from tests.web.test_browser import (  # noqa: F401
    SHOTS,
    _axe,
    _browser,
    _click,
    _look,
    database_url,
    pytestmark,
)
from tests.web.test_knowledge import QUESTION
from web.auth import issue_login_link
from web.deps import DEPS

GROUP_ID = -1001234567890
OFFICER, ADMIN, AMAL = 9001, 9003, 5001
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def bench(app: App, tg: TelegramEmulator, folder: Path, monkeypatch: pytest.MonkeyPatch
                ) -> AsyncIterator[Bench]:
    """The running bot on Telegram (long polling) with a staff group, and the console."""
    app.services.faq = KnowledgeBase.load(folder)
    async with staff_group_bench(app, tg, "aiogram", "polling", monkeypatch, group_id=GROUP_ID,
                                 staff_ids=f"{OFFICER}:officer,{ADMIN}:admin") as b:
        yield b


def _ask_cli(folder: Path, question: str) -> str:
    out = subprocess.run([sys.executable, "-m", "bot", "ask", question, "--folder", str(folder)],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=120)
    return out.stdout


def _open_case(driver: Any, base: str, link: str, case_id: int, problems: list[str]) -> None:
    """Sign in, find the case in the list, open it, answer the beneficiary."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(link)
    _click(driver, "continue")
    _look(driver, f"{base}/staff/conversations",
          "console-conversations-ar.png", "conversations", problems)
    _click(driver, f"case-{case_id}")
    WebDriverWait(driver, 10).until(expected_conditions.text_to_be_present_in_element(
        (By.ID, "live-state"), "تحديث مباشر"))
    driver.find_element(By.ID, "reply-text").send_keys("أهلاً أمل، أنا من فريق الجمعية")
    _click(driver, "send")


def _wait_live(driver: Any, text: str) -> dict[str, object]:
    """The beneficiary's new message appears in the open page; nothing reloaded it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 15).until(expected_conditions.text_to_be_present_in_element(
        (By.ID, "timeline"), text))
    return {"marker": driver.execute_script("return window.__notReloaded === true"),
            "status": driver.find_element(By.ID, "case-status").text}


def _knowledge(driver: Any, base: str, problems: list[str]) -> None:
    """Read, try, the gaps, then edit an entry's Arabic answer and save."""
    from selenium.webdriver.common.by import By

    _look(driver, f"{base}/staff/knowledge", "console-knowledge-ar.png", "knowledge", problems)
    _look(driver, f"{base}/staff/knowledge/try?q={QUESTION}",
          "console-knowledge-try-ar.png", "knowledge try", problems)
    _look(driver, f"{base}/staff/knowledge/gaps",
          "console-knowledge-gaps-ar.png", "knowledge gaps", problems)
    _click(driver, "gap-1")
    _axe(driver, "knowledge new from gap", problems)
    _look(driver, f"{base}/staff/knowledge/entries/fees?lang=en",
          "console-knowledge-entry-en.png", "knowledge entry en", problems)
    driver.get(f"{base}/staff/knowledge/entries/fees?lang=ar")
    answer = driver.find_element(By.ID, "f-answer-ar")
    answer.clear()
    answer.send_keys("التقديم على الجمعية بلا أي رسوم، والحمد لله.")
    _click(driver, "save")


async def test_one_desk_two_doors_live_and_the_faq_edited_in_chromium(
    app: App, bench: Bench, tg: TelegramEmulator, folder: Path
) -> None:
    b = bench
    tg.make_supergroup(GROUP_ID)
    amal = tg.make_user(AMAL, "Amal")
    await b.say(amal, "السلام عليكم")
    await b.press(amal, "أوافق")
    await b.press(amal, "التحدث مع موظف")
    await b.press(amal, "موضوع آخر")
    await b.say(amal, "أحتاج مساعدة في طلبي")
    async with transaction(app.sessions) as session:
        case = (await session.execute(select(Escalation))).scalars().one()
        await feedback.add_gap(session, question="هل تدفعون فواتير الكهرباء", language="ar",
                               reason="unknown", entry_id=None)
    runtime = b.runtime
    assert runtime is not None and runtime.port
    base = f"http://127.0.0.1:{runtime.port}"
    deps = runtime.web_app[DEPS]
    link = await issue_login_link(deps, telegram_id=OFFICER, base_url=base)
    assert link is not None and case.id is not None
    problems: list[str] = []
    driver = await asyncio.to_thread(_browser, 1280, 900)
    driver.set_script_timeout(30)
    try:
        await asyncio.to_thread(_open_case, driver, base, link, case.id, problems)

        def to_amal() -> str:
            return plain("\n".join(str(c.params.get("text") or "")
                                   for c in tg.sent_messages(AMAL)))

        await eventually(lambda: asyncio.sleep(0, "أنا من فريق الجمعية" in to_amal()))
        assert "موظف علاقات المستفيدين" in to_amal()  # signed by role
        topic = case.topic_id

        def in_topic() -> str:
            return plain("\n".join(str((c.result or {}).get("text") or "")
                                   for c in tg.sent_messages(GROUP_ID)
                                   if c.params.get("message_thread_id") == topic))

        await eventually(lambda: asyncio.sleep(0, "أنا من فريق الجمعية" in in_topic()))
        await asyncio.to_thread(driver.execute_script, "window.__notReloaded = true")
        await b.say(amal, "شكراً، متى يصلني الرد؟")
        seen = await asyncio.to_thread(_wait_live, driver, "متى يصلني الرد؟")
        assert seen["marker"] is True  # the same page, not a reload
        assert seen["status"] == "مع موظف"
        await asyncio.to_thread(_look, driver, None, "console-conversation-ar.png",
                                "conversation", problems)
        await asyncio.to_thread(_look, driver, f"{base}/staff/conversations/{case.id}?lang=en",
                                "console-conversation-en.png", "conversation en", problems)
        assert "التقديم على الجمعية بلا أي رسوم" not in _ask_cli(folder, QUESTION)
        await asyncio.to_thread(_knowledge, driver, base, problems)
    finally:
        await asyncio.to_thread(driver.quit)
    assert problems == []  # axe-core: no serious or critical violation on any page
    assert "التقديم على الجمعية بلا أي رسوم" in _ask_cli(folder, QUESTION)
    for name in ("console-conversations-ar.png", "console-conversation-ar.png",
                 "console-knowledge-ar.png", "console-knowledge-try-ar.png"):
        assert (SHOTS / name).stat().st_size > 10_000

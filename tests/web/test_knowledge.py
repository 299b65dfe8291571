"""The FAQ in the browser: edits checked like `knowledge check`, written to YAML, live at once."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import yaml
from sqlalchemy import select

from app.wiring import App
from bot.db import transaction
from bot.repo import feedback
from faq import KnowledgeBase
from models import StaffAction
from tests.support.serving import running
from tests.web.conftest import (
    ADMIN,
    OFFICER,
    RESEARCHER,
    STAFF_IDS,
    page_token,
    signed_in,
)
from web.deps import DEPS, ConsoleDeps
from web.knowledge import raw_to_fields

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "هل الخدمة مجانية"


@pytest.fixture
async def kb_live(app: App, folder: Path, monkeypatch: pytest.MonkeyPatch
                  ) -> AsyncIterator[tuple[str, ConsoleDeps, KnowledgeBase]]:
    """The console on a running server whose bot answers from the copied folder."""
    monkeypatch.setenv("TELEGRAM_STAFF_IDS", STAFF_IDS)
    kb = KnowledgeBase.load(folder)
    app.services.faq = kb
    async with running(app, console=True) as rt:
        yield f"http://127.0.0.1:{rt.port}", rt.web_app[DEPS], kb


def _ask_cli(folder: Path, question: str) -> dict[str, object]:
    """`python -m bot ask --json` in a fresh process, on the same folder."""
    out = subprocess.run([sys.executable, "-m", "bot", "ask", question, "--json", "--folder",
                          str(folder)], cwd=ROOT, capture_output=True, text=True, check=True,
                         timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


async def _save(http: aiohttp.ClientSession, base: str, fields: dict[str, str], *, new: bool
                ) -> tuple[int, str, str]:
    token = await page_token(http, f"{base}/staff/knowledge")
    data = {**fields, "csrf": token, "new": "1" if new else "0"}
    async with http.post(f"{base}/staff/knowledge/save", data=data) as resp:
        return resp.status, await resp.text(), resp.url.path


def _fields(folder: Path, entry_id: str) -> dict[str, str]:
    return raw_to_fields(yaml.safe_load((folder / f"{entry_id}.yaml").read_text("utf-8")))


async def test_an_edit_changes_the_bots_answer_at_once(
    app: App, folder: Path, kb_live: tuple[str, ConsoleDeps, KnowledgeBase]
) -> None:
    base, deps, kb = kb_live
    assert "لا تذكر سياسة الجمعية رسوماً" in str(_ask_cli(folder, QUESTION)["answer"])
    fields = _fields(folder, "fees")
    fields["answer_ar"] = "التقديم مجاني تماماً.\nلا تدفع لأحد باسم الجمعية."
    http = await signed_in(deps, base, OFFICER)
    async with http:
        status, html, path = await _save(http, base, fields, new=False)
    assert status == 200 and path == "/staff/knowledge/entries/fees"
    assert "حُفظ المدخل" in html
    result = kb.ask(QUESTION)  # the running bot, without a restart
    assert result.kind == "answer" and result.best is not None
    assert result.best.entry.answer["ar"].startswith("التقديم مجاني تماماً.")
    assert _ask_cli(folder, QUESTION)["answer"] == fields["answer_ar"]  # the CLI reads the file
    saved = yaml.safe_load((folder / "fees.yaml").read_text("utf-8"))
    assert saved["paraphrases"]["ar"][0] == "هل أدفع مبلغاً مقابل الخدمة؟"  # the rest kept
    assert "  ar: |-\n    التقديم مجاني تماماً.\n" in (folder / "fees.yaml").read_text("utf-8")
    assert KnowledgeBase.check(folder) == []
    assert not list(folder.glob(".*.tmp"))  # no temporary file left behind
    async with app.sessions() as session:
        rows = list((await session.execute(select(StaffAction).where(
            StaffAction.action == "knowledge_edit"))).scalars())
    assert [(r.staff_user_id, r.detail, r.allowed) for r in rows] == [
        (f"tg:{OFFICER}", "fees", True)]


async def test_invalid_entries_are_refused_with_the_checks_problems(
    folder: Path, kb_live: tuple[str, ConsoleDeps, KnowledgeBase]
) -> None:
    base, deps, kb = kb_live
    before = (folder / "fees.yaml").read_text("utf-8")
    http = await signed_in(deps, base, ADMIN)
    async with http:
        fields = _fields(folder, "fees")
        fields["answer_en"] = "   "
        status, html, _ = await _save(http, base, fields, new=False)
        assert status == 400 and "answer is missing language &#39;en&#39;" in html
        fields = _fields(folder, "fees")
        fields["paraphrases_ar"] += "\nكيف أقدم طلب دعم؟"  # the question of apply-how
        status, html, _ = await _save(http, base, fields, new=False)
        assert status == 400 and "is also used by entry" in html
        fields = _fields(folder, "fees")
        fields["related"] = "no-such-entry"
        status, html, _ = await _save(http, base, fields, new=False)
        assert status == 400 and "does not exist" in html
        status, html, _ = await _save(http, base, {**fields, "related": ""}, new=True)
        assert status == 400 and "already used" in html  # a new entry cannot take an id
    assert (folder / "fees.yaml").read_text("utf-8") == before
    assert "fees" in kb.entries


async def test_an_edit_made_meanwhile_is_not_overwritten(
    folder: Path, kb_live: tuple[str, ConsoleDeps, KnowledgeBase]
) -> None:
    base, deps, _ = kb_live
    http = await signed_in(deps, base, ADMIN)
    async with http:
        async with http.get(f"{base}/staff/knowledge/entries/fees") as resp:
            opened = await resp.text()
        stamp = opened.split('name="version" value="')[1].split('"')[0]
        assert len(stamp) == 16
        other = _fields(folder, "fees")  # someone else saves first, from another page
        other["answer_en"] = "Applying is free."
        status, _, _ = await _save(http, base, {**other, "version": stamp}, new=False)
        assert status == 200
        mine = _fields(folder, "fees")
        mine["answer_ar"] = "نسختي القديمة"
        status, html, _ = await _save(http, base, {**mine, "version": stamp}, new=False)
    assert status == 400 and "changed by someone else" in html
    saved = yaml.safe_load((folder / "fees.yaml").read_text("utf-8"))
    assert saved["answer"]["en"] == "Applying is free." and "نسختي" not in saved["answer"]["ar"]


async def test_a_gap_becomes_an_entry(
    app: App, folder: Path, kb_live: tuple[str, ConsoleDeps, KnowledgeBase]
) -> None:
    base, deps, kb = kb_live
    gap = "هل تقبلون التبرع بالملابس المستعملة"  # no entry says (in-kind donations)
    async with transaction(app.sessions) as session:
        for text in (gap, gap, "هل تقبلون التبرع بالملابس المستعمله؟"):
            await feedback.add_gap(session, question=text, language="ar", reason="unknown",
                                   entry_id=None)
    assert kb.ask(gap).kind != "answer"
    http = await signed_in(deps, base, OFFICER)
    async with http:
        async with http.get(f"{base}/staff/knowledge/gaps") as resp:
            html = await resp.text()
        assert resp.status == 200 and gap in html and ">3<" in html  # grouped: 3 times
        link = html.split('href="/staff/knowledge/new?question=')[1].split('"')[0]
        async with http.get(f"{base}/staff/knowledge/new?question={link}") as resp:
            form = await resp.text()
        assert f'name="question_ar" value="{gap}"' in form
        fields = {"id": "clothes-donations", "question_ar": gap,
                  "question_en": "Do you accept donations of used clothes?",
                  "answer_ar": "اسأل موظفاً عما تقبله الجمعية من تبرعات عينية.",
                  "answer_en": "Ask a person which donations in kind the association accepts.",
                  "guide": "service-info", "section_ar": "التبرعات",
                  "section_en": "Donations", "paraphrases_ar": "", "paraphrases_en": "",
                  "related": "talk-to-person"}
        status, _, path = await _save(http, base, fields, new=True)
    assert status == 200 and path == "/staff/knowledge/entries/clothes-donations"
    assert (folder / "clothes-donations.yaml").exists()
    result = kb.ask(gap)
    assert result.kind == "answer" and result.best is not None
    assert result.best.entry.id == "clothes-donations"


async def test_reading_is_for_all_staff_editing_for_officers_and_admins(
    app: App, folder: Path, kb_live: tuple[str, ConsoleDeps, KnowledgeBase]
) -> None:
    base, deps, _ = kb_live
    before = (folder / "fees.yaml").read_text("utf-8")
    http = await signed_in(deps, base, RESEARCHER)
    async with http:
        async with http.get(f"{base}/staff/knowledge?q=fee") as resp:
            html = await resp.text()
        assert resp.status == 200 and "/staff/knowledge/entries/fees" in html
        assert 'id="new-entry"' not in html
        async with http.get(f"{base}/staff/knowledge/entries/fees") as resp:
            html = await resp.text()
        assert resp.status == 200 and 'id="save"' not in html and "للقراءة فقط" in html
        fields = _fields(folder, "fees")
        fields["answer_ar"] = "تغيير غير مسموح"
        status, _, _ = await _save(http, base, fields, new=False)
        assert status == 403
        async with http.get(f"{base}/staff/knowledge/try?q={QUESTION}") as resp:
            html = await resp.text()
        assert "سيجيب البوت بهذا المدخل" in html and "/staff/knowledge/entries/fees" in html
        assert "BM25" in html
    assert (folder / "fees.yaml").read_text("utf-8") == before
    async with app.sessions() as session:
        rows = list((await session.execute(select(StaffAction).where(
            StaffAction.action == "knowledge_edit"))).scalars())
    assert [(r.staff_user_id, r.allowed) for r in rows] == [(f"tg:{RESEARCHER}", False)]

"""Correcting the national ID through step 2: the form's checks, never another person's open
request's ID, masked in the console's history, searchable by the new number."""

from __future__ import annotations

from app.wiring import App
from bot.repo import requests as requests_repo
from tests.support.convo import Convo, plain
from tests.web.conftest import OFFICER, REFERENCE, heard, mark, page_token, signed_in
from tests.web.test_committee_bulk import second, submitted  # noqa: F401  (two requests)
from web.deps import ConsoleDeps

PAGE = f"/staff/requests/{REFERENCE}"
NEW_ID = "1000000016"


async def test_the_national_id_is_corrected_safely(base: str, deps: ConsoleDeps, app: App,
                                                   submitted: Convo) -> None:  # noqa: F811
    http = await signed_in(deps, base, OFFICER)
    async with http:
        token = await page_token(http, base + PAGE)
        status, _ = await mark(http, base + PAGE, "answer:national_id", "needs_correction", token)
        assert status == 200
    assert "رقم الهوية" in await heard(submitted, REFERENCE)
    bad = await heard(submitted, "10", await submitted.send("123"))
    assert "10" in bad  # the form's own message: ten digits
    taken = await heard(submitted, "طلب مفتوح آخر", await submitted.send("2000000006"))
    assert "طلب مفتوح آخر" in taken  # GH-2026-000002's ID: refused
    done = await heard(submitted, "صُحّحت إجابتك", await submitted.send(NEW_ID))
    assert "صُحّحت إجابتك" in done and NEW_ID not in done
    async with app.sessions() as session:
        row = await requests_repo.by_reference(session, reference=REFERENCE)
        assert row is not None
        assert app.services.vault.decrypt(row.national_id_enc) == NEW_ID
    http = await signed_in(deps, base, OFFICER)
    async with http:
        async with http.get(base + PAGE) as resp:
            html = plain(await resp.text())
            assert "••••••0008</bdi> → <bdi>••••••0016" in html and NEW_ID not in html
        async with http.get(f"{base}/staff/requests?q={NEW_ID}") as resp:
            assert REFERENCE in await resp.text()

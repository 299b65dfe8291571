"""The tester's console bugs: bad filters, wrong decisions and assignees, long notes and bare
error texts all get a polite page in the staff member's language, never a 500."""

from __future__ import annotations

import aiohttp

from app.wiring import App
from tests.support.convo import Convo, plain
from tests.web.conftest import ADMIN, REFERENCE, signed_in
from web.deps import ConsoleDeps


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, str]:
    async with http.get(url) as resp:
        return resp.status, plain(await resp.text())


async def test_no_console_filter_gives_a_500_and_each_bad_one_is_named(
    base: str, deps: ConsoleDeps, submitted: Convo, app: App
) -> None:
    admin = await signed_in(deps, base, ADMIN)
    async with admin:
        for query, named in (("waiting=99999999999999999999", "waiting days"),
                             ("waiting=1000000", "waiting days"), ("waiting=abc", "waiting days"),
                             ("waiting=-5", "waiting days"), ("until=9999-12-31", "end date"),
                             ("from=2026-13-45", "start date"),
                             ("from=2026-12-01&until=2026-11-01", "start date, end date")):
            status, html = await _get(admin, f"{base}/staff/requests?lang=en&{query}")
            assert status == 200, query
            assert f"were not understood and were left out: {named}." in html, query
            assert REFERENCE in html, query  # the filter is left out, not the list emptied
        status, html = await _get(admin, f"{base}/staff/requests?lang=ar&waiting=abc")
        assert status == 200 and "لم نفهم بعض عوامل التصفية فتُركت: أيام الانتظار" in html
        for path in ("/staff/audit", "/staff/reports"):
            status, html = await _get(admin, f"{base}{path}?lang=en&until=9999-12-31")
            assert status == 200, path
            assert ("were not understood" in html or "not a period" in html), path
        status, html = await _get(admin, f"{base}/staff/audit?lang=en&from=2026-12-01"
                                  "&until=2026-11-01")
        assert "left out: start date, end date." in html
        # Arabic-Indic digits are read as digits: the request waits fewer than ٣٠ days
        status, html = await _get(admin, f"{base}/staff/requests?lang=en&waiting=٣٠")
        assert status == 200 and "not understood" not in html and REFERENCE not in html
        status, html = await _get(admin, f"{base}/staff/requests?lang=en&from=٢٠٣٠-٠١-٠١")
        assert status == 200 and "not understood" not in html and REFERENCE not in html
        status, html = await _get(admin, f"{base}/staff/requests?lang=en&waiting=0")
        assert status == 200 and "not understood" not in html

"""Every console page fits a phone's width (390 CSS pixels, emulated: a headless window is never
narrower than 500) in Arabic and English: nothing wider than the screen, no sideways scrolling.
Skipped without chromium, unless GHIMAR_REQUIRE_BROWSER=1."""

from __future__ import annotations

import asyncio

from tests.support.convo import Convo
from tests.web.conftest import ADMIN, REFERENCE
from tests.web.test_browser import (  # noqa: F401 (the walk's marks; on SQLite)
    _browser,
    _click,
    database_url,
    pytestmark,
)
from web.auth import issue_login_link
from web.deps import ConsoleDeps

PHONE = 390  # CSS pixels; a mobile viewport grows to fit wider content, so compare with this
PAGES = ("/staff/requests", f"/staff/requests/{REFERENCE}", "/staff/committee",
         "/staff/conversations", "/staff/knowledge/new",  # (no knowledge base in the fixture)
         "/staff/knowledge/gaps", "/staff/volunteers", "/staff/complaints", "/staff/rights",
         "/staff/reports", "/staff/audit")

WIDER_THAN_SCREEN = """
return [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > 391 || e.getBoundingClientRect().left < -1)
  .slice(0, 3).map(e => e.tagName + (e.id ? '#' + e.id : '')).join(' ')"""


def _widths(base: str, link: str) -> dict[str, str]:
    """Each page (and language) whose content is wider than a phone, with its widest elements."""
    too_wide: dict[str, str] = {}
    driver = _browser(1280, 900)
    try:
        driver.get(link)
        _click(driver, "continue")
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": PHONE, "height": 844, "deviceScaleFactor": 1, "mobile": True})
        for lang in ("ar", "en"):
            for page in PAGES:
                driver.get(f"{base}{page}?lang={lang}")
                found = driver.execute_script(WIDER_THAN_SCREEN)
                if found:
                    too_wide[f"{page} ({lang})"] = found
    finally:
        driver.quit()
    return too_wide


async def test_every_page_fits_a_phone(submitted: Convo, base: str, deps: ConsoleDeps) -> None:
    link = await issue_login_link(deps, telegram_id=ADMIN, base_url=base)
    assert link is not None
    assert await asyncio.to_thread(_widths, base, link) == {}

"""Dates read left to right in Arabic lines: a date after Arabic words (a timeline's "from the
beneficiary · 2026-12-01 08:16") is isolated, else the Unicode bidi algorithm turns its digits
into Arabic numbers and shows «01-12-2026». Checked on the glyphs Chromium lays out.
Skipped without chromium, unless GHIMAR_REQUIRE_BROWSER=1."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from app.wiring import App
from models import Escalation
from tests.support.convo import Convo
from tests.web.conftest import ADMIN
from tests.web.test_browser import (  # noqa: F401 (the walk's marks; on SQLite)
    _browser,
    _click,
    database_url,
    pytestmark,
)
from web.auth import issue_login_link
from web.deps import ConsoleDeps

# For each <time> in the timeline: is the year's first digit left of the day's (text "YYYY-MM-DD")?
YEAR_LEFT_OF_DAY = """
return [...document.querySelectorAll('#timeline time')].map(t => {
  const text = t.firstChild, at = i => { const r = document.createRange();
    r.setStart(text, i); r.setEnd(text, i + 1); return r.getBoundingClientRect().left; };
  return at(0) < at(8);
});"""


def _order(base: str, link: str, case_id: int) -> list[bool]:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = _browser(1280, 900)
    try:
        driver.get(link)
        _click(driver, "continue")
        driver.get(f"{base}/staff/conversations/{case_id}?lang=ar")
        WebDriverWait(driver, 10).until(  # the live feed has connected (it may redraw)
            lambda d: d.find_element(By.ID, "live-state").text != d.find_element(
                By.ID, "live-state").get_attribute("data-off"))
        return driver.execute_script(YEAR_LEFT_OF_DAY)
    finally:
        driver.quit()


async def test_timeline_dates_read_left_to_right(
    app: App, submitted: Convo, base: str, deps: ConsoleDeps
) -> None:
    await submitted.press("التحدث مع موظف")
    await submitted.press("موضوع آخر")
    await submitted.send("أحتاج مساعدة في فهم الإجراءات")
    async with app.sessions() as session:
        case_id = (await session.execute(select(Escalation.id))).scalars().first()
    assert case_id is not None
    link = await issue_login_link(deps, telegram_id=ADMIN, base_url=base)
    assert link is not None
    order = await asyncio.to_thread(_order, base, link, case_id)
    assert order and all(order), order

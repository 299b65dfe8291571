"""Part 2 in headless Chromium: volunteers, suggestions and complaints, rights requests, the
audit log and the reports, each page checked by axe-core and photographed for docs/screenshots/.

A complaint answered in the browser reaches the beneficiary's chat; a volunteer accepted in the
browser hears it on theirs. Skipped without chromium, unless GHIMAR_REQUIRE_BROWSER=1."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from app.wiring import App
from bot.clock import FrozenClock
from models import RightsRequest, SatisfactionSurvey
from tests.support.convo import Convo
from tests.web.conftest import ADMIN, REFERENCE
from tests.web.test_browser import (  # noqa: F401 (the walk's marks; on SQLite)
    SHOTS,
    _browser,
    _click,
    _look,
    _overflows_on_phone,
    _shot,
    _walk_start,
    database_url,
    pytestmark,
)
from tests.web.test_lists import file_everything, heard
from web.auth import issue_login_link
from web.deps import ConsoleDeps

SHOT_NAMES = ("console-volunteers-ar.png", "console-volunteer-ar.png",
              "console-complaints-ar.png", "console-complaint-ar.png",
              "console-suggestions-en.png", "console-rights-ar.png", "console-audit-ar.png",
              "console-reports-ar.png", "console-reports-en.png",
              "console-complaints-phone-ar.png")


@pytest.fixture
async def submitted(submitted: Convo) -> Convo:
    """conftest's beneficiary (a request before the committee) with everything else filed."""
    return await file_everything(submitted)


def _images_loaded(driver) -> bool:  # type: ignore[no-untyped-def]
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: d.execute_script(
        "return [...document.images].every(i => i.complete && i.naturalWidth > 0)"))
    return True


def _walk(base: str, link: str) -> dict[str, object]:
    """The staff side of part 2 in a real browser (blocking: runs in a thread)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    seen, problems, driver = _walk_start()
    try:
        driver.get(link)
        _click(driver, "continue")
        _look(driver, f"{base}/staff/volunteers?lang=ar",
              "console-volunteers-ar.png", "volunteers", problems)
        driver.get(f"{base}/staff/volunteers/VL-2026-000001")
        Select(driver.find_element(By.ID, "status-to")).select_by_value("accepted")
        _click(driver, "set-status")
        seen["volunteer_status"] = driver.find_element(By.ID, "current-status").text
        driver.find_element(By.ID, "notes").send_keys("يشارك في توزيع السلال يوم السبت")
        _click(driver, "save-notes")
        _look(driver, None, "console-volunteer-ar.png", "volunteer", problems)
        driver.get(f"{base}/staff/complaints")
        seen["flag"] = len(driver.find_elements(By.CSS_SELECTOR, "tr.flagged .badge.late"))
        _look(driver, None, "console-complaints-ar.png", "complaints", problems)
        # follow the list's link by its address: get() waits for the page, a click does not
        driver.get(driver.find_element(By.LINK_TEXT, "CP-2026-000001").get_attribute("href"))
        driver.find_element(By.ID, "reply-text").send_keys("نعتذر عن التأخير، راجعنا طلبك اليوم.")
        _click(driver, "send-reply")
        seen["reply_note"] = driver.find_element(By.CSS_SELECTOR, "p.note.ok").text
        _look(driver, None, "console-complaint-ar.png", "complaint", problems)
        driver.get(f"{base}/staff/suggestions?lang=en")
        seen["suggestions_dir"] = driver.find_element(By.TAG_NAME, "html").get_attribute("dir")
        _look(driver, None, "console-suggestions-en.png", "suggestions en", problems)
        driver.get(f"{base}/staff/rights?lang=ar")
        seen["rights_buttons"] = len(driver.find_elements(By.CSS_SELECTOR, "[id^=done-]"))
        _look(driver, None, "console-rights-ar.png", "rights", problems)
        driver.get(f"{base}/staff/audit")
        seen["audit_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "table.list tbody tr"))
        _look(driver, None, "console-audit-ar.png", "audit", problems)
        driver.get(f"{base}/staff/requests/{REFERENCE}")  # the committee decides (part 1)
        driver.find_element(By.NAME, "reason").send_keys("مستوفٍ للشروط")
        _click(driver, "accept")
        driver.get(f"{base}/staff/reports")
        seen["decided"] = driver.find_element(By.ID, "decisions").text
        _shot(driver, "console-reports-ar.png")
        seen["charts"] = _images_loaded(driver) and len(driver.find_elements(
            By.CSS_SELECTOR, ".charts img"))
        _look(driver, None, "console-reports-ar.png", "reports ar", problems)
        driver.get(f"{base}/staff/reports?lang=en")
        _shot(driver, "console-reports-en.png")
        _images_loaded(driver)
        _look(driver, None, "console-reports-en.png", "reports en", problems)
        seen["phone_overflow"] = _overflows_on_phone(driver, f"{base}/staff/complaints?lang=ar")
        _look(driver, None, "console-complaints-phone-ar.png", "complaints phone", problems)
    finally:
        driver.quit()
    return seen


async def test_lists_rights_audit_and_reports_in_chromium(
    app: App, submitted: Convo, base: str, deps: ConsoleDeps, clock: FrozenClock
) -> None:
    now = clock.now()
    async with app.sessions() as session, session.begin():
        for trigger, ratings in (("decision", (5, 4, 4, 2)), ("delivery", (5, 5, 3)),
                                 ("case", (4, 1))):
            for rating in ratings:
                session.add(SatisfactionSurvey(
                    beneficiary_id=1, trigger=trigger, channel="telegram",
                    service_type="food_basket", status="answered", rating=rating,
                    sent_at=now, answered_at=now))
    clock.advance(minutes=10 * 24 * 60)  # the complaint is now older than 7 days
    link = await issue_login_link(deps, telegram_id=ADMIN, base_url=base)
    assert link is not None
    seen = await asyncio.to_thread(_walk, base, link)
    assert seen["axe"] == []  # axe-core: no serious or critical violation on any page
    assert seen["volunteer_status"] == "مقبول"
    assert seen["flag"] == 1 and "الرد في طريقه" in str(seen["reply_note"])
    assert seen["suggestions_dir"] == "ltr"
    assert seen["rights_buttons"] == 1 and seen["audit_rows"] >= 5
    assert "القرارات في الفترة\n1" in str(seen["decided"])
    assert seen["charts"] == 6 and seen["phone_overflow"] is False
    for name in SHOT_NAMES:
        assert (SHOTS / name).stat().st_size > 10_000, name
    told = await heard(app, submitted, "راجعنا طلبك اليوم")
    assert "قُبل طلب تطوعك VL-2026-000001" in told and "راجعنا طلبك اليوم" in told
    async with app.sessions() as session:
        rights = (await session.execute(select(RightsRequest).where(
            RightsRequest.status == "open"))).scalars().all()
    assert len(rights) == 1  # the rights request waits for its reply

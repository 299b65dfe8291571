"""End to end in headless Chromium: a request filed in the chat is found, opened, decided.

Selenium drives Debian's chromium and chromium-driver; the screenshots of the list and a request
page, in Arabic and English (and the list on a phone), are written to docs/screenshots/.
Skipped when chromium is missing, unless GHIMAR_REQUIRE_BROWSER=1.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from app.wiring import App
from bot.clock import FrozenClock
from bot.scheduler.work import Worker
from tests.flows.helpers import OTHER_ID, VALID_ID, submit
from tests.support.convo import Convo
from tests.web.conftest import ADMIN, REFERENCE, heard
from web.auth import issue_login_link
from web.deps import ConsoleDeps

SECOND = "GH-2026-000002"
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif((CHROMIUM is None or DRIVER is None)
                       and os.environ.get("GHIMAR_REQUIRE_BROWSER") != "1",
                       reason="chromium and chromedriver are not installed "
                              "(apt-get install chromium chromium-driver fonts-noto-core)"),
]


def _png() -> bytes:
    """A real image of a scanned document (Latin text: matplotlib does not shape Arabic)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig = plt.figure(figsize=(4, 2.5), dpi=100)
    fig.text(0.5, 0.6, "Family record", ha="center", fontsize=20)
    fig.text(0.5, 0.35, "sample scan for the console test", ha="center", fontsize=10)
    out = io.BytesIO()
    fig.savefig(out, format="png")
    plt.close(fig)
    return out.getvalue()


def _pdf() -> bytes:
    """A small valid one-page PDF."""
    stream = b"BT /F1 24 Tf 72 720 Td (National ID copy - sample) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: Path) -> str:
    """The browser walk runs once, on SQLite (the HTTP tests cover both databases)."""
    target = tmp_path / "ghimar.sqlite3"
    shutil.copy(sqlite_template, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
async def submitted(convo: Convo) -> Convo:
    """The request filed in the chat with a real PDF and a real image."""
    await convo.press("طلب دعم جديد")
    for answer in ("محمد أحمد العتيبي", VALID_ID, "0501234567"):
        await convo.send(answer)
    await convo.press("المقر الرئيسي")
    for answer in ("5", "3000"):
        await convo.send(answer)
    await convo.press("سلة غذائية")
    await convo.send("أسرة من خمسة أفراد بحاجة إلى سلة غذائية شهرية")
    await convo.upload(_pdf(), "application/pdf", "id.pdf")
    await convo.upload(_png(), "image/png", "family.png")
    await convo.press("تأكيد البيانات")
    await convo.press("أقرّ وأتعهد")
    assert REFERENCE in convo.text(await convo.send("محمد أحمد العتيبي"))
    return convo


@pytest.fixture
async def second(app: App, submitted: Convo) -> Convo:
    """A second beneficiary's request, to decide both at once on the committee page."""
    other = Convo(app, "u2")
    await other.send("مرحبا")
    await other.press("أوافق")
    assert SECOND in await submit(other, national_id=OTHER_ID, name="سارة محمد القحطاني")
    return other


def _browser(width: int, height: int):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                f"--window-size={width},{height}", "--lang=ar"):
        options.add_argument(arg)
    return webdriver.Chrome(service=Service(str(DRIVER)), options=options)


def _walk_start() -> tuple[dict[str, object], list[str], Any]:
    """A walk's findings (its axe problems among them) and a desktop-sized browser."""
    problems: list[str] = []
    driver = _browser(1280, 900)
    driver.set_script_timeout(30)
    return {"axe": problems}, problems, driver


def _shot(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    """A full-page screenshot (the window grown to the page's height)."""
    width = driver.execute_script("return window.outerWidth")
    driver.set_window_size(width, 600)
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(width, min(max(height + 140, 600), 4000))
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(SHOTS / name))


def _replaced(old):  # type: ignore[no-untyped-def]
    """A wait condition: the element's page is gone. Chromium reports a node of an unloaded
    page either as stale or as 'does not belong to the document'; both mean replaced."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def check(_driver) -> bool:  # type: ignore[no-untyped-def]
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False
    return check


def _click(driver, element_id: str) -> None:  # type: ignore[no-untyped-def]
    """Press a button or link and wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, element_id).click()
    WebDriverWait(driver, 10).until(_replaced(old))


def _look(driver, url: str | None, shot: str, page: str,  # type: ignore[no-untyped-def]
          problems: list[str]) -> None:
    """Open `url` (None: the page already open), save its screenshot, run axe on it."""
    if url is not None:
        driver.get(url)
    _shot(driver, shot)
    _axe(driver, page, problems)


def _overflows_on_phone(driver, url: str) -> bool:  # type: ignore[no-untyped-def]
    """Open `url` at a phone's size; whether the page is wider than the screen."""
    driver.set_window_size(390, 844)
    driver.get(url)
    return bool(driver.execute_script(
        "return document.documentElement.scrollWidth > window.innerWidth + 1"))


AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"  # MPL-2.0, vendored


def _axe(driver, page: str, problems: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Run axe-core on the page; note its serious and critical violations."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done({passes: r.passes.length,"
        " violations: r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))}))"
        ".catch(e => done({passes: 0, violations: [{id: String(e), impact: 'critical'}]}));")
    if result["passes"] < 10:  # axe did run its rules
        problems.append(f"{page}: axe passed only {result['passes']} rules")
    problems.extend(f"{page}: {v['id']} ({v['impact']}) at {v.get('nodes')}"
                    for v in result["violations"] if v["impact"] in ("serious", "critical"))


def _walk(base: str, link: str) -> dict[str, object]:
    """The staff side, in a real browser (blocking: runs in a thread)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    seen, problems, driver = _walk_start()
    try:
        driver.get(f"{base}/staff/login")
        _axe(driver, "login", problems)
        driver.get(link)
        _axe(driver, "link", problems)
        _click(driver, "continue")
        assert driver.current_url.endswith("/staff/requests")
        html = driver.find_element(By.TAG_NAME, "html")
        seen["dir"] = (html.get_attribute("dir"), html.get_attribute("lang"))
        table = driver.find_element(By.CSS_SELECTOR, "table.list")
        seen["table_direction"] = table.value_of_css_property("direction")
        _look(driver, None, "console-requests-ar.png", "requests ar", problems)
        old = driver.find_element(By.TAG_NAME, "html")
        driver.find_element(By.LINK_TEXT, REFERENCE).click()
        WebDriverWait(driver, 10).until(_replaced(old))
        seen["request_title"] = driver.title
        seen["doc_frames"] = len(driver.find_elements(By.CSS_SELECTOR, ".doc iframe, .doc img"))
        for item in ("document-national_id_copy", "answer-family_size"):  # step 2
            _click(driver, f"check-{item}-verified")
            seen[f"state {item}"] = driver.find_element(By.ID, f"state-{item}").text
        driver.find_element(By.ID, "note-text").send_keys("راجعت صورة الهوية مع الأصل")
        _click(driver, "add-note")
        seen["notes"] = driver.find_element(By.ID, "notes").text
        _look(driver, None, "console-request-ar.png", "request ar", problems)
        _look(driver, f"{base}/staff/requests/{REFERENCE}?lang=en",
              "console-request-en.png", "request en", problems)
        driver.get(f"{base}/staff/requests")  # the language is remembered
        seen["en_dir"] = driver.find_element(By.TAG_NAME, "html").get_attribute("dir")
        _shot(driver, "console-requests-en.png")
        driver.get(f"{base}/staff/requests/{REFERENCE}?lang=ar")
        _click(driver, "reveal")
        seen["revealed"] = driver.find_element(By.ID, "national-id").text
        driver.get(f"{base}/staff/committee")  # step 5: both requests decided at once
        _axe(driver, "committee", problems)
        for reference in (REFERENCE, SECOND):
            driver.find_element(By.ID, f"pick-{reference}").click()
        Select(driver.find_element(By.ID, "bulk-template")).select_by_index(1)
        _shot(driver, "console-committee-ar.png")
        _click(driver, "bulk-accept")
        seen["after_decision"] = driver.find_element(By.ID, "bulk-report").text
        _axe(driver, "committee after deciding", problems)
        seen["phone_overflow"] = _overflows_on_phone(driver, f"{base}/staff/requests")
        _look(driver, None, "console-requests-phone-ar.png", "requests phone", problems)
    finally:
        driver.quit()
    return seen


async def test_a_request_is_found_opened_and_decided_in_chromium(
    app: App, submitted: Convo, second: Convo, base: str, deps: ConsoleDeps,
    clock: FrozenClock
) -> None:
    link = await issue_login_link(deps, telegram_id=ADMIN, base_url=base)
    assert link is not None
    seen = await asyncio.to_thread(_walk, base, link)
    assert seen["axe"] == []  # axe-core: no serious or critical violation on any page
    assert seen["dir"] == ("rtl", "ar") and seen["table_direction"] == "rtl"
    assert seen["en_dir"] == "ltr"
    assert REFERENCE in str(seen["request_title"]) and seen["doc_frames"] == 2
    assert seen["revealed"] == "1000000008"
    assert "سُجّل قراران" in str(seen["after_decision"])
    assert seen["state document-national_id_copy"] == "تم التحقق"
    assert seen["state answer-family_size"] == "تم التحقق"
    assert "راجعت صورة الهوية مع الأصل" in str(seen["notes"])
    assert seen["phone_overflow"] is False
    for name in ("console-requests-ar.png", "console-request-ar.png",
                 "console-requests-en.png", "console-request-en.png", "console-committee-ar.png"):
        assert (SHOTS / name).stat().st_size > 10_000
    # The beneficiary hears the decision on their channel, through the outbox.
    clock.advance(minutes=app.config.decisions.notify_delay_minutes + 1)
    await Worker(app.sessions, app.engine).run_due()
    notice = ""
    for _ in range(50):
        await app.dispatcher.drain_once()
        notice += submitted.text(submitted.new_messages())
        if REFERENCE in notice:
            break
        await asyncio.sleep(0.1)
    assert "قبول طلبك" in notice and REFERENCE in notice
    assert SECOND in await heard(second, SECOND)  # the other one, decided at the same time

"""The page and the API's refusals speak the visitor's conversation's language, not ?lang."""

from __future__ import annotations

import uuid

from tests.channels.webchat.conftest import Visitor


async def test_a_reload_after_switching_to_english_stays_english(consented: Visitor,
                                                                 base: str) -> None:
    assert (await consented.press("nav:lang:en"))[0] == 202
    # The widget's frame always asks for its site's data-lang; the visitor's choice wins.
    for url in ("/chat/?embed=1&lang=ar", "/chat/"):
        async with consented.http.get(base + url) as page:
            html = await page.text()
        assert '<html lang="en" dir="ltr">' in html and "Your message" in html, url
    status, answer = await consented.post(b"{not json")
    assert status == 400 and answer["error"].startswith("Sorry"), answer
    status, answer = await consented.post({"id": uuid.uuid4().hex, "text": "", "lang": "ar"})
    assert status == 400 and answer["error"] == "Please write a message first.", answer


async def test_a_first_visit_takes_the_sites_language(visitor: Visitor, base: str) -> None:
    assert '<html lang="en" dir="ltr">' in await visitor.visit("en")
    assert '<html lang="ar" dir="rtl">' in await visitor.visit("ar")
    async with visitor.http.get(f"{base}/chat/") as page:  # the page's last language
        assert '<html lang="ar" dir="rtl">' in await page.text()


async def test_switching_back_to_arabic_is_followed_too(consented: Visitor) -> None:
    assert (await consented.press("nav:lang:en"))[0] == 202
    assert '<html lang="en"' in await consented.visit("ar")
    assert (await consented.press("nav:lang:ar"))[0] == 202
    assert '<html lang="ar" dir="rtl">' in await consented.visit("en")

"""The staff console on the real runtime: a submitted request, staff in every role, a browser."""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from app.runtime import Runtime
from app.wiring import App
from faq import DEFAULT_FOLDER
from tests.flows.helpers import submit
from tests.support.convo import Convo
from tests.support.serving import running
from web.auth import issue_login_link
from web.deps import DEPS, ConsoleDeps

STAFF_IDS = "9001:officer,9002:researcher,9003:admin"
OFFICER, RESEARCHER, ADMIN = 9001, 9002, 9003
REFERENCE = "GH-2026-000001"


@pytest.fixture
async def submitted(convo: Convo) -> Convo:
    """A beneficiary whose request GH-2026-000001 (a PDF and an image) is with the committee."""
    assert REFERENCE in await submit(convo)
    return convo


@pytest.fixture
async def runtime(app: App, submitted: Convo, monkeypatch: pytest.MonkeyPatch
                  ) -> AsyncIterator[Runtime]:
    """The bot's HTTP server with the console, on a free port."""
    monkeypatch.setenv("TELEGRAM_STAFF_IDS", STAFF_IDS)
    async with running(app, console=True) as rt:
        yield rt


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the knowledge folder, which the bot answers from and the tests (or the
    browser) edit."""
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_FOLDER, target)
    return target


@pytest.fixture
def base(runtime: Runtime) -> str:
    """The console's origin."""
    return f"http://127.0.0.1:{runtime.port}"


@pytest.fixture
def deps(runtime: Runtime) -> ConsoleDeps:
    """The console's collaborators, as the runtime built them."""
    return runtime.web_app[DEPS]


async def follow_link(http: aiohttp.ClientSession, link: str) -> aiohttp.ClientResponse:
    """Open a sign-in link and press its button, as a person does (a GET alone signs nobody in)."""
    async with http.get(link) as page:
        assert page.status == 200
        token = csrf_of(await page.text())
    async with http.post(link, data={"csrf": token}) as resp:
        await resp.read()
        return resp


async def signed_in(deps: ConsoleDeps, base: str, telegram_id: int) -> aiohttp.ClientSession:
    """A browser-like client signed in through a one-time link."""
    link = await issue_login_link(deps, telegram_id=telegram_id, base_url=base)
    assert link is not None
    http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
    resp = await follow_link(http, link)
    assert resp.status == 200 and resp.url.path == "/staff/requests"
    return http


async def page_token(http: aiohttp.ClientSession, url: str) -> str:
    """Open a page; the CSRF token of its first form (as a browser has it)."""
    async with http.get(url) as resp:
        return csrf_of(await resp.text())


async def mark(http: aiohttp.ClientSession, page: str, item: str, state: str,
               token: str | None) -> tuple[int, str]:
    """Post one checklist item's state on a request's page (`token` None: without the CSRF
    token); the answer's status and HTML."""
    data = {"item": item, "state": state, **({"csrf": token} if token else {})}
    async with http.post(page + "/verify", data=data) as resp:
        return resp.status, await resp.text()


def csrf_of(html: str) -> str:
    """The CSRF token of the first form in a page."""
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


async def heard(convo: Convo, expected: str, replies: list | None = None) -> str:  # type: ignore[type-arg]
    """The beneficiary's new messages (and `replies`) once `expected` is among them: the running
    server's own dispatcher may be the one delivering, a moment later."""
    text = convo.text(replies or [])
    for _ in range(50):
        await convo.app.dispatcher.drain_once()
        text += "\n" + convo.text(convo.new_messages())
        if expected in text:
            break
        await asyncio.sleep(0.1)
    return text

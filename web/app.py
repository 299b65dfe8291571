"""The console's aiohttp sub-application: the session and CSRF gate, sign-in and sign-out."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from web import (
    audit,
    auth,
    cases,
    committee,
    conversations,
    decisions,
    feedback,
    knowledge,
    live,
    notes,
    reports,
    rights,
    verify,
    views,
    volunteers,
)
from web.deps import DEPS, STAFF, ConsoleDeps, deps_of
from web.errors import error_pages
from web.render import HERE, SECURITY_HEADERS, page

COOKIE = "staff_session"
LOGIN_CSRF = "staff_login_csrf"
OPEN_PATHS = ("/staff/login", "/staff/static/")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def gate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """No page without a live session; every form post carries the session's CSRF token."""
    deps = deps_of(request)
    if request.path.startswith(OPEN_PATHS):
        return await handler(request)
    staff = await auth.current_session(deps, request.cookies.get(COOKIE))
    if staff is None:
        if request.method == "GET":
            raise web.HTTPSeeOther("/staff/login")
        raise web.HTTPForbidden(text="errors-sign-in-first", headers=SECURITY_HEADERS)
    request[STAFF] = staff
    if request.method == "POST":
        form = await request.post()
        given = str(form.get("csrf", ""))
        if not hmac.compare_digest(given.encode(), staff.csrf.encode()):
            raise web.HTTPForbidden(text="errors-csrf", headers=SECURITY_HEADERS)
    return await handler(request)


def _signed_in(deps: ConsoleDeps, token: str) -> web.HTTPSeeOther:
    response = web.HTTPSeeOther("/staff/requests")
    response.set_cookie(COOKIE, token, httponly=True, secure=deps.secure_cookies,
                        samesite="Strict", path="/staff")
    response.del_cookie(LOGIN_CSRF, path="/staff")
    return response


async def login_form(request: web.Request, *, status: int = 200,
                     error: str | None = None) -> web.Response:
    """The sign-in page: how to get a link from the bot, and the password form."""
    token = secrets.token_urlsafe(24)
    response = page(request, deps_of(request), "login.html", status=status, error=error,
                     login_csrf=token)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, secure=deps_of(request).secure_cookies,
                        samesite="Strict", path="/staff")
    return response


async def _check_login_csrf(request: web.Request) -> Any:
    """Before a session exists: the form's token must match the sign-in page's cookie."""
    form = await request.post()
    cookie = request.cookies.get(LOGIN_CSRF, "")
    if not cookie or not hmac.compare_digest(str(form.get("csrf", "")).encode(), cookie.encode()):
        raise web.HTTPForbidden(text="errors-csrf", headers=SECURITY_HEADERS)
    return form


async def login_post(request: web.Request) -> web.StreamResponse:
    """A password sign-in (double-submit CSRF token before any session exists)."""
    deps = deps_of(request)
    form = await _check_login_csrf(request)
    result = await auth.password_sign_in(deps, username=str(form.get("username", "")).strip(),
                                         password=str(form.get("password", "")))
    if result.token is None:
        key = "console-login-locked" if result.reason == "locked" else "console-login-bad"
        return await login_form(request, status=401, error=key)
    raise _signed_in(deps, result.token)


async def login_link(request: web.Request) -> web.Response:
    """A one-time link from the bot: a page whose button signs in (link previews fetch the GET)."""
    token = secrets.token_urlsafe(24)
    deps = deps_of(request)
    response = page(request, deps, "link.html", login_csrf=token, action=request.path)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, secure=deps.secure_cookies,
                        samesite="Strict", path="/staff")
    return response


async def login_link_post(request: web.Request) -> web.StreamResponse:
    """Use a one-time link: open a session, or say the link is no longer valid."""
    deps = deps_of(request)
    await _check_login_csrf(request)
    result = await auth.link_sign_in(deps, token=request.match_info["token"])
    if result.token is None:
        return await login_form(request, status=401, error="console-link-expired")
    raise _signed_in(deps, result.token)


async def logout(request: web.Request) -> web.StreamResponse:
    """End the session."""
    await auth.sign_out(deps_of(request), request[STAFF])
    response = web.HTTPSeeOther("/staff/login")
    response.del_cookie(COOKIE, path="/staff")
    raise response


async def home(request: web.Request) -> web.StreamResponse:
    """The console's start page is the requests list."""
    raise web.HTTPSeeOther("/staff/requests")


def register(web_app: web.Application, deps: ConsoleDeps) -> None:
    """Mount the console under /staff/ on the bot's HTTP server."""
    console = web.Application(middlewares=[error_pages, gate])
    console[DEPS] = deps
    console.router.add_get("/", home)
    console.router.add_get("/login", login_form)
    console.router.add_post("/login", login_post)
    console.router.add_get("/login/{token}", login_link)
    console.router.add_post("/login/{token}", login_link_post)
    console.router.add_post("/logout", logout)
    console.router.add_static("/static/", HERE / "static")
    views.add_routes(console.router)
    committee.add_routes(console.router)
    conversations.add_routes(console.router)
    live.setup(console)
    knowledge.add_routes(console.router)
    for pages in (volunteers, feedback, rights, reports, audit):  # part 2's lists and reports
        pages.add_routes(console.router)
    notes.add_routes(console.router)
    verify.add_routes(console.router)
    decisions.add_routes(console.router)
    cases.add_routes(console.router)
    web_app.add_subapp("/staff/", console)
    web_app[DEPS] = deps  # what the console was given, for the runtime's tests and tools

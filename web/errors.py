"""The console's errors as small pages in the staff member's language, never bare text.

A handler raises an aiohttp HTTP error whose text is a message id of
`locales/*/console_errors.ftl` (`raise web.HTTPNotFound(text="errors-no-request")`); the
`error_pages` middleware renders it with the same status. Any other plain-text error (aiohttp's
own 404 or 405, an older bare text) gets the page of its status."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from web.deps import deps_of
from web.render import language, page

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
HEADINGS = (400, 403, 404, 409)  # statuses with their own heading; the rest say "error"
KEEP_HEADERS = ("Allow", "Retry-After")


def error_page(request: web.Request, status: int, key: str | None) -> web.Response:
    """A small page: the status's heading, the message `key` (or the status's), a way back."""
    deps = deps_of(request)
    heading = f"errors-status-{status if status in HEADINGS else 'other'}"
    if key is None or not key.startswith("errors-") or not deps.services.catalog.has(
            language(request), key):
        key = f"{heading}-hint"
    return page(request, deps, "error.html", status=status, heading=heading, key=key)


@web.middleware
async def error_pages(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Render the console's plain-text HTTP errors (4xx, 5xx) as pages."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type != "text/plain":
            raise
        response = error_page(request, exc.status, exc.text)
        for name in KEEP_HEADERS:
            if name in exc.headers:
                response.headers[name] = exc.headers[name]
        return response

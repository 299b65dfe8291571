"""`POST /api/decisions`: committee outcomes from other systems (bearer token, idempotent).

Body: one decision object, or {"decisions": [...]}, with the CSV's fields: reference,
decision (accepted/rejected/قبول/رفض), reason, decided_on, and optional service, amount.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from dataclasses import asdict

from aiohttp import web

from app.wiring import App
from bot.jsonbody import BadBody, parse_json_body
from bot.services.decision_import import import_decisions

log = logging.getLogger(__name__)
MAX_ITEMS = 1000
TEXT_FIELDS = ("reference", "decision", "reason", "decided_on", "service")


def _wrong_types(items: list[dict[str, object]]) -> str | None:
    """Which field of which decision has a value of the wrong JSON type, if any."""
    for number, item in enumerate(items, start=1):
        for name in TEXT_FIELDS:
            if not isinstance(item.get(name), str | None):
                return f"decision {number}: {name} must be a string"
        amount = item.get("amount")
        if isinstance(amount, bool) or not isinstance(amount, str | int | None):
            return f"decision {number}: amount must be a whole number or a string"
    return None


def register(app: App, web_app: web.Application,
             on_recorded: Callable[[], None] | None = None) -> None:
    """Add the route when GHIMAR_API_TOKEN is set (otherwise the API stays closed)."""
    token = app.settings.api_token
    if token is None:
        return
    expected = f"Bearer {token.get_secret_value()}".encode()

    async def post(request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("decisions API: refused a request without the right token")
            return web.json_response({"error": "unauthorized"}, status=401)
        try:
            body = parse_json_body(await request.read())
        except BadBody as exc:
            log.warning("decisions API: body refused: %s", exc)
            return web.json_response({"error": "body must be JSON"}, status=400)
        items = body.get("decisions") if isinstance(body, dict) and "decisions" in body else [body]
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            return web.json_response({"error": "expected an object or {decisions: [...]}"},
                                     status=400)
        if len(items) > MAX_ITEMS:
            return web.json_response({"error": f"at most {MAX_ITEMS} decisions"}, status=413)
        wrong = _wrong_types(items)
        if wrong:
            log.warning("decisions API: body refused: %s", wrong)
            return web.json_response({"error": wrong}, status=400)
        results = await import_decisions(app.sessions, app.config, app.services.clock,
                                         list(enumerate(items, start=1)), actor="api",
                                         on_recorded=on_recorded)
        status = 200 if all(r.outcome != "error" for r in results) else 207
        return web.json_response({"results": [asdict(r) for r in results]}, status=status)

    web_app.router.add_post("/api/decisions", post)

"""Rendering: the Jinja2 environment, texts from the Fluent catalog, Riyadh and Hijri dates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape

from bot.services.hijri import from_gregorian
from web.deps import STAFF, ConsoleDeps

HERE = Path(__file__).resolve().parent
MAX_NOTE = 2000  # characters in any staff note field (the server refuses more, politely)
LANGS = ("ar", "en")
ENV = Environment(loader=FileSystemLoader(HERE / "templates"),
                  autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
ENV.globals["max_note"] = MAX_NOTE  # each note field's maxlength
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; "
                               "frame-ancestors 'self'; form-action 'self'",
}


def language(request: web.Request) -> str:
    """The page language: ?lang=, else the cookie, else Arabic."""
    lang = request.query.get("lang") or request.cookies.get("staff_lang") or "ar"
    return lang if lang in LANGS else "ar"


def local_date(deps: ConsoleDeps, moment: dt.datetime | None, lang: str, *,
               with_time: bool = True) -> str:
    """A moment in Riyadh time, Gregorian then Hijri: 2026-11-22 10:00 · 1448-06-02 هـ."""
    if moment is None:
        return "—"
    local = moment.astimezone(deps.config.tz)
    text = local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    hijri = from_gregorian(local.date())
    if hijri is None:
        return text
    mark = "هـ" if lang == "ar" else "AH"
    return f"{text} · {hijri[0]:04d}-{hijri[1]:02d}-{hijri[2]:02d} {mark}"


def text_of(request: web.Request, deps: ConsoleDeps) -> Callable[..., str]:
    """The catalogue's texts in the request's language."""
    lang, catalog = language(request), deps.services.catalog
    return lambda key, **args: catalog.t(lang, key, **args)


def context(request: web.Request, deps: ConsoleDeps) -> dict[str, Any]:
    """What every template gets: texts, language and direction, the staff member, dates."""
    lang = language(request)
    t = text_of(request, deps)

    def actor(who: str) -> str:
        """Who changed a status, in words: the beneficiary, the CLI, the API, the minutes."""
        kind, _, rest = who.partition(":")
        if kind in ("beneficiary", "cli", "api", "csv"):
            return t(f"console-actor-{kind}") + (f" ({rest})" if kind == "csv" else "")
        return rest if kind in ("console", "staff") and rest else who

    staff = request.get(STAFF)
    return {"t": t, "actor": actor, "lang": lang, "dir": "rtl" if lang == "ar" else "ltr",
            "staff": staff, "path": request.path_qs,
            "date": lambda moment, with_time=True: local_date(deps, moment, lang,
                                                              with_time=with_time)}


def fragment(request: web.Request, deps: ConsoleDeps, template: str, **values: Any) -> str:
    """A piece of a page (a live update), rendered with the common context."""
    return ENV.get_template(template).render(**context(request, deps), **values)


def page(request: web.Request, deps: ConsoleDeps, template: str, *, status: int = 200,
         **values: Any) -> web.Response:
    """Render a template in the request's language with the console's common context."""
    common = context(request, deps)
    staff = common["staff"]
    html = ENV.get_template(template).render(
        csrf=staff.csrf if staff is not None else values.pop("login_csrf", ""),
        **common, **values)
    response = web.Response(text=html, content_type="text/html", status=status,
                            headers=SECURITY_HEADERS)
    if "lang" in request.query and request.query["lang"] in LANGS:
        response.set_cookie("staff_lang", common["lang"], max_age=365 * 86400, httponly=True,
                            samesite="Lax", path="/staff")
    return response

"""The chat page (/chat/), the embeddable widget script and their static files."""

from __future__ import annotations

import html
import json
from pathlib import Path
from string import Template

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import WebChatConfig
from bot.i18n import LANGUAGES, Catalog
from handlers.webchat.guard import own_origin
from handlers.webchat.language import stored_language
from handlers.webchat.visitor import new_visitor, remember, visitor_of

STATIC = Path(__file__).resolve().parent / "static"
_TYPES = {".css": "text/css", ".js": "text/javascript"}
LANG_COOKIE = "ghimar_chat_lang"
# Texts the page's script shows (the rest are in the HTML it is served with).
SCRIPT_TEXTS = ("webchat-you", "webchat-bot", "webchat-choices", "webchat-download",
                "webchat-connecting", "webchat-connected", "webchat-reconnecting",
                "webchat-sending", "webchat-send-failed", "webchat-err-bad-request")
WIDGET_TEXTS = ("webchat-launcher", "webchat-close", "webchat-title")


def csp(config: WebChatConfig) -> str:
    """The page's Content-Security-Policy: its own scripts and styles, framed by allowed pages."""
    ancestors = " ".join(["'self'", *config.allowed_origins])
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; form-action 'none'; base-uri 'none'; "
            f"frame-ancestors {ancestors}")


class Pages:
    """GET /chat/, /chat/widget.js, /chat/widget/check and /chat/static/<file>."""

    def __init__(self, config: WebChatConfig, catalog: Catalog, default_language: str,
                 sessions: async_sessionmaker[AsyncSession]) -> None:
        self.config, self.catalog, self.default_language = config, catalog, default_language
        self.sessions = sessions
        self._page = Template((STATIC / "chat.html").read_text(encoding="utf-8"))
        self._widget = (STATIC / "widget.js").read_text(encoding="utf-8")
        self._files = {p.name: p.read_bytes() for p in STATIC.iterdir()
                       if p.suffix in _TYPES and p.name != "widget.js"}

    def register(self, web_app: web.Application) -> None:
        """Add the page's routes."""
        router = web_app.router
        router.add_get("/chat", self.to_page)
        router.add_get("/chat/", self.page)
        router.add_get("/chat/widget.js", self.widget)
        router.add_get("/chat/widget/check", self.check)
        router.add_get("/chat/static/{name}", self.static)

    async def language(self, request: web.Request) -> str:
        """The language of the visitor's conversation; before their first turn ?lang= (the
        embedding site's data-lang), else the page's last language, else the default."""
        stored = await stored_language(self.sessions, visitor_of(request))
        for lang in (stored, request.query.get("lang"), request.cookies.get(LANG_COOKIE)):
            if lang in LANGUAGES:
                return str(lang)
        return self.default_language

    async def to_page(self, request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently("/chat/")

    async def page(self, request: web.Request) -> web.Response:
        """The full-page chat (also the widget's frame with ?embed=1); issues the cookie."""
        lang = await self.language(request)
        t = self.catalog.t
        other = "en" if lang == "ar" else "ar"
        strings = {key.removeprefix("webchat-"): t(lang, key) for key in SCRIPT_TEXTS}
        values = {name.replace("-", "_"): html.escape(t(lang, f"webchat-{name}")) for name in (
            "title", "subtitle", "close", "messages", "input-label", "placeholder", "send",
            "attach", "switch-lang", "switch-lang-label", "connecting")}
        embed = request.query.get("embed") == "1"
        body = self._page.substitute(
            values, lang=lang, dir="rtl" if lang == "ar" else "ltr", other=other,
            mode="embed" if embed else "full", max_chars=self.config.max_text_chars,
            strings=html.escape(json.dumps(strings, ensure_ascii=False)))
        response = web.Response(text=body, content_type="text/html", headers={
            "Content-Security-Policy": csp(self.config), "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})
        remember(response, request, visitor_of(request) or new_visitor(), self.config)
        if request.cookies.get(LANG_COOKIE) != lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=self.config.cookie_days * 86400,
                                path="/chat/", httponly=True,
                                samesite=self.config.cookie_samesite,
                                secure=request.secure or self.config.cookie_samesite == "None")
        return response

    async def widget(self, request: web.Request) -> web.Response:
        """The one-line embed: a launcher in a shadow root opening the chat in a frame."""
        texts = {lang: {key.removeprefix("webchat-"): self.catalog.t(lang, key)
                        for key in WIDGET_TEXTS} for lang in LANGUAGES}
        body = self._widget.replace("__TEXTS__", json.dumps(texts, ensure_ascii=False))
        return web.Response(text=body, content_type="text/javascript", headers={
            "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})

    async def check(self, request: web.Request) -> web.Response:
        """`{"allowed": …}`: may the page the widget runs on frame the chat? Readable from any
        origin (CORS *, no cookie), so that a site left out of `web.allowed_origins` shows no
        launcher to a frame the browser would block."""
        origin = request.headers.get("Origin")
        allowed = (origin is None or origin == own_origin(request)
                   or origin in self.config.allowed_origins)
        return web.json_response({"allowed": allowed}, headers={
            "Access-Control-Allow-Origin": "*", "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff"})

    async def static(self, request: web.Request) -> web.Response:
        """The page's own CSS and script (a fixed list: no path from the request is opened)."""
        name = request.match_info["name"]
        content = self._files.get(name)
        if content is None:
            raise web.HTTPNotFound()
        return web.Response(body=content, content_type=_TYPES[Path(name).suffix], headers={
            "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})

"""POST /chat/api/messages (a text or a pressed button), POST /chat/api/files (a document),
GET /chat/api/files/<id> (a document the bot sent).

Every request passes the origin check and the per-visitor and per-IP limits first; a body
that is not what the page sends gets a 400 with a polite sentence in the visitor's language,
never a 5xx. The turn is committed before the answer: a page that does not hear back sends
the same message id again, and the engine recognises it.
"""

from __future__ import annotations

import logging
import mimetypes
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.config import AppConfig
from bot.db import transaction
from bot.i18n import LANGUAGES, Catalog
from bot.messages import Inbound
from bot.repo import chatlog
from bot.uploads import shown_name
from handlers.base import ChannelCore
from handlers.webchat.bodies import MESSAGE_ID, Refused, parse_message, read_form, read_json
from handlers.webchat.guard import Guard
from handlers.webchat.hub import Hub
from handlers.webchat.language import stored_language
from handlers.webchat.page import LANG_COOKIE
from handlers.webchat.render import CHANNEL, appended_event
from handlers.webchat.visitor import visitor_of

log = logging.getLogger(__name__)


class ChatApi:
    """The visitor's side of the conversation over HTTP."""

    def __init__(self, core: ChannelCore, guard: Guard, hub: Hub) -> None:
        self.core, self.guard, self.hub = core, guard, hub
        self.config: AppConfig = core.config
        self.catalog: Catalog = core.services.catalog

    def register(self, web_app: web.Application) -> None:
        """Add the API's routes."""
        router = web_app.router
        router.add_post("/chat/api/messages", self.message)
        router.add_post("/chat/api/files", self.upload)
        router.add_get(r"/chat/api/files/{entry:\d{1,18}}", self.download)

    def language(self, request: web.Request, asked: str | None = None) -> str:
        """The visitor's language for a refusal."""
        for lang in (asked, request.query.get("lang"), request.cookies.get(LANG_COOKIE)):
            if lang in LANGUAGES:
                return str(lang)
        return self.config.default_language

    async def refusal(self, request: web.Request, refused: Refused, lang: str | None = None
                      ) -> web.Response:
        """A JSON answer `{"error": <polite sentence>}` with the refusal's status, in the
        language of the visitor's conversation (not read for a flood or a foreign page)."""
        if refused.status not in (403, 429):
            lang = await stored_language(self.core.sessions, visitor_of(request)) or lang
        text = self.catalog.t(self.language(request, lang), refused.key, **refused.args_)
        return web.json_response({"error": text}, status=refused.status,
                                 headers={"Cache-Control": "no-store"})

    def admitted(self, request: web.Request, *, post: bool) -> str:
        """The visitor of a request that may go on; Refused otherwise."""
        if not self.guard.origin_ok(request, required=post):
            log.warning("web chat request from a foreign origin refused")
            raise Refused(403, "webchat-err-origin")
        visitor = visitor_of(request)
        if not self.guard.admit(visitor, request.remote):
            raise Refused(429, "webchat-err-too-many")
        if visitor is None:
            raise Refused(401, "webchat-err-no-visitor")
        return visitor

    async def message(self, request: web.Request) -> web.Response:
        """A typed text or a pressed button: logged for the visitor's pages, then the turn."""
        body: Any = None
        try:
            visitor = self.admitted(request, post=True)
            body = await read_json(request)
            posted = parse_message(body, self.config.web.max_text_chars)
        except Refused as refused:
            lang = body.get("lang") if isinstance(body, dict) else None
            return await self.refusal(request, refused, lang if isinstance(lang, str) else None)
        shown: dict[str, Any] = {"text": posted.text if posted.text is not None
                                 else posted.label or ""}
        inbound = Inbound(CHANNEL, visitor, f"{visitor}:{posted.message_id}", text=posted.text,
                          payload=posted.payload, locale=posted.lang)
        return await self._turn(request, inbound, shown, posted.lang, visible=bool(shown["text"]))

    async def upload(self, request: web.Request) -> web.Response:
        """A document (multipart: `id`, `lang`, `file`), read within the upload limit."""
        try:
            visitor = self.admitted(request, post=True)
            fields, attachment = await read_form(request, self.config.limits.max_upload_bytes)
        except Refused as refused:
            return await self.refusal(request, refused)
        message_id, lang = fields.get("id", ""), fields.get("lang")
        if not MESSAGE_ID.fullmatch(message_id) or attachment is None:
            return await self.refusal(request, Refused(400, "webchat-err-bad-request"), lang)
        inbound = Inbound(CHANNEL, visitor, f"{visitor}:{message_id}", attachment=attachment,
                          locale=lang if lang in LANGUAGES else None)
        shown = {"text": "", "file_name": attachment.file_name}
        return await self._turn(request, inbound, shown, lang, visible=True)

    async def download(self, request: web.Request) -> web.StreamResponse:
        """A document the bot sent to this visitor (404 for any other visitor's)."""
        try:
            visitor = self.admitted(request, post=False)
        except Refused as refused:
            return await self.refusal(request, refused)
        async with self.core.sessions() as session:
            entry = await chatlog.entry(session, channel=CHANNEL, address=visitor,
                                        entry_id=int(request.match_info["entry"]))
        key = (entry.payload or {}).get("file_key") if entry is not None else None
        if entry is None or not key:
            raise web.HTTPNotFound()
        try:
            content = self.core.services.documents.get(str(key))
        except Exception:  # removed by retention, or unreadable: as if it never existed
            raise web.HTTPNotFound() from None
        name = shown_name(entry.payload.get("file_name"), "document.pdf")
        mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return web.Response(body=content, content_type=mime, headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name, safe='')}",
            "X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"})

    async def _turn(self, request: web.Request, inbound: Inbound, shown: dict[str, Any],
                    lang: str | None, *, visible: bool) -> web.Response:
        """Log what the visitor sent (every tab shows it), then run and commit the turn."""
        try:
            if visible:
                async with transaction(self.core.sessions) as session:
                    ids = await chatlog.append(
                        session, channel=CHANNEL, address=inbound.user_id, direction="in",
                        dedupe_key=f"in:{inbound.message_id}", payload=shown,
                        now=self.core.services.clock.now())
                if ids is not None:  # a message sent again is logged and shown once
                    self.hub.appended(inbound.user_id,
                                      appended_event(ids, direction="in", payload=shown))
            result = await self.core.engine.handle(inbound)
        except Exception:
            log.exception("web chat turn failed; the page will send it again")
            return await self.refusal(request, Refused(503, "webchat-err-busy"), lang)
        return web.json_response({"ok": True, "duplicate": result.duplicate}, status=202,
                                 headers={"Cache-Control": "no-store"})

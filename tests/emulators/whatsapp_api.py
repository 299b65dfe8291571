"""WhatsApp Cloud API (Graph) emulator on 127.0.0.1, plus the Meta side of the webhook."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
import phonenumbers
from aiohttp import web

from .common import CallLog, RecordedCall, ServerMixin, UploadedFile
from .whatsapp_builders import new_wamid
from .whatsapp_rules import GraphError, missing_object, normalize_wa_id, validate_message
from .whatsapp_webhook import WhatsAppWebhook

WINDOW_SECONDS = 24 * 3600
ASYNC_CODES = frozenset({131026, 131047})


@dataclass
class StoredMedia:
    """An uploaded or injected media object."""

    media_id: str
    content: bytes
    mime_type: str
    filename: str | None = None

    def info(self, base_url: str) -> dict[str, Any]:
        """GET /{version}/{media_id} answer."""
        return {
            "messaging_product": "whatsapp",
            "url": f"{base_url}/media-download/{self.media_id}",
            "mime_type": self.mime_type,
            "sha256": hashlib.sha256(self.content).hexdigest(),
            "file_size": len(self.content),
            "id": self.media_id,
        }


@dataclass
class WaFault:
    """A queued failure for the next `count` sends (to one recipient when `to` is set)."""

    code: int
    count: int
    to: str | None
    details: str | None
    status: int | None


class WhatsAppEmulator(WhatsAppWebhook, ServerMixin):
    """Fake graph.facebook.com for one phone number: `async with WhatsAppEmulator(...) as wa:`."""

    def __init__(
        self,
        access_token: str = "EAAG-test-access-token",
        phone_number_id: str = "106540352242922",
        app_secret: str = "test-app-secret",
        api_version: str = "v21.0",
        *,
        display_phone_number: str = "15550001234",
        waba_id: str = "102290129340398",
        verified_name: str = "Ghimar Youth Association",
        now: Callable[[], float] = time.time,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_url: str | None = None,
        verify_token: str | None = None,
        enforce_window: bool = True,
        async_errors: bool = False,
    ) -> None:
        """`now` is the unix-time clock of the 24 h window; async_errors: see fail_next."""
        self.access_token, self.phone_number_id = access_token, phone_number_id
        self.app_secret, self.api_version = app_secret, api_version
        self.display_phone_number, self.waba_id = display_phone_number, waba_id
        self.verified_name, self.quality_rating = verified_name, "GREEN"
        self.now = now
        self.host, self.port = host, port
        self.webhook_url, self.verify_token = webhook_url, verify_token
        self.enforce_window, self.async_errors = enforce_window, async_errors
        self.log = CallLog()
        self.media: dict[str, StoredMedia] = {}
        self.sent: dict[str, dict[str, Any]] = {}
        self.last_inbound: dict[str, float] = {}
        self.templates: dict[tuple[str, str], int] | None = None
        self.template_buttons: dict[tuple[str, str], int] = {}
        self.faults: list[WaFault] = []
        self.pending_statuses: list[dict[str, Any]] = []
        self.read_receipts: list[str] = []
        self._media_seq = 880000000000000
        self._http: aiohttp.ClientSession | None = None

    # ----- server --------------------------------------------------------------------------
    def build_app(self) -> web.Application:
        """Graph routes plus the media download route."""
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_post("/{version:v[0-9]+\\.[0-9]+}/{phone_id}/messages", self._messages)
        app.router.add_post("/{version:v[0-9]+\\.[0-9]+}/{phone_id}/media", self._upload)
        app.router.add_get("/media-download/{media_id}", self._download)
        app.router.add_get("/{version:v[0-9]+\\.[0-9]+}/{media_id}", self._media_info)
        app.router.add_delete("/{version:v[0-9]+\\.[0-9]+}/{media_id}", self._media_delete)
        return app

    async def before_stop(self) -> None:
        """Close the webhook client session."""
        if self._http is not None:
            await self._http.close()
            self._http = None

    @property
    def calls(self) -> list[RecordedCall]:
        """Every request received, in order (method = 'messages', 'media', 'media_get', ...)."""
        return self.log.calls

    def _auth(self, request: web.Request) -> None:
        """Bearer token check (401 + Graph code 190 on failure)."""
        header = request.headers.get("Authorization", "")
        if header != f"Bearer {self.access_token}":
            raise GraphError(190, subcode=None if header else 2500)

    def _check_phone(self, request: web.Request) -> None:
        """Unknown phone_number_id answers like Graph does for a missing object."""
        phone_id = request.match_info["phone_id"]
        if phone_id != self.phone_number_id:
            raise missing_object("post", phone_id)

    async def _run(
        self,
        request: web.Request,
        kind: str,
        handler: Callable[..., Any],
        body: Any = None,
        files: dict[str, UploadedFile] | None = None,
    ) -> web.Response:
        """Call a handler, turn GraphError into its answer, and record the call."""
        started = self.now()
        try:
            self._auth(request)
            status, answer = 200, await handler()
        except GraphError as exc:
            status, answer = exc.status, exc.payload()
        params = body if isinstance(body, dict) else {"raw": body}
        self.log.add(
            RecordedCall(kind, params, started, files or {}, status, answer, request.path)
        )
        if isinstance(answer, web.Response):
            return answer
        return web.json_response(answer, status=status)

    async def _messages(self, request: web.Request) -> web.Response:
        """POST /{version}/{phone_number_id}/messages."""
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")

        async def handle() -> dict[str, Any]:
            self._check_phone(request)
            return self._send(body)

        return await self._run(request, "messages", handle, body)

    def _send(self, body: Any) -> dict[str, Any]:
        """Validate, apply faults and the 24 h window, then accept a message."""
        kind = validate_message(body, self.media, self.templates, self.template_buttons)
        if kind == "read":
            self.read_receipts.append(str(body["message_id"]))
            return {"success": True}
        to = str(body["to"])
        wa_id = normalize_wa_id(to)
        wamid = new_wamid()
        error = self._take_fault(wa_id)
        if error is None and kind != "template" and self.enforce_window:
            last = self.last_inbound.get(wa_id)
            if last is None or self.now() - last > WINDOW_SECONDS:
                error = GraphError(131047)
        if error is not None:
            if not (self.async_errors and error.code in ASYNC_CODES):
                raise error
            self.pending_statuses.append(
                self.status_update(wamid, "failed", wa_id, [error.status_error()])
            )
        category = "service" if kind != "template" else "utility"
        self.sent[wamid] = {
            "wa_id": wa_id,
            "type": kind,
            "body": body,
            "category": category,
            "ok": error is None,
        }
        message: dict[str, Any] = {"id": wamid}
        if kind == "template":
            message["message_status"] = "accepted"
        return {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": wa_id}],
            "messages": [message],
        }

    async def _upload(self, request: web.Request) -> web.Response:
        """POST /{version}/{phone_number_id}/media (multipart: messaging_product, type, file)."""
        fields: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        if request.content_type == "multipart/form-data":
            for key, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    files[key] = UploadedFile(
                        key, value.filename, value.file.read(), value.content_type
                    )
                else:
                    fields[key] = value

        async def handle() -> dict[str, Any]:
            self._check_phone(request)
            if fields.get("messaging_product") != "whatsapp":
                raise GraphError(
                    100, message="(#100) The parameter messaging_product is required."
                )
            upload = files.get("file")
            if upload is None:
                raise GraphError(100, message="(#100) The parameter file is required.")
            mime = str(fields.get("type") or upload.content_type or "application/octet-stream")
            return {"id": self.register_media(upload.content, mime, upload.filename)}

        return await self._run(request, "media", handle, fields, files)

    async def _media_info(self, request: web.Request) -> web.Response:
        """GET /{version}/{media_id}, or the phone number's node when the id is the number's."""
        media_id = request.match_info["media_id"]

        async def handle() -> dict[str, Any]:
            if media_id == self.phone_number_id:
                return self.phone_number_node(request.query.get("fields"))
            return self._media_or_error(media_id).info(self.base_url)

        return await self._run(request, "media_get", handle, {"media_id": media_id})

    def phone_number_node(self, fields: str | None = None) -> dict[str, Any]:
        """GET /{version}/{phone_number_id}: the WhatsApp Business phone number node.

        Without `fields` Graph returns its default fields; with them, those plus `id`.
        """
        parsed = phonenumbers.parse(f"+{self.display_phone_number}")
        node: dict[str, Any] = {
            "verified_name": self.verified_name,
            "code_verification_status": "VERIFIED",
            "display_phone_number": phonenumbers.format_number(
                parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL),
            "quality_rating": self.quality_rating,
            "platform_type": "CLOUD_API",
            "throughput": {"level": "STANDARD"},
            "id": self.phone_number_id,
        }
        if fields:
            wanted = {f.strip() for f in fields.split(",")} | {"id"}
            node = {k: v for k, v in node.items() if k in wanted}
        return node

    async def _media_delete(self, request: web.Request) -> web.Response:
        """DELETE /{version}/{media_id}."""
        media_id = request.match_info["media_id"]

        async def handle() -> dict[str, Any]:
            self._media_or_error(media_id)
            del self.media[media_id]
            return {"success": True}

        return await self._run(request, "media_delete", handle, {"media_id": media_id})

    async def _download(self, request: web.Request) -> web.Response:
        """GET /media-download/{media_id}: the bytes (bearer token required, like lookaside)."""
        media_id = request.match_info["media_id"]

        async def handle() -> web.Response:
            media = self._media_or_error(media_id)
            return web.Response(body=media.content, content_type=media.mime_type)

        return await self._run(request, "download", handle, {"media_id": media_id})

    def _media_or_error(self, media_id: str) -> StoredMedia:
        """Stored media or the Graph 'object does not exist' error."""
        media = self.media.get(media_id)
        if media is None:
            raise missing_object("get", media_id)
        return media

    # ----- test controls -------------------------------------------------------------------
    def register_media(self, content: bytes, mime_type: str, filename: str | None = None) -> str:
        """Store bytes as media and return the new media id."""
        self._media_seq += 1
        media_id = str(self._media_seq)
        self.media[media_id] = StoredMedia(media_id, content, mime_type, filename)
        return media_id

    def register_template(
        self, name: str, language: str, body_params: int = 0, quick_replies: int = 0
    ) -> None:
        """Declare an approved template; once any is declared, unknown ones answer 132001.

        `quick_replies`: how many quick-reply buttons it has (a button component with an index
        beyond them answers 131009).
        """
        if self.templates is None:
            self.templates = {}
        self.templates[(name, language)] = body_params
        self.template_buttons[(name, language)] = quick_replies

    def set_last_inbound(self, wa_id: str, when: float | None = None) -> None:
        """Open (or age) the 24 h window: last user message time for wa_id (default: now)."""
        self.last_inbound[normalize_wa_id(wa_id)] = self.now() if when is None else when

    def fail_next(
        self,
        error_code: int,
        count: int = 1,
        to: str | None = None,
        details: str | None = None,
        http_status: int | None = None,
    ) -> None:
        """Fail the next sends with a Graph error (async_errors: 131026/131047 via status)."""
        self.faults.append(
            WaFault(error_code, count, normalize_wa_id(to) if to else None, details, http_status)
        )

    def _take_fault(self, wa_id: str) -> GraphError | None:
        """Consume a matching fault, if any."""
        for fault in self.faults:
            if fault.to is None or fault.to == wa_id:
                fault.count -= 1
                if fault.count <= 0:
                    self.faults.remove(fault)
                return GraphError(fault.code, fault.details, fault.status)
        return None

    def sent_messages(self, to: str | None = None) -> list[RecordedCall]:
        """Successful message sends (read receipts excluded), optionally to one wa_id."""
        wa_id = normalize_wa_id(to) if to else None
        return [
            c
            for c in self.calls
            if c.method == "messages"
            and c.ok
            and "messages" in c.response
            and (wa_id is None or normalize_wa_id(c.params.get("to", "")) == wa_id)
        ]

    def sent_texts(self, to: str | None = None) -> list[str]:
        """Body texts of sent text/interactive messages."""
        out = []
        for call in self.sent_messages(to):
            content = call.params.get(call.params.get("type", "text")) or {}
            body = content.get("body")
            out.append(body.get("text", "") if isinstance(body, dict) else str(body or ""))
        return out

    async def wait_for(
        self, predicate: Callable[[RecordedCall], bool], timeout: float = 5.0, since: int = 0
    ) -> RecordedCall:
        """Wait until a recorded call (index >= since) matches; raises TimeoutError."""
        return await self.log.wait_for(predicate, timeout, since)

"""A small Graph API client over httpx: send messages, upload and download media.

It never raises for platform or network errors: every call returns a GraphResult that the
sender classifies (see `classify`). The base URL comes from the settings, so tests talk to
the local emulator through exactly the code that talks to graph.facebook.com.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import httpx

log = logging.getLogger(__name__)

RATE_LIMIT_CODES = frozenset({4, 80007, 130429, 131048, 131056})
REENGAGEMENT = 131047
UNDELIVERABLE = 131026
EXPIRED_TOKEN = 190
# Errors that heal by themselves (Meta's side); everything else that is not listed is final.
TRANSIENT_CODES = frozenset({1, 2, 131000, 131016, 133004})


@dataclass(frozen=True)
class GraphResult:
    """The answer of one Graph call: data on success, the error's code and text otherwise."""

    status: int
    data: dict[str, Any] = field(default_factory=dict)
    code: int | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        """True for a 2xx answer."""
        return 200 <= self.status < 300

    @property
    def wamid(self) -> str | None:
        """The id of a sent message."""
        messages = self.data.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return str(messages[0].get("id") or "") or None
        return None

    @property
    def transient(self) -> bool:
        """A failure worth retrying later: network, 5xx, Meta's temporary errors, token."""
        if self.ok:
            return False
        if self.status == 0 or self.status >= 500:
            return True
        return self.code in TRANSIENT_CODES or self.code == EXPIRED_TOKEN

    def describe(self) -> str:
        """A short reason for logs and outbox.last_error."""
        code = f"{self.code} " if self.code is not None else ""
        return f"WhatsApp {code}(HTTP {self.status}): {self.message}".strip()


def _error(response: httpx.Response) -> GraphResult:
    try:
        body = response.json()
    except ValueError:
        body = None
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return GraphResult(response.status_code, message=response.text[:200])
    details = (err.get("error_data") or {}).get("details") if isinstance(
        err.get("error_data"), dict) else None
    text = str(err.get("message") or err.get("title") or "error")
    if details and details not in text:
        text = f"{text} - {details}"
    code = err.get("code")
    return GraphResult(response.status_code, code=int(code) if isinstance(code, int) else None,
                       message=text[:300])


class GraphClient:
    """The Cloud API calls the channel needs, for one phone number id."""

    def __init__(
        self,
        *,
        base_url: str,
        api_version: str,
        phone_number_id: str,
        access_token: str,
        timeout: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.phone_number_id = phone_number_id
        self._auth = {"Authorization": f"Bearer {access_token}"}
        self.http = httpx.AsyncClient(
            base_url=f"{base_url.rstrip('/')}/{api_version}/",
            headers={**self._auth, "User-Agent": "ghimar-desk"},
            timeout=timeout,
            transport=transport,
        )

    async def close(self) -> None:
        """Close the connection pool."""
        await self.http.aclose()

    async def _call(self, method: str, url: str, **kwargs: Any) -> GraphResult:
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            log.warning("WhatsApp %s %s failed: %s", method, url, type(exc).__name__)
            return GraphResult(0, message=f"{type(exc).__name__}: {exc}"[:300])
        if not response.is_success:
            return _error(response)
        try:
            data = response.json()
        except ValueError:
            return GraphResult(502, message="the Graph API answered with non-JSON")
        return GraphResult(response.status_code, data=data if isinstance(data, dict) else {})

    async def send(self, to: str, content: dict[str, Any]) -> GraphResult:
        """POST /{phone_number_id}/messages with one message (`content` holds type + body)."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
                **content}
        return await self._call("POST", f"{self.phone_number_id}/messages", json=body)

    async def upload(self, content: bytes, mime_type: str, filename: str) -> GraphResult:
        """POST /{phone_number_id}/media; the answer's `id` can be sent as a document."""
        files = {"file": (filename, content, mime_type)}
        data = {"messaging_product": "whatsapp", "type": mime_type}
        return await self._call("POST", f"{self.phone_number_id}/media", data=data, files=files)

    async def media_info(self, media_id: str) -> GraphResult:
        """GET /{media_id}: url, mime_type, file_size."""
        if not media_id.isdigit():
            return GraphResult(400, message=f"bad media id {media_id[:40]!r}")
        return await self._call("GET", media_id)

    async def download(self, url: str, max_bytes: int) -> bytes | None:
        """The bytes behind a media URL (bearer token needed); None if too big or failed."""
        if not url.startswith(("https://", "http://")):
            return None
        chunks, size = [], 0
        try:
            async with self.http.stream("GET", url, headers=self._auth,
                                        follow_redirects=True) as response:
                if not response.is_success:
                    log.warning("WhatsApp media download answered %s", response.status_code)
                    return None
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        log.info("WhatsApp media over %s bytes not downloaded", max_bytes)
                        return None
                    chunks.append(chunk)
        except httpx.HTTPError as exc:
            log.warning("WhatsApp media download failed: %s", type(exc).__name__)
            return None
        return b"".join(chunks)

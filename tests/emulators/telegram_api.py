"""Telegram Bot API emulator on 127.0.0.1 for running real aiogram / python-telegram-bot code."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .common import CallLog, RecordedCall, ServerMixin, UploadedFile
from .telegram_rates import SEND_METHODS, RateLimiter, RateLimits, RateReport, Violation, measure
from .telegram_state import TelegramApiError, bad_request
from .telegram_updates import TelegramUpdates

log = logging.getLogger(__name__)

INT_FIELDS = frozenset(
    [
        "chat_id",
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "offset",
        "limit",
        "timeout",
        "user_id",
        "icon_color",
        "cache_time",
        "max_connections",
        "from_chat_id",
        "until_date",
        "duration",
        "width",
        "height",
    ]
)
BOOL_FIELDS = frozenset(
    [
        "show_alert",
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "is_personal",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "has_spoiler",
        "is_big",
        "disable_content_type_detection",
        "allow_paid_broadcast",
    ]
)
TEXT_FIELDS = frozenset(
    [
        "text",
        "caption",
        "name",
        "description",
        "short_description",
        "url",
        "secret_token",
        "callback_query_id",
        "file_id",
        "parse_mode",
        "action",
        "language_code",
        "inline_message_id",
        "title",
        "document",
        "photo",
    ]
)
DEFAULT_DESCRIPTIONS = {
    400: "Bad Request: message thread not found",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot "
    "instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}
_INT_RE = re.compile(r"^-?\d+$")


@dataclass
class FaultRule:
    """A queued failure for the next `count` matching calls."""

    method: str
    code: int
    description: str
    retry_after: int | None
    count: int
    chat_id: Any = None


def normalize_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Decode form values like the Bot API: JSON objects/arrays, integers, booleans."""
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in TEXT_FIELDS:
            if key in INT_FIELDS and _INT_RE.match(value):
                value = int(value)
            elif key in BOOL_FIELDS and value.lower() in ("true", "false", "1", "0"):
                value = value.lower() in ("true", "1")
            elif value[:1] in ("{", "["):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
        out[key] = value
    return out


class TelegramEmulator(TelegramUpdates, ServerMixin):
    """In-process fake of api.telegram.org: `async with TelegramEmulator() as tg: tg.base_url`."""

    def __init__(
        self,
        token: str = "123456789:TEST-ghimar-desk-token",
        *,
        bot_username: str = "ghimar_desk_bot",
        bot_name: str = "Ghimar Desk",
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
        auto_create_chats: bool = True,
    ) -> None:
        """Configure the fake bot identity; bot id is the numeric token prefix."""
        self.token = token
        self.host, self.port = host, port
        self.clock = clock
        self.auto_create_chats = auto_create_chats
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_user = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.init_state()
        self.log = CallLog()
        self.faults: list[FaultRule] = []
        self.limiter: RateLimiter | None = None
        self.violations: list[Violation] = []
        self.errors: list[str] = []
        self.init_updates()
        self._methods = {n[4:].lower(): n[4:] for n in dir(self) if n.startswith("api_")}

    # ----- server --------------------------------------------------------------------------
    def build_app(self) -> web.Application:
        """Routes: /bot{token}/{method} and /file/bot{token}/{path}."""
        self._closing = False
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        return app

    async def before_stop(self) -> None:
        """Release long polls and the webhook client session."""
        self._closing = True
        self._notify_updates()
        await asyncio.sleep(0)
        if self._http is not None:
            await self._http.close()
            self._http = None

    @property
    def calls(self) -> list[RecordedCall]:
        """Every call received, in order."""
        return self.log.calls

    async def _read_params(self, request: web.Request) -> tuple[dict, dict[str, UploadedFile]]:
        """Query string + JSON / urlencoded / multipart body."""
        params: dict[str, Any] = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.body_exists:
            ctype = request.content_type
            if ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(
                            key, value.filename, value.file.read(), value.content_type
                        )
                    else:
                        params[key] = value
            else:
                raw = await request.read()
                try:
                    body = json.loads(raw) if raw.strip() else {}
                except ValueError:
                    raise bad_request("can't parse JSON object") from None
                if not isinstance(body, dict):
                    raise bad_request("can't parse JSON object")
                params.update(body)
        return normalize_params(params), files

    async def _handle(self, request: web.Request) -> web.Response:
        """Authenticate, parse, dispatch and record one Bot API call."""
        started = self.clock()
        name = request.match_info["method"]
        method = self._methods.get(name.lower(), name)
        params: dict[str, Any] = {}
        files: dict[str, UploadedFile] = {}
        try:
            if request.match_info["token"] != self.token:
                raise TelegramApiError(401, "Unauthorized")
            params, files = await self._read_params(request)
            if name.lower() not in self._methods:
                raise TelegramApiError(404, "Not Found: method not found")
            status, body = 200, {"ok": True, "result": await self._dispatch(method, params, files)}
        except TelegramApiError as exc:
            status, body = exc.code, exc.payload()
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            self.errors.append(f"{method}: {exc!r}")
            log.exception("emulator: bad input to %s", method)
            status, body = (
                400,
                {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"},
            )
        except Exception as exc:
            self.errors.append(f"{method}: {exc!r}")
            log.exception("emulator: crash in %s", method)
            status, body = (
                500,
                {"ok": False, "error_code": 500, "description": f"Internal Server Error: {exc}"},
            )
        text = json.dumps(body, ensure_ascii=False)
        self.log.add(
            RecordedCall(method, params, started, files, status, json.loads(text), request.path)
        )
        return web.Response(text=text, status=status, content_type="application/json")

    async def _dispatch(self, method: str, params: dict[str, Any], files: dict) -> Any:
        """Fault injection, rate limits, then the method itself."""
        self._raise_fault(method, params.get("chat_id"))
        limited = method in SEND_METHODS and self.limiter is not None
        now = self.clock()
        if limited and self.limiter is not None:
            hit = self.limiter.check(now, params.get("chat_id"))
            if hit:
                rule, retry = hit
                self.violations.append(Violation(now, method, params.get("chat_id"), rule, retry))
                raise TelegramApiError(
                    429, f"Too Many Requests: retry after {retry}", {"retry_after": retry}
                )
        result = getattr(self, "api_" + method)(params, files)
        if inspect.isawaitable(result):
            result = await result
        if limited and self.limiter is not None:
            self.limiter.accept(now, params.get("chat_id"))
        return result

    async def _download(self, request: web.Request) -> web.Response:
        """Serve a file registered by an upload or an update factory."""
        if request.match_info["token"] != self.token:
            return web.json_response(TelegramApiError(401, "Unauthorized").payload(), status=401)
        stored = self.files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(TelegramApiError(404, "Not Found").payload(), status=404)
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    # ----- fault injection and rate limits -------------------------------------------------
    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        chat_id: Any = None,
    ) -> None:
        """Make the next `count` calls of `method` ('*' = any) fail with this error."""
        if error_code == 429 and retry_after is None:
            retry_after = 3
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}"
                if error_code == 429
                else DEFAULT_DESCRIPTIONS.get(error_code, "Bad Request")
            )
        self.faults.append(
            FaultRule(method.lower(), error_code, description, retry_after, count, chat_id)
        )

    def _raise_fault(self, method: str, chat_id: Any) -> None:
        """Consume a matching fault rule, if any, and raise its error."""
        for rule in self.faults:
            if rule.method not in ("*", method.lower()):
                continue
            if rule.chat_id is not None and rule.chat_id != chat_id:
                continue
            rule.count -= 1
            if rule.count <= 0:
                self.faults.remove(rule)
            params = {"retry_after": rule.retry_after} if rule.retry_after else None
            raise TelegramApiError(rule.code, rule.description, params)

    def rate_limits(
        self,
        global_per_second: float | None = 30,
        per_chat_per_second: float | None = 1,
        per_group_per_minute: float | None = 20,
        enabled: bool = True,
        per_chat_burst: int = 1,
    ) -> None:
        """Enforce flood limits on send* calls (429 + retry_after, counted in `violations`).

        `per_chat_burst` > 1: a private chat takes that many messages at once, then
        `per_chat_per_second` on average (a token bucket); groups never burst.
        """
        limits = RateLimits(global_per_second, per_chat_per_second, per_group_per_minute,
                            per_chat_burst)
        self.limiter = RateLimiter(limits) if enabled else None

    def max_rate_observed(self) -> RateReport:
        """Measured rates of successful sends (global max/s, per-chat min interval, per group)."""
        return measure(
            [
                (c.time, c.params.get("chat_id"))
                for c in self.calls
                if c.method in SEND_METHODS and c.ok
            ]
        )

    # ----- recorded-call helpers -----------------------------------------------------------
    def sent_messages(self, chat_id: Any = None) -> list[RecordedCall]:
        """Successful sendMessage/sendDocument/sendPhoto calls, optionally for one chat."""
        return [
            c
            for c in self.calls
            if c.method in ("sendMessage", "sendDocument", "sendPhoto")
            and c.ok
            and (chat_id is None or c.params.get("chat_id") == chat_id)
        ]

    def sent_texts(self, chat_id: Any = None) -> list[str]:
        """Texts (or captions) of the successfully sent messages, as the user sees them."""
        return [
            c.result.get("text") or c.result.get("caption") or ""
            for c in self.sent_messages(chat_id)
        ]

    def calls_of(self, method: str) -> list[RecordedCall]:
        """Recorded calls of one method (case-insensitive)."""
        return [c for c in self.calls if c.method.lower() == method.lower()]

    async def wait_for(
        self, predicate: Callable[[RecordedCall], bool], timeout: float = 5.0, since: int = 0
    ) -> RecordedCall:
        """Wait until a recorded call (index >= since) matches; raises TimeoutError."""
        return await self.log.wait_for(predicate, timeout, since)

    async def wait_for_message(
        self, chat_id: Any = None, timeout: float = 5.0, since: int = 0
    ) -> RecordedCall:
        """Wait for the next successful send (optionally into chat_id)."""
        return await self.wait_for(
            lambda c: (
                c.method in ("sendMessage", "sendDocument", "sendPhoto")
                and c.ok
                and (chat_id is None or c.params.get("chat_id") == chat_id)
            ),
            timeout,
            since,
        )

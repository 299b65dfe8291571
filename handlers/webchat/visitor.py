"""The visitor's identity: an opaque random id in an HttpOnly, SameSite cookie."""

from __future__ import annotations

import re
import secrets

from aiohttp import web

from bot.config import WebChatConfig

COOKIE = "ghimar_chat"
_VISITOR = re.compile(r"[A-Za-z0-9_-]{32}")


def visitor_of(request: web.Request) -> str | None:
    """The visitor id of the request's cookie, or None (missing or not one of ours)."""
    value = request.cookies.get(COOKIE, "")
    return value if _VISITOR.fullmatch(value) else None


def new_visitor() -> str:
    """A fresh visitor id: 24 random bytes, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)


def remember(response: web.StreamResponse, request: web.Request, visitor: str,
             config: WebChatConfig) -> None:
    """Set (or refresh) the visitor's cookie; Secure on https, always with SameSite=None."""
    secure = request.secure or config.cookie_samesite == "None"
    response.set_cookie(COOKIE, visitor, max_age=config.cookie_days * 86400, path="/chat/",
                        httponly=True, samesite=config.cookie_samesite, secure=secure)

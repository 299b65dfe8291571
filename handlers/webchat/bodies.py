"""What the chat page sends, read and checked: a JSON message, a multipart file upload.

Anything else is `Refused` with a status and the key of a polite sentence for the visitor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from bot.i18n import LANGUAGES
from bot.jsonbody import parse_json_body
from bot.messages import MAX_CHOICE_ID_BYTES, Attachment
from bot.uploads import shown_name

MAX_JSON_BYTES = 16 * 1024
MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_LABEL_CHARS = 200


class Refused(Exception):
    """A request answered with `status` and the message `key` in the visitor's language."""

    def __init__(self, status: int, key: str, **args: object) -> None:
        super().__init__(key)
        self.status, self.key, self.args_ = status, key, args


@dataclass(frozen=True)
class Posted:
    """What the page sent, checked."""

    message_id: str
    text: str | None = None
    payload: str | None = None
    label: str | None = None
    lang: str | None = None


def parse_message(body: Any, max_chars: int) -> Posted:
    """The page's JSON message, or Refused(400) naming what is wrong."""
    if not isinstance(body, dict):
        raise Refused(400, "webchat-err-bad-request")
    message_id, text, payload = body.get("id"), body.get("text"), body.get("payload")
    label, lang = body.get("label"), body.get("lang")
    if not isinstance(message_id, str) or not MESSAGE_ID.fullmatch(message_id):
        raise Refused(400, "webchat-err-bad-request")
    if lang is not None and lang not in LANGUAGES:
        lang = None
    if (text is None) == (payload is None):  # exactly one of them
        raise Refused(400, "webchat-err-bad-request")
    if payload is not None:
        if (not isinstance(payload, str) or not payload
                or len(payload.encode()) > MAX_CHOICE_ID_BYTES):
            raise Refused(400, "webchat-err-bad-request")
        shown = label[:_LABEL_CHARS] if isinstance(label, str) and label.strip() else None
        return Posted(message_id, payload=payload, label=shown, lang=lang)
    if not isinstance(text, str):
        raise Refused(400, "webchat-err-bad-request")
    if not text.strip():
        raise Refused(400, "webchat-err-empty")
    if len(text) > max_chars:
        raise Refused(400, "webchat-err-too-long", max=max_chars)
    return Posted(message_id, text=text, lang=lang)


async def read_json(request: web.Request) -> Any:
    """The JSON body, within MAX_JSON_BYTES; Refused (413, 400) otherwise."""
    if (request.content_length or 0) > MAX_JSON_BYTES:
        raise Refused(413, "webchat-err-bad-request")
    raw = await request.content.read(MAX_JSON_BYTES + 1)
    if len(raw) > MAX_JSON_BYTES:
        raise Refused(413, "webchat-err-bad-request")
    try:
        return parse_json_body(raw)
    except ValueError:
        raise Refused(400, "webchat-err-bad-request") from None


async def read_form(request: web.Request, limit: int
                    ) -> tuple[dict[str, str], Attachment | None]:
    """The form's short fields and its file, refused beyond the upload limit."""
    too_big = Refused(413, "webchat-err-file-too-big", mb=limit // (1024 * 1024))
    if (request.content_length or 0) > limit + MAX_JSON_BYTES:
        raise too_big
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):
        raise Refused(400, "webchat-err-bad-request") from None
    fields: dict[str, str] = {}
    attachment = None
    try:
        for _ in range(4):  # id, lang, file: a longer form is not the page's
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader) or not part.name:
                raise Refused(400, "webchat-err-bad-request")
            if part.name == "file" and attachment is None:
                content = await _read_limited(part, limit, too_big)
                name = shown_name(part.filename, "file")
                declared = part.headers.get("Content-Type") or None
                attachment = Attachment(file_id=name, mime_type=declared, file_name=name,
                                        size=len(content), content=content)
            elif part.name in ("id", "lang"):
                fields[part.name] = (await _read_limited(part, 128, Refused(
                    400, "webchat-err-bad-request"))).decode("utf-8", "replace")
            else:
                raise Refused(400, "webchat-err-bad-request")
    except (ValueError, AssertionError, UnicodeError):
        raise Refused(400, "webchat-err-bad-request") from None
    return fields, attachment


async def _read_limited(part: BodyPartReader, limit: int, refused: Refused) -> bytes:
    """A part's bytes, or `refused` as soon as it exceeds `limit`."""
    chunks, size = [], 0
    while True:
        chunk = await part.read_chunk(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise refused
        chunks.append(chunk)

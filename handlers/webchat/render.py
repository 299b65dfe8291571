"""Outbound -> the chat log's payload, and a log entry -> the event the browser renders."""

from __future__ import annotations

from typing import Any

from bot.messages import Outbound
from models import ChatLogEntry

CHANNEL = "web"


def logged(message: Outbound) -> dict[str, Any]:
    """What the log keeps of a bot message (the file stays a key of the document store)."""
    data: dict[str, Any] = {"text": message.text}
    if message.choices:
        data["choices"] = [{"id": c.id, "label": c.label} for c in message.choices]
    if message.file_key:
        data["file_key"] = message.file_key
        data["file_name"] = message.file_name or "document.pdf"
    return data


def event(entry: ChatLogEntry) -> dict[str, Any]:
    """The browser's view of one log entry: no store key, a download link instead."""
    payload = entry.payload or {}
    data: dict[str, Any] = {"id": entry.id, "dir": entry.direction,
                            "text": str(payload.get("text") or "")}
    if entry.outbox_id is not None:
        data["outbox"] = entry.outbox_id
    if payload.get("choices"):
        data["choices"] = payload["choices"]
    if payload.get("file_key"):
        data["file"] = {"name": payload.get("file_name"), "url": f"/chat/api/files/{entry.id}"}
    elif payload.get("file_name"):  # a file the visitor sent: its name only
        data["file"] = {"name": payload["file_name"]}
    return data

"""Outbound -> the chat log's payload, and a log entry -> the event the browser renders."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.messages import Outbound
from models import ChatLogEntry

CHANNEL = "web"


@dataclass(frozen=True)
class Appended:
    """An entry this worker committed: its id, the address's id before it (0: none), and the
    event the browser is sent."""

    previous: int
    entry_id: int
    data: dict[str, Any]


def logged(message: Outbound) -> dict[str, Any]:
    """What the log keeps of a bot message (the file stays a key of the document store)."""
    data: dict[str, Any] = {"text": message.text}
    if message.choices:
        data["choices"] = [{"id": c.id, "label": c.label} for c in message.choices]
    if message.file_key:
        data["file_key"] = message.file_key
        data["file_name"] = message.file_name or "document.pdf"
    return data


def appended_event(ids: tuple[int, int], *, direction: str, payload: dict[str, Any],
                   outbox_id: int | None = None) -> Appended:
    """What an append just committed (`ids`: the address's previous id and the entry's), as
    the hub hands it to the visitor's open pages."""
    previous, entry_id = ids
    return Appended(previous, entry_id, _event(entry_id, direction, payload, outbox_id))


def event(entry: ChatLogEntry) -> dict[str, Any]:
    """The browser's view of one log entry: no store key, a download link instead."""
    return _event(entry.id or 0, entry.direction, entry.payload or {}, entry.outbox_id)


def _event(entry_id: int, direction: str, payload: dict[str, Any], outbox_id: int | None
           ) -> dict[str, Any]:
    data: dict[str, Any] = {"id": entry_id, "dir": direction,
                            "text": str(payload.get("text") or "")}
    if outbox_id is not None:
        data["outbox"] = outbox_id
    if payload.get("choices"):
        data["choices"] = payload["choices"]
    if payload.get("file_key"):
        data["file"] = {"name": payload.get("file_name"), "url": f"/chat/api/files/{entry_id}"}
    elif payload.get("file_name"):  # a file the visitor sent: its name only
        data["file"] = {"name": payload["file_name"]}
    return data

"""Normalised messages: what every channel adapter produces and renders."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Attachment:
    """A file the beneficiary sent: fetched lazily by the adapter that knows the platform."""

    file_id: str
    mime_type: str | None = None
    file_name: str | None = None
    size: int | None = None
    content: bytes | None = None  # filled when the adapter has downloaded it


@dataclass(frozen=True)
class Inbound:
    """One message from a beneficiary, whatever the channel."""

    channel: str
    user_id: str
    message_id: str
    text: str | None = None
    payload: str | None = None  # id of a pressed button / chosen list row
    contact_phone: str | None = None
    contact_is_own: bool = False
    attachment: Attachment | None = None
    locale: str | None = None
    display_name: str | None = None
    is_command: bool = False


MAX_CHOICE_ID_BYTES = 64  # Telegram's callback_data limit, the tightest of the channels


@dataclass(frozen=True)
class Choice:
    """A button or list row: a short id sent back as payload (never user data), and a label."""

    id: str
    label: str

    def __post_init__(self) -> None:
        if not self.id or len(self.id.encode()) > MAX_CHOICE_ID_BYTES:
            raise ValueError(f"choice id must be 1..{MAX_CHOICE_ID_BYTES} bytes: {self.id!r}")


@dataclass
class Outbound:
    """One message for the beneficiary; adapters render it within their platform's limits."""

    text: str
    choices: list[Choice] = field(default_factory=list)
    request_contact: bool = False  # offer "share my number" where the channel has it
    file_key: str | None = None  # a key of the document store
    file_name: str | None = None
    kind: str = "reply"  # reply | notification | staff_reply ...
    template: dict[str, Any] | None = None  # {"kind": ..., "params": {...}} for WhatsApp templates
    meta: dict[str, Any] = field(default_factory=dict)  # channel hints, e.g. {"thread_id": 7}

    def to_payload(self) -> dict[str, Any]:
        """A JSON-serialisable form for the outbox."""
        data: dict[str, Any] = {"text": self.text}
        if self.choices:
            data["choices"] = [{"id": c.id, "label": c.label} for c in self.choices]
        if self.request_contact:
            data["request_contact"] = True
        if self.file_key:
            data["file_key"] = self.file_key
            data["file_name"] = self.file_name
        if self.template:
            data["template"] = self.template
        if self.meta:
            data["meta"] = self.meta
        return data

    @classmethod
    def from_payload(cls, data: dict[str, Any], kind: str = "reply") -> Outbound:
        """Rebuild from an outbox payload."""
        return cls(
            text=data.get("text", ""),
            choices=[Choice(c["id"], c["label"]) for c in data.get("choices", [])],
            request_contact=bool(data.get("request_contact")),
            file_key=data.get("file_key"),
            file_name=data.get("file_name"),
            kind=kind,
            template=data.get("template"),
            meta=dict(data.get("meta") or {}),
        )

"""Builders of real-shaped WhatsApp webhook bodies, and the fixture loader."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import fixtures_dir
from .whatsapp_rules import GraphError

NOT_BODIES = {"pywa_test_errors_graph_error_objects"}


def new_wamid() -> str:
    """A unique message id shaped like Meta's (base64 after 'wamid.')."""
    raw = b"\x15\x02\x00\x11\x18\x12" + secrets.token_bytes(18)
    return "wamid." + base64.b64encode(raw).decode()


def rewrite_phone_number_id(body: Any, phone_number_id: str) -> Any:
    """Set metadata.phone_number_id everywhere in a webhook body (in place); returns it."""
    if isinstance(body, dict):
        if isinstance(body.get("metadata"), dict):
            body["metadata"]["phone_number_id"] = phone_number_id
        for value in body.values():
            rewrite_phone_number_id(value, phone_number_id)
    elif isinstance(body, list):
        for item in body:
            rewrite_phone_number_id(item, phone_number_id)
    return body


def load_whatsapp_fixtures(
    phone_number_id: str | None = None, folder: Path | None = None
) -> dict[str, dict[str, Any]]:
    """Every webhook body in fixtures/whatsapp, keyed 'file.name' (or 'file' for single bodies)."""
    folder = folder or fixtures_dir() / "whatsapp"
    bodies: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        if path.stem in NOT_BODIES:
            continue
        data = json.loads(path.read_text())
        named = (
            {path.stem: data}
            if "object" in data
            else {f"{path.stem}.{name}": body for name, body in data.items()}
        )
        for name, body in named.items():
            bodies[name] = (
                rewrite_phone_number_id(body, phone_number_id) if phone_number_id else body
            )
    return bodies


def load_graph_error_fixtures(folder: Path | None = None) -> dict[str, dict[str, Any]]:
    """The Graph error objects of pywa's tests (unwrapped; on the wire: {"error": obj})."""
    folder = folder or fixtures_dir() / "whatsapp"
    return json.loads((folder / "pywa_test_errors_graph_error_objects.json").read_text())


def first_message(body: dict[str, Any]) -> dict[str, Any]:
    """The first `messages[]` item of a webhook body."""
    return body["entry"][0]["changes"][0]["value"]["messages"][0]


class WhatsAppBuilders:
    """Mixin making webhook bodies for the emulator's phone number."""

    phone_number_id: str
    display_phone_number: str
    waba_id: str
    now: Callable[[], float]
    sent: dict[str, dict[str, Any]]

    def register_media(self, content: bytes, mime_type: str, filename: str | None = None) -> str:
        """Store bytes as media; returns the media id (implemented by the emulator)."""
        raise NotImplementedError

    def _timestamp(self) -> str:
        """Webhook timestamps are unix seconds as strings."""
        return str(int(self.now()))

    def envelope(self, value: dict[str, Any]) -> dict[str, Any]:
        """Wrap a change value into object/entry/changes."""
        full = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": self.display_phone_number,
                "phone_number_id": self.phone_number_id,
            },
        }
        full.update(value)
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": self.waba_id, "changes": [{"value": full, "field": "messages"}]}],
        }

    def inbound(
        self,
        wa_id: str,
        kind: str,
        content: dict[str, Any],
        name: str = "Test User",
        context_id: str | None = None,
    ) -> dict[str, Any]:
        """A user message body of any type; `content` is merged into the message object."""
        message: dict[str, Any] = {
            "from": wa_id,
            "id": new_wamid(),
            "timestamp": self._timestamp(),
            "type": kind,
        }
        if context_id:
            message["context"] = {"from": self.display_phone_number, "id": context_id}
        message.update(content)
        return self.envelope(
            {"contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": [message]}
        )

    def text_message(
        self, wa_id: str, body: str, name: str = "Test User", context_id: str | None = None
    ) -> dict[str, Any]:
        """Text message webhook."""
        return self.inbound(wa_id, "text", {"text": {"body": body}}, name, context_id)

    def button_reply(
        self,
        wa_id: str,
        button_id: str,
        title: str,
        context_id: str | None = None,
        name: str = "Test User",
    ) -> dict[str, Any]:
        """Reply-button press (interactive.button_reply), in reply to `context_id`."""
        content = {
            "interactive": {
                "type": "button_reply",
                "button_reply": {"id": button_id, "title": title},
            }
        }
        return self.inbound(wa_id, "interactive", content, name, context_id or new_wamid())

    def list_reply(
        self,
        wa_id: str,
        row_id: str,
        title: str,
        description: str | None = None,
        context_id: str | None = None,
        name: str = "Test User",
    ) -> dict[str, Any]:
        """List row selection (interactive.list_reply)."""
        reply = {"id": row_id, "title": title}
        if description:
            reply["description"] = description
        content = {"interactive": {"type": "list_reply", "list_reply": reply}}
        return self.inbound(wa_id, "interactive", content, name, context_id or new_wamid())

    def quick_reply(
        self,
        wa_id: str,
        payload: str,
        text: str,
        context_id: str | None = None,
        name: str = "Test User",
    ) -> dict[str, Any]:
        """Template quick-reply button press (type 'button')."""
        content = {"button": {"payload": payload, "text": text}}
        return self.inbound(wa_id, "button", content, name, context_id or new_wamid())

    def _media(self, content: bytes, mime_type: str, filename: str | None) -> dict[str, Any]:
        """Register bytes and describe them like a webhook media object."""
        media_id = self.register_media(content, mime_type, filename)
        sha = base64.b64encode(hashlib.sha256(content).digest()).decode()
        return {"mime_type": mime_type, "sha256": sha, "id": media_id}

    def image_message(
        self,
        wa_id: str,
        content: bytes,
        mime_type: str = "image/jpeg",
        caption: str | None = None,
        name: str = "Test User",
    ) -> dict[str, Any]:
        """Image message; the bytes become downloadable media."""
        image = self._media(content, mime_type, None)
        if caption:
            image["caption"] = caption
        return self.inbound(wa_id, "image", {"image": image}, name)

    def document_message(
        self,
        wa_id: str,
        content: bytes,
        filename: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        name: str = "Test User",
    ) -> dict[str, Any]:
        """Document message; the bytes become downloadable media."""
        document = self._media(content, mime_type, filename)
        document["filename"] = filename
        if caption:
            document["caption"] = caption
        return self.inbound(wa_id, "document", {"document": document}, name)

    def contacts_message(
        self,
        wa_id: str,
        phone: str = "+1 555-555-5555",
        formatted_name: str = "Chandler Bing",
        contacts: list[dict[str, Any]] | None = None,
        name: str = "Test User",
    ) -> dict[str, Any]:
        """Shared contact card(s); by default one card with one phone."""
        if contacts is None:
            first, _, last = formatted_name.partition(" ")
            card_name = {"first_name": first, "formatted_name": formatted_name}
            if last:
                card_name["last_name"] = last
            digits = "".join(c for c in phone if c.isdigit())
            contacts = [
                {"name": card_name, "phones": [{"phone": phone, "wa_id": digits, "type": "CELL"}]}
            ]
        return self.inbound(wa_id, "contacts", {"contacts": contacts}, name)

    def location_message(
        self,
        wa_id: str,
        latitude: float,
        longitude: float,
        place: str | None = None,
        address: str | None = None,
        name: str = "Test User",
    ) -> dict[str, Any]:
        """Location message (current location, or a chosen place with name/address)."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if place:
            location["name"] = place
        if address:
            location["address"] = address
        return self.inbound(wa_id, "location", {"location": location}, name)

    def status_update(
        self,
        wamid: str,
        status: str = "delivered",
        recipient_id: str | None = None,
        errors: list[dict[str, Any]] | int | None = None,
    ) -> dict[str, Any]:
        """Status webhook for an outgoing wamid; `errors` is a list of dicts or an error code."""
        if recipient_id is None:
            recipient_id = str(self.sent.get(wamid, {}).get("wa_id") or "")
        item: dict[str, Any] = {
            "id": wamid,
            "status": status,
            "timestamp": self._timestamp(),
            "recipient_id": recipient_id,
        }
        if isinstance(errors, int):
            errors = [GraphError(errors).status_error()]
        if errors:
            item["errors"] = errors
        elif status in ("sent", "delivered", "read"):
            origin = self.sent.get(wamid, {}).get("category", "service")
            conversation: dict[str, Any] = {
                "id": secrets.token_hex(15),
                "origin": {"type": origin},
            }
            if status == "sent":
                conversation["expiration_timestamp"] = str(int(self.now()) + 86400)
            item["conversation"] = conversation
            item["pricing"] = {
                "billable": origin != "service",
                "pricing_model": "PMP",
                "category": origin,
            }
        return self.envelope({"statuses": [item]})

    def fixture_bodies(self) -> dict[str, dict[str, Any]]:
        """All fixture webhook bodies with metadata.phone_number_id set to ours."""
        return load_whatsapp_fixtures(self.phone_number_id)

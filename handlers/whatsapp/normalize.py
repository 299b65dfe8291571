"""A webhook body -> Inbound messages and delivery statuses (pure; no I/O).

Media are described (id, type, name) but not downloaded here: the webhook fetches the bytes
of those it will keep. Anything odd inside a well-formed envelope is skipped and counted,
never raised; only a body that is not a WhatsApp envelope at all raises MalformedBody.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from bot.messages import Attachment, Inbound

log = logging.getLogger(__name__)
CHANNEL = "whatsapp"
MEDIA_TYPES = ("image", "document", "audio", "video", "sticker")
IGNORED_TYPES = frozenset({"reaction", "system", "request_welcome", "ephemeral", "edit",
                           "revoke"})


class MalformedBody(ValueError):
    """The body is not a WhatsApp Business Account webhook envelope."""


@dataclass(frozen=True)
class StatusEvent:
    """A delivery status for a message we sent."""

    wamid: str
    status: str  # sent | delivered | read | failed | played ...
    recipient: str = ""
    error_code: int | None = None
    error: str | None = None


@dataclass
class Parsed:
    """What one webhook body holds, in order."""

    messages: list[Inbound] = field(default_factory=list)
    stored: list[dict[str, Any]] = field(default_factory=list)  # messages as the inbox keeps them
    statuses: list[StatusEvent] = field(default_factory=list)
    skipped: int = 0


def wa_digits(value: object) -> str:
    """Digits only, as WhatsApp writes wa_id."""
    return re.sub(r"\D", "", str(value or ""))


def message_id(wamid: str) -> str:
    """The engine's de-duplication key of a WhatsApp message (fits the 128-character column)."""
    if len(wamid) <= 120:
        return f"wa:{wamid}"
    return "wa:h:" + hashlib.sha256(wamid.encode()).hexdigest()


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _mime(value: Any) -> str | None:
    text = _text(value)
    return text.split(";", 1)[0].strip().lower() if text else None


def _name(contact: dict[str, Any]) -> str:
    return str(_dict(contact.get("profile")).get("name") or "")[:120]


def _contact(item: dict[str, Any], sender: str) -> dict[str, Any]:
    """contact_phone / contact_is_own from shared contact cards."""
    phones = [p for card in _list(item.get("contacts")) for p in _list(_dict(card).get("phones"))]
    phones = [p for p in phones if isinstance(p, dict) and (p.get("wa_id") or p.get("phone"))]
    if not phones:
        return {}
    own = next((p for p in phones if wa_digits(p.get("wa_id")) == sender), None)
    chosen = own or phones[0]
    number = wa_digits(chosen.get("wa_id")) or wa_digits(chosen.get("phone"))
    return {"contact_phone": "+" + number if number else None, "contact_is_own": own is not None}


def _location(item: dict[str, Any]) -> dict[str, Any]:
    loc = _dict(item.get("location"))
    lat, lon = loc.get("latitude"), loc.get("longitude")
    place = " — ".join(str(loc[k]) for k in ("name", "address") if _text(loc.get(k)))
    where = f"{lat},{lon}" if isinstance(lat, int | float) and isinstance(lon, int | float) else ""
    text = " ".join(x for x in ("📍", place, f"({where})" if where else "") if x)
    return {"text": text if place or where else None}


def _content(kind: str, item: dict[str, Any], sender: str) -> dict[str, Any] | None:
    """The Inbound fields of one message, or None for kinds that get no answer."""
    if kind in IGNORED_TYPES:
        return None
    if kind == "text":
        return {"text": _text(_dict(item.get("text")).get("body"))}
    if kind == "interactive":
        inter = _dict(item.get("interactive"))
        reply = _dict(inter.get("button_reply") or inter.get("list_reply"))
        return {"payload": _text(reply.get("id"))} if _text(reply.get("id")) else {}
    if kind == "button":  # a template's quick-reply button; payload = its text unless set
        button = _dict(item.get("button"))
        payload, text = _text(button.get("payload")), _text(button.get("text"))
        return {"payload": payload if payload != text else None, "text": text}
    if kind in MEDIA_TYPES:
        media = _dict(item.get(kind))
        media_id = _text(str(media.get("id") or ""))
        if media_id is None:
            return {}
        attachment = Attachment(file_id=media_id, mime_type=_mime(media.get("mime_type")),
                                file_name=_text(media.get("filename")))
        return {"attachment": attachment, "text": _text(media.get("caption"))}
    if kind == "contacts":
        return _contact(item, sender)
    if kind == "location":
        return _location(item)
    return {}  # unsupported, order, ...: an empty message, so the step explains what it needs


def _message(item: Any, names: dict[str, str]) -> Inbound | None:
    item = _dict(item)
    wamid = _text(item.get("id"))
    sender = wa_digits(item.get("from"))
    if not wamid or not sender or len(sender) > 32:
        return None
    fields = _content(str(item.get("type") or ""), item, sender)
    if fields is None:
        return None
    return Inbound(CHANNEL, sender, message_id(wamid), display_name=names.get(sender),
                   **{k: v for k, v in fields.items() if v is not None})


def to_stored(item: dict[str, Any], name: str | None) -> dict[str, Any]:
    """One message as the inbound inbox keeps it: the raw item and its sender's profile name."""
    return {"message": item, "name": name}


def from_stored(stored: dict[str, Any]) -> Inbound | None:
    """The Inbound of a message kept by the inbox (as `parse_body` made it)."""
    item, name = _dict(stored.get("message")), stored.get("name")
    names = {wa_digits(item.get("from")): name} if isinstance(name, str) and name else {}
    return _message(item, names)


def stored_key(stored: dict[str, Any]) -> str:
    """The engine's receipt id of a kept message ("wa:" + its wamid)."""
    return message_id(str(_dict(stored.get("message")).get("id") or ""))


def stored_sender(stored: dict[str, Any]) -> str:
    """The wa_id that sent a kept message (its chat)."""
    return wa_digits(_dict(stored.get("message")).get("from"))


def _status(item: Any) -> StatusEvent | None:
    item = _dict(item)
    wamid, status = _text(item.get("id")), _text(item.get("status"))
    if not wamid or not status:
        return None
    errors = [e for e in _list(item.get("errors")) if isinstance(e, dict)]
    code, error = None, None
    if errors:
        first = errors[0]
        code = first.get("code") if isinstance(first.get("code"), int) else None
        details = _dict(first.get("error_data")).get("details")
        error = " - ".join(str(x) for x in (first.get("title") or first.get("message"), details)
                           if x)
    return StatusEvent(wamid, status.lower(), wa_digits(item.get("recipient_id")), code,
                       error or None)


def parse_body(body: Any, phone_number_id: str) -> Parsed:
    """Every message and status meant for our phone number; MalformedBody for a non-envelope."""
    if not isinstance(body, dict) or not isinstance(body.get("entry"), list):
        raise MalformedBody("not a webhook envelope: an object with an `entry` list expected")
    parsed = Parsed()
    if body.get("object") not in (None, "whatsapp_business_account"):
        log.info("webhook for object %r ignored", body.get("object"))
        return parsed
    for entry in body["entry"]:
        for change in _list(_dict(entry).get("changes")):
            change = _dict(change)
            value = _dict(change.get("value"))
            if change.get("field") != "messages":
                parsed.skipped += 1
                continue
            target = str(_dict(value.get("metadata")).get("phone_number_id") or "")
            if target != phone_number_id:
                log.warning("webhook change for another phone number id (%s) ignored", target)
                parsed.skipped += 1
                continue
            names = {wa_digits(c.get("wa_id")): _name(c)
                     for c in _list(value.get("contacts")) if isinstance(c, dict)}
            for item in _list(value.get("messages")):
                inbound = _message(item, {k: v for k, v in names.items() if v})
                if inbound is None:
                    parsed.skipped += 1
                else:
                    parsed.messages.append(inbound)
                    parsed.stored.append(to_stored(item, names.get(inbound.user_id) or None))
            for item in _list(value.get("statuses")):
                event = _status(item)
                if event is None:
                    parsed.skipped += 1
                else:
                    parsed.statuses.append(event)
    return parsed

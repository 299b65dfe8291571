"""Hypothesis strategies of hostile request bodies for the webhooks and the decisions API.

Each strategy yields raw bytes: real-looking bodies with fields replaced by values of the
wrong type, arbitrary JSON, very deep nesting, and bytes that are not JSON at all.
`examples` draws a list of them outside a test (the suite and `python -m bench fuzz`).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(-2**70, 2**70)
           | st.floats(allow_nan=False) | st.text(max_size=40)
           | st.sampled_from(["", "private", "group", "1", "-1", "1e400", "٣", "\u202e",
                              "../x", "application/pdf", "text", "image", "document",
                              "2026-11-22", "قبول", "accepted", "GH-2026-000001"]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)


def _deep(depth: int, kind: str) -> bytes:
    if kind == "list":
        return ("[" * depth + "]" * depth).encode()
    if kind == "dict":
        return ('{"a":' * depth + "1" + "}" * depth).encode()
    return ('{"update_id": 1, "message": ' + '{"x":' * depth + "1" + "}" * (depth + 1)).encode()


DEEP = st.builds(_deep, st.sampled_from([50, 900, 1000, 5000, 100_000]),
                 st.sampled_from(["list", "dict", "inside"]))
RAW = st.binary(max_size=64) | st.text(max_size=64).map(str.encode)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, item in value.items():
            paths += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            paths += _paths(item, (*prefix, index))
    return paths


def _set(body: Any, path: tuple[Any, ...], value: Any) -> None:
    for step in path[:-1]:
        body = body[step]
    body[path[-1]] = value


@st.composite
def mutated(draw: st.DrawFn, templates: list[dict[str, Any]]) -> bytes:
    """A real-looking body with up to three fields replaced (or removed) by hostile values."""
    body = _renumber(copy.deepcopy(draw(st.sampled_from(templates))),
                     draw(st.integers(1, 2**40)))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(body)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        if draw(st.integers(0, 5)) == 0 and isinstance(_parent(body, path), dict):
            del _parent(body, path)[path[-1]]
        else:
            _set(body, path, draw(JSON))
    return json.dumps(body, ensure_ascii=draw(st.booleans())).encode()


def _renumber(value: Any, n: int) -> Any:
    """A fresh update_id / wamid, so that bodies are not all duplicates of the first."""
    if isinstance(value, dict):
        return {k: n if k == "update_id" else _renumber(v, n) for k, v in value.items()}
    if isinstance(value, list):
        return [_renumber(v, n) for v in value]
    if isinstance(value, str) and value.startswith("wamid.FUZZ"):
        return f"wamid.FUZZ{n}"
    return value


def _parent(body: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        body = body[step]
    return body


def bodies(templates: list[dict[str, Any]]) -> st.SearchStrategy[bytes]:
    """Mostly mutated real bodies, some arbitrary JSON, deep nesting and raw bytes."""
    return st.one_of(mutated(templates), mutated(templates), mutated(templates),
                     JSON.map(lambda v: json.dumps(v).encode()), DEEP, RAW)


def examples(strategy: st.SearchStrategy[bytes], count: int, seed: int = 0) -> list[bytes]:
    """`count` bodies drawn from the strategy (deterministic for a seed)."""
    drawn: list[bytes] = []

    @settings(max_examples=count, deadline=None, database=None, derandomize=seed == 0,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(body: bytes) -> None:
        drawn.append(body)

    collect()
    return drawn


def telegram_templates(user_id: int = 7700, chat_id: int | None = None) -> list[dict[str, Any]]:
    """A text message, a command, a document, a photo, a contact and a button press."""
    chat = {"id": chat_id or user_id, "type": "private", "first_name": "Fuzz"}
    user = {"id": user_id, "is_bot": False, "first_name": "Fuzz", "language_code": "ar"}
    message = {"message_id": 10, "from": user, "chat": chat, "date": 1795000000}
    return [
        {"update_id": 1, "message": {**message, "text": "مرحبا"}},
        {"update_id": 2, "message": {**message, "text": "/start",
                                     "entities": [{"type": "bot_command", "offset": 0,
                                                   "length": 6}]}},
        {"update_id": 3, "message": {**message, "document": {
            "file_id": "f1", "file_unique_id": "u1", "file_name": "a.pdf",
            "mime_type": "application/pdf", "file_size": 1234}}},
        {"update_id": 4, "message": {**message, "photo": [
            {"file_id": "p1", "file_unique_id": "pu1", "width": 90, "height": 90,
             "file_size": 100}]}},
        {"update_id": 5, "message": {**message, "contact": {
            "phone_number": "+966501234567", "first_name": "Fuzz", "user_id": user_id}}},
        {"update_id": 6, "callback_query": {"id": "cb1", "from": user, "chat_instance": "1",
                                            "data": "menu:1", "message": {**message,
                                                                          "text": "?"}}},
    ]


def whatsapp_templates(phone_id: str, wa_id: str = "966501234567") -> list[dict[str, Any]]:
    """A text, a button reply, an image, a contact card and a delivery status."""
    def envelope(value: dict[str, Any]) -> dict[str, Any]:
        meta = {"display_phone_number": "15550000000", "phone_number_id": phone_id}
        return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [
            {"field": "messages", "value": {"messaging_product": "whatsapp",
                                            "metadata": meta, **value}}]}]}

    contacts = [{"profile": {"name": "Fuzz"}, "wa_id": wa_id}]
    base = {"from": wa_id, "id": "wamid.FUZZ1", "timestamp": "1795000000"}
    return [
        envelope({"contacts": contacts, "messages": [
            {**base, "type": "text", "text": {"body": "مرحبا"}}]}),
        envelope({"contacts": contacts, "messages": [
            {**base, "type": "interactive", "interactive": {
                "type": "button_reply", "button_reply": {"id": "menu:1", "title": "x"}}}]}),
        envelope({"contacts": contacts, "messages": [
            {**base, "type": "image", "image": {"id": "m1", "mime_type": "image/jpeg",
                                                "sha256": "x", "caption": "صورة"}}]}),
        envelope({"contacts": contacts, "messages": [
            {**base, "type": "contacts", "contacts": [
                {"name": {"formatted_name": "x"}, "phones": [{"phone": "+966501234567",
                                                             "wa_id": wa_id}]}]}]}),
        envelope({"statuses": [{"id": "wamid.OUT1", "status": "failed", "timestamp": "1",
                                "recipient_id": wa_id, "errors": [
                                    {"code": 131047, "title": "Re-engagement message"}]}]}),
    ]


def decision_templates() -> list[dict[str, Any]]:
    """One decision, and a batch of two."""
    one = {"reference": "GH-2026-000001", "decision": "accepted", "reason": "",
           "decided_on": "2026-11-22", "service": "food", "amount": 500}
    return [one, {"decisions": [one, {**one, "decision": "rejected", "reason": "x"}]}]


def webchat_templates() -> list[dict[str, Any]]:
    """What the website chat's page posts: a text, a pressed button, the greeting."""
    return [{"id": "f1", "text": "مرحبا", "lang": "ar"},
            {"id": "f2", "payload": "menu:1", "label": "طلب دعم"},
            {"id": "f3", "payload": "nav:resume"}]

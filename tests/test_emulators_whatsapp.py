"""WhatsApp Cloud API emulator: sends over plain httpx, window rule, media, signed webhooks."""

from __future__ import annotations

import hashlib
import hmac
import importlib.util
import json
import tomllib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web

from tests.emulators import (
    FakeClock,
    WhatsAppEmulator,
    first_message,
    load_graph_error_fixtures,
    load_whatsapp_fixtures,
)
from tests.emulators.common import fixtures_dir

TOKEN, PHONE_ID, SECRET = "EAAtest", "109876543210", "app-secret-xyz"
USER = "213555000111"
DAY = 24 * 3600


class Receiver:
    """Stand-in for the bot's /webhooks/whatsapp endpoint, recording what Meta would send."""

    def __init__(self) -> None:
        """Nothing received yet."""
        self.posts: list[tuple[bytes, dict[str, str]]] = []
        self.runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        """Listen on a random port."""
        app = web.Application()
        app.router.add_post("/webhooks/whatsapp", self.post)
        app.router.add_get("/webhooks/whatsapp", self.get)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self.runner.addresses[0][1]}/webhooks/whatsapp"

    async def post(self, request: web.Request) -> web.Response:
        """Record raw body and headers."""
        self.posts.append((await request.read(), dict(request.headers)))
        return web.Response(text="EVENT_RECEIVED")

    async def get(self, request: web.Request) -> web.Response:
        """Verification handshake: echo the challenge for the right token."""
        q = request.query
        if q.get("hub.mode") == "subscribe" and q.get("hub.verify_token") == "vt":
            return web.Response(text=q.get("hub.challenge", ""))
        return web.Response(status=403, text="Forbidden")


@pytest.fixture
def clock() -> FakeClock:
    """Injected unix clock."""
    return FakeClock(1_750_000_000.0)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """Running webhook receiver."""
    rec = Receiver()
    await rec.start()
    yield rec
    assert rec.runner is not None
    await rec.runner.cleanup()


@pytest.fixture
async def wa(clock: FakeClock, receiver: Receiver) -> AsyncIterator[WhatsAppEmulator]:
    """Running emulator whose webhook_url is the receiver."""
    async with WhatsAppEmulator(
        TOKEN, PHONE_ID, SECRET, now=clock, webhook_url=receiver.url, verify_token="vt"
    ) as emulator:
        yield emulator


@pytest.fixture
async def graph(wa: WhatsAppEmulator) -> AsyncIterator[httpx.AsyncClient]:
    """httpx client with the right bearer token and the versioned base URL."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx.AsyncClient(base_url=f"{wa.base_url}/v21.0", headers=headers) as client:
        yield client


def text(to: str, body: str) -> dict[str, Any]:
    """Minimal text message payload."""
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def buttons(n: int, title: str = "") -> dict[str, Any]:
    """Interactive reply-button payload with n buttons (titles: `title` + index, or Option<i>)."""
    return {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": "اختر"},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": f"b{i}", "title": title or f"Option{i}"}}
                    for i in range(n)
                ]
            },
        },
    }


def list_msg(rows: int, row_title: str = "", body: str = "pick") -> dict[str, Any]:
    """Interactive list payload with `rows` rows split over two sections."""
    half = rows // 2
    sections = [
        {
            "title": "A",
            "rows": [{"id": f"a{i}", "title": row_title or f"Row{i}"} for i in range(half)],
        },
        {
            "title": "B",
            "rows": [{"id": f"b{i}", "title": row_title or f"Row{i}"} for i in range(rows - half)],
        },
    ]
    return {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {"button": "القائمة", "sections": sections},
        },
    }


async def test_send_text_shape_and_window(
    wa: WhatsAppEmulator, graph: httpx.AsyncClient, clock: FakeClock
) -> None:
    fixture = load_graph_error_fixtures()["ReEngagementMessage"]
    resp = await graph.post(f"/{PHONE_ID}/messages", json=text(USER, "hello"))
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert error["code"] == 131047 and error["title"] == fixture["title"]
    assert error["error_data"]["details"] == fixture["error_data"]["details"]
    assert error["type"] == "OAuthException" and error["fbtrace_id"]

    status, _ = await wa.deliver(wa.text_message(USER, "سلام"))
    assert status == 200
    resp = await graph.post(f"/{PHONE_ID}/messages", json=text("+213 555-000-111", "hello"))
    assert resp.status_code == 200
    body = resp.json()
    assert body["messaging_product"] == "whatsapp"
    assert body["contacts"] == [{"input": "+213 555-000-111", "wa_id": USER}]
    assert body["messages"][0]["id"].startswith("wamid.")

    clock.advance(DAY - 1)
    assert (await graph.post(f"/{PHONE_ID}/messages", json=text(USER, "x"))).status_code == 200
    clock.advance(2)
    late = await graph.post(f"/{PHONE_ID}/messages", json=text(USER, "x"))
    assert late.status_code == 400 and late.json()["error"]["code"] == 131047
    template = {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "template",
        "template": {"name": "reminder", "language": {"code": "ar"}, "components": []},
    }
    sent = await graph.post(f"/{PHONE_ID}/messages", json=template)
    assert sent.status_code == 200 and sent.json()["messages"][0]["message_status"] == "accepted"
    wa.set_last_inbound("+213555000111")
    assert (await graph.post(f"/{PHONE_ID}/messages", json=text(USER, "y"))).status_code == 200
    assert len(wa.sent_messages(USER)) == 4 and wa.sent_texts(USER)[-1] == "y"


async def test_token_and_phone_checks(wa: WhatsAppEmulator) -> None:
    async with httpx.AsyncClient(base_url=f"{wa.base_url}/v21.0") as raw:
        for headers in ({}, {"Authorization": "Bearer nope"}):
            resp = await raw.post(f"/{PHONE_ID}/messages", json=text(USER, "x"), headers=headers)
            assert resp.status_code == 401
            assert resp.json()["error"]["code"] == 190
            assert resp.json()["error"]["type"] == "OAuthException"
        wrong = await raw.post(
            "/999/messages", json=text(USER, "x"), headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert wrong.status_code == 400 and wrong.json()["error"]["error_subcode"] == 33
    assert wa.sent_messages() == []


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        (buttons(3), 200),
        (buttons(4), 131009),
        (buttons(1, title="x" * 20), 200),
        (buttons(1, title="x" * 21), 131009),
        (list_msg(10), 200),
        (list_msg(11), 131009),
        (list_msg(2, row_title="r" * 24), 200),
        (list_msg(2, row_title="r" * 25), 131009),
        (list_msg(2, body="b" * 1024), 200),
        (list_msg(2, body="b" * 1025), 131009),
        (text(USER, "x" * 4097), 100),
        ({"to": USER, "type": "text", "text": {"body": "x"}}, 100),
    ],
)
async def test_interactive_limits(
    wa: WhatsAppEmulator, graph: httpx.AsyncClient, payload: dict[str, Any], status: int
) -> None:
    wa.set_last_inbound(USER)
    resp = await graph.post(f"/{PHONE_ID}/messages", json=payload)
    if status == 200:
        assert resp.status_code == 200, resp.text
    else:
        assert resp.status_code == 400 and resp.json()["error"]["code"] == status, resp.text


async def test_templates_registry(wa: WhatsAppEmulator, graph: httpx.AsyncClient) -> None:
    wa.register_template("appointment", "ar", body_params=2)

    def tpl(name: str, params: int) -> dict[str, Any]:
        comps = [{"type": "body", "parameters": [{"type": "text", "text": "v"}] * params}]
        return {
            "messaging_product": "whatsapp",
            "to": USER,
            "type": "template",
            "template": {"name": name, "language": {"code": "ar"}, "components": comps},
        }

    assert (await graph.post(f"/{PHONE_ID}/messages", json=tpl("appointment", 2))).is_success
    mismatch = await graph.post(f"/{PHONE_ID}/messages", json=tpl("appointment", 1))
    assert mismatch.json()["error"]["code"] == 132000
    unknown = await graph.post(f"/{PHONE_ID}/messages", json=tpl("nope", 2))
    assert unknown.json()["error"]["code"] == 132001


async def test_media_by_id_and_download(wa: WhatsAppEmulator, graph: httpx.AsyncClient) -> None:
    wa.set_last_inbound(USER)
    content = b"%PDF-1.7 beneficiary card"
    upload = await graph.post(
        f"/{PHONE_ID}/media",
        data={"messaging_product": "whatsapp", "type": "application/pdf"},
        files={"file": ("card.pdf", content, "application/pdf")},
    )
    media_id = upload.json()["id"]
    doc = {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "document",
        "document": {"id": media_id, "filename": "card.pdf"},
    }
    assert (await graph.post(f"/{PHONE_ID}/messages", json=doc)).status_code == 200
    image = {
        "messaging_product": "whatsapp",
        "to": USER,
        "type": "image",
        "image": {"link": "https://example.org/a.jpg"},
    }
    assert (await graph.post(f"/{PHONE_ID}/messages", json=image)).status_code == 200
    bad = dict(image, image={"id": "404404"})
    assert (await graph.post(f"/{PHONE_ID}/messages", json=bad)).json()["error"]["code"] == 131053

    info = (await graph.get(f"/{media_id}")).json()
    assert info["mime_type"] == "application/pdf" and info["file_size"] == len(content)
    assert info["sha256"] == hashlib.sha256(content).hexdigest() and info["id"] == media_id
    assert info["messaging_product"] == "whatsapp"
    downloaded = await graph.get(info["url"])
    assert downloaded.content == content
    async with httpx.AsyncClient() as anonymous:
        assert (await anonymous.get(info["url"])).status_code == 401
    assert (await graph.get("/123")).status_code == 400

    image_id = first_message(wa.image_message(USER, b"\xff\xd8jpeg"))["image"]["id"]
    img_url = (await graph.get(f"/{image_id}")).json()["url"]
    assert (await graph.get(img_url)).content == b"\xff\xd8jpeg"


@pytest.mark.parametrize("code", [130429, 131056, 131026, 131047])
async def test_fail_next(wa: WhatsAppEmulator, graph: httpx.AsyncClient, code: int) -> None:
    wa.set_last_inbound(USER)
    wa.set_last_inbound("999")
    wa.fail_next(code, count=2, to=USER)
    other = await graph.post(f"/{PHONE_ID}/messages", json=text("999", "x"))
    assert other.status_code == 200
    for _ in range(2):
        resp = await graph.post(f"/{PHONE_ID}/messages", json=text(USER, "x"))
        assert resp.status_code == 400
        error = resp.json()["error"]
        assert error["code"] == code and error["message"] and error["fbtrace_id"]
    assert (await graph.post(f"/{PHONE_ID}/messages", json=text(USER, "x"))).status_code == 200


async def test_async_failed_status(receiver: Receiver, clock: FakeClock) -> None:
    async with WhatsAppEmulator(
        TOKEN, PHONE_ID, SECRET, now=clock, webhook_url=receiver.url, async_errors=True
    ) as wa:
        wa.set_last_inbound(USER)
        wa.fail_next(131026)
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with httpx.AsyncClient(base_url=f"{wa.base_url}/v21.0", headers=headers) as graph:
            resp = await graph.post(f"/{PHONE_ID}/messages", json=text(USER, "x"))
        assert resp.status_code == 200
        wamid = resp.json()["messages"][0]["id"]
        assert await wa.flush_statuses() == [(200, "EVENT_RECEIVED")]
    body = json.loads(receiver.posts[-1][0])
    status = body["entry"][0]["changes"][0]["value"]["statuses"][0]
    fixture_path = fixtures_dir() / "whatsapp/restfb_issue1344_failed_status_131026.json"
    fixture = json.loads(fixture_path.read_text())
    expected = fixture["entry"][0]["changes"][0]["value"]["statuses"][0]
    assert status["id"] == wamid and status["status"] == "failed"
    assert status["recipient_id"] == USER
    assert set(expected) <= set(status)
    assert status["errors"][0]["code"] == 131026
    assert set(expected["errors"][0]) <= set(status["errors"][0])


async def test_signed_delivery_and_verify(wa: WhatsAppEmulator, receiver: Receiver) -> None:
    body = wa.text_message(USER, "مرحبا / hello")
    assert await wa.deliver(body) == (200, "EVENT_RECEIVED")
    raw, headers = receiver.posts[-1]
    expected = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
    assert headers["X-Hub-Signature-256"] == expected
    assert headers["Content-Type"] == "application/json"
    assert b"\\/" in raw and b"\\u0645" in raw and json.loads(raw) == body
    await wa.deliver(body, signature=None)
    assert "X-Hub-Signature-256" not in receiver.posts[-1][1]
    await wa.deliver(body, signature="sha256=deadbeef")
    assert receiver.posts[-1][1]["X-Hub-Signature-256"] == "sha256=deadbeef"
    assert await wa.verify("subscribe", "vt", "12345") == (200, "12345")
    assert (await wa.verify("subscribe", "wrong", "1"))[0] == 403


async def test_builders_match_fixture_shapes(wa: WhatsAppEmulator) -> None:
    fixtures = load_whatsapp_fixtures(PHONE_ID)

    def value(body: dict[str, Any]) -> dict[str, Any]:
        return body["entry"][0]["changes"][0]["value"]

    def same_keys(built: dict[str, Any], fixture_name: str) -> None:
        got, want = value(built), value(fixtures[fixture_name])
        assert set(want) - {"contacts"} <= set(got), fixture_name
        assert want["metadata"].keys() == got["metadata"].keys()
        if "messages" in want:
            message, expected = got["messages"][0], want["messages"][0]
            assert set(expected) - {"context"} <= set(message), fixture_name
            kind = expected["type"]
            assert message["type"] == kind
            inner = expected.get(kind)
            if isinstance(inner, dict):
                assert set(inner) - {"url", "caption"} <= set(message[kind]), fixture_name
        else:
            assert set(want["statuses"][0]) - {"biz_opaque_callback_data"} <= set(
                got["statuses"][0]
            ), fixture_name

    same_keys(wa.text_message(USER, "hi"), "message.text")
    same_keys(wa.button_reply(USER, "callback_data", "title"), "callback_button.button")
    same_keys(wa.quick_reply(USER, "callback_data", "title"), "callback_button.quick_reply")
    same_keys(wa.list_reply(USER, "row", "title", "description"), "callback_selection.description")
    same_keys(wa.image_message(USER, b"img"), "message.image")
    same_keys(wa.document_message(USER, b"pdf", "filename.pdf", caption="c"), "message.document")
    same_keys(wa.contacts_message(USER), "message.contacts")
    same_keys(
        wa.location_message(USER, 36.7, 3.05, "Ghimar", "Algiers"), "message.chosen_location"
    )
    for status in ("sent", "delivered", "read"):
        same_keys(wa.status_update("wamid.X", status, USER), f"message_status.{status}")
    failed = wa.status_update("wamid.X", "failed", USER, errors=131047)
    same_keys(failed, "message_status.failed")
    assert value(failed)["statuses"][0]["errors"][0]["code"] == 131047
    assert value(wa.text_message(USER, "x"))["metadata"]["phone_number_id"] == PHONE_ID


async def test_every_fixture_body_loads(wa: WhatsAppEmulator, receiver: Receiver) -> None:
    bodies = wa.fixture_bodies()
    folder = fixtures_dir() / "whatsapp"
    expected = 0
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text())
        if "object" in data:
            expected += 1
        elif "graph_error" not in path.stem:
            expected += len(data)
    assert len(bodies) == expected and expected > 30
    for name, body in bodies.items():
        metas = [c["value"]["metadata"] for e in body["entry"] for c in e["changes"]]
        assert metas and all(m["phone_number_id"] == PHONE_ID for m in metas), name
    assert await wa.deliver(bodies["message.text"]) == (200, "EVENT_RECEIVED")
    assert "972987654321" in wa.last_inbound


def test_pywa_not_required() -> None:
    pyproject = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    deps = pyproject["project"]["dependencies"] + [
        d
        for extra in pyproject["project"].get("optional-dependencies", {}).values()
        for d in extra
    ]
    assert not [d for d in deps if d.lower().startswith("pywa")]
    import tests.emulators.whatsapp_api as module

    assert "pywa" not in Path(module.__file__).read_text()
    assert importlib.util.find_spec("tests.emulators") is not None

"""The decisions HTTP endpoint: bearer token, validation, idempotency."""

from __future__ import annotations

import aiohttp
import pytest
from pydantic import SecretStr

from app.runtime import Runtime
from app.wiring import App
from tests.support.convo import Convo

TOKEN = "api-token-for-tests-0123456789-abcdef"


@pytest.fixture
async def runtime(app: App, submitted: Convo):  # type: ignore[no-untyped-def]
    app.settings = app.settings.model_copy(update={"http_port": 0, "api_token": SecretStr(TOKEN)})
    rt = Runtime(app, [])
    await rt.start()
    yield rt
    await rt.stop()


async def test_decisions_endpoint(runtime: Runtime, app: App, submitted: Convo) -> None:
    url = f"http://127.0.0.1:{runtime.port}/api/decisions"
    body = {"reference": "GH-2026-000001", "decision": "accepted", "reason": "",
            "decided_on": "2026-11-22"}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json=body) as resp:
            assert resp.status == 401
        async with http.post(url, json=body, headers={"Authorization": "Bearer wrong"}) as resp:
            assert resp.status == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        async with http.post(url, data=b"{not json", headers=auth) as resp:
            assert resp.status == 400
        async with http.post(url, json=body, headers=auth) as resp:
            assert resp.status == 200
            assert (await resp.json())["results"][0]["outcome"] == "recorded"
        batch = {"decisions": [body, {"reference": "GH-2026-000009", "decision": "rejected"}]}
        async with http.post(url, json=batch, headers=auth) as resp:
            assert resp.status == 207
            outcomes = [r["outcome"] for r in (await resp.json())["results"]]
            assert outcomes == ["unchanged", "error"]
        async with http.get(f"http://127.0.0.1:{runtime.port}/healthz") as resp:
            assert resp.status == 200


async def test_a_recorded_decision_kicks_the_scheduler(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    kicks: list[str] = []
    assert runtime.scheduler is not None
    monkeypatch.setattr(runtime.scheduler, "kick", lambda: kicks.append("kick"))
    url = f"http://127.0.0.1:{runtime.port}/api/decisions"
    body = {"reference": "GH-2026-000001", "decision": "accepted", "reason": "",
            "decided_on": "2026-11-22"}
    auth = {"Authorization": f"Bearer {TOKEN}"}
    async with aiohttp.ClientSession() as http:
        for _ in range(2):  # recorded, then unchanged: one kick
            async with http.post(url, json=body, headers=auth) as resp:
                assert resp.status == 200
    assert kicks == ["kick"]

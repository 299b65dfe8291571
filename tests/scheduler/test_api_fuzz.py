"""Hostile bodies at POST /api/decisions (hypothesis): a 4xx or a per-row error, never a 5xx."""

from __future__ import annotations

from collections import Counter

import aiohttp

from app.runtime import Runtime
from tests.scheduler.test_api import TOKEN, runtime  # noqa: F401  (the fixture)
from tests.support.fuzz import bodies, decision_templates, examples

BODIES = 600


async def test_fuzzed_decision_bodies_get_no_5xx(runtime: Runtime) -> None:  # noqa: F811
    url = f"http://127.0.0.1:{runtime.port}/api/decisions"
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    statuses: Counter[int] = Counter()
    failures = []
    async with aiohttp.ClientSession() as http:
        for raw in examples(bodies(decision_templates()), BODIES):
            async with http.post(url, data=raw, headers=auth) as resp:
                statuses[resp.status] += 1
                if resp.status >= 500:
                    failures.append(raw[:300])
    assert failures == [], failures[:5]
    assert statuses[400] and (statuses[200] or statuses[207]), statuses


async def test_wrong_types_and_deep_nesting_are_400(runtime: Runtime) -> None:  # noqa: F811
    url = f"http://127.0.0.1:{runtime.port}/api/decisions"
    auth = {"Authorization": f"Bearer {TOKEN}"}
    one = decision_templates()[0]
    async with aiohttp.ClientSession() as http:
        for body in ({**one, "decided_on": [1]}, {**one, "reason": {"x": 1}},
                     {**one, "amount": True}, {"decisions": [one, {**one, "reference": 7}]}):
            async with http.post(url, json=body, headers=auth) as resp:
                assert resp.status == 400, body
        deep = b'{"decisions": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        async with http.post(url, data=deep, headers=auth) as resp:
            assert resp.status == 400

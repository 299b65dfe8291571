"""A bot's Prometheus families during a benchmark: counters' increase, gauges' highest value.

`enable` turns /metrics on in a config.yaml copy (with `ENV`'s token); `watch` scrapes the
target every half second while the load runs and reports, per family, how much it moved;
`exercise`, run after the measured windows, moves the families the load's script does not.
A target without /metrics (the bare aiogram echo bot) reports nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from prometheus_client.parser import text_string_to_metric_families

TOKEN = "bench-metrics-token-0123456789-abcdefgh"
ENV = {"GHIMAR_METRICS_TOKEN": TOKEN}
EVERY = 0.5  # seconds between scrapes


def enable(config: Path) -> None:
    """Turn /metrics on (bearer token) in a config.yaml copy."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["metrics"] = {"enabled": True}
    config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def totals(text: str) -> dict[str, tuple[str, float]]:
    """Per ghimar_* family: its type and the sum over labels of its count (counters and
    histograms) or value (gauges)."""
    out: dict[str, tuple[str, float]] = {}
    for family in text_string_to_metric_families(text):
        if not family.name.startswith("ghimar_"):
            continue
        wanted = {"counter": family.name + "_total", "histogram": family.name + "_count",
                  "gauge": family.name}.get(family.type)
        out[family.name] = (family.type,
                            sum(s.value for s in family.samples if s.name == wanted))
    return out


class Watch:
    """Scrapes collected while a load runs."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.scrapes: list[dict[str, tuple[str, float]]] = []

    async def scrape(self, http: aiohttp.ClientSession) -> None:
        """One scrape (ignored when the target has no /metrics)."""
        with contextlib.suppress(aiohttp.ClientError, OSError):
            async with http.get(self.url, headers={"Authorization": f"Bearer {TOKEN}"}) as resp:
                if resp.status == 200:
                    self.scrapes.append(totals(await resp.text()))

    def report(self) -> dict[str, Any]:
        """Counters and histograms: increase over the run; gauges: the highest value seen."""
        if len(self.scrapes) < 2:
            return {}
        first, last = self.scrapes[0], self.scrapes[-1]
        moved: dict[str, Any] = {}
        for name, (kind, value) in last.items():
            if kind == "gauge":
                moved[f"{name} (max)"] = max(s.get(name, (kind, 0.0))[1] for s in self.scrapes)
            else:
                moved[name] = value - first.get(name, (kind, 0.0))[1]
        return moved


@contextlib.asynccontextmanager
async def watch(port: int) -> AsyncIterator[Watch]:
    """Scrape http://127.0.0.1:`port`/metrics now, every EVERY seconds, and at the end."""
    probe = Watch(f"http://127.0.0.1:{port}/metrics")
    async with aiohttp.ClientSession() as http:
        await probe.scrape(http)

        async def loop() -> None:
            while True:
                await asyncio.sleep(EVERY)
                await probe.scrape(http)

        task = asyncio.create_task(loop())
        try:
            yield probe
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await probe.scrape(http)


async def exercise(load: Any) -> None:
    """After the measured windows: one person whose turns move the families the load's script
    does not (a 429 from the emulator, questions to the guides, a case, a duplicate update)."""
    u = load.new_user()

    async def say(update: dict[str, Any]) -> None:
        before = load.sends.count(u.chat)
        if await load.post(update) == 200:
            with contextlib.suppress(TimeoutError):
                await load.sends.nth(u.chat, before + 1)

    await say(dict(load.tg.text_update(u.user, "/start")))
    data, message_id = load.sends.button(u.chat, "أوافق")
    await say(dict(load.tg.callback_update(u.user, data, message_id)))
    load.tg.fail_next("sendMessage", 429, retry_after=1, chat_id=u.chat)
    for text in ("ساعات العمل", "القائمة", "التطوع", "القائمة", "zzqx blorf", "zzqx blorf"):
        await say(dict(load.tg.text_update(u.user, text)))  # answer, suggest, unknown: a case
    load.tg.fail_next("sendMessage", 400, description="Bad Request: chat not found",
                      chat_id=u.chat)  # a permanent failure: the menu is not delivered
    again = dict(load.tg.text_update(u.user, "القائمة"))
    await load.post(again)
    await load.post(again)  # Telegram delivering an update twice
    for _ in range(100):  # the outbox tries the menu (after the chat's pacing) before the scrape
        if load.sends.methods[("sendMessage", 400)]:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.2)


def line(report: dict[str, Any]) -> str:
    """The report on one line, families that moved only."""
    return ", ".join(f"{name.removeprefix('ghimar_')} {value:g}"
                     for name, value in sorted(report.items()) if value) or "nothing moved"

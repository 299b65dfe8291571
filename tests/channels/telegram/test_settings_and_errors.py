"""Start-up checks, the driver choice, error classification and partial sends."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
)
from aiogram.methods import SendMessage
from aiohttp import web
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TimedOut

from app.channels import telegram as make
from bot.clock import SystemClock
from bot.config import ConfigError, load_config
from bot.i18n import Catalog
from bot.messages import Outbound
from bot.outbox.senders import PARTS_SENT, Failed, RateLimits, RetryLater, Sent, Unreachable
from bot.settings import ROOT
from handlers.telegram import aiogram_driver, ptb_driver
from handlers.telegram.driver import ApiError, ErrorKind, scrubbed
from handlers.telegram.sender import TelegramSender, limits_from, to_result
from tests.emulators import TelegramEmulator

TOKEN = "123456789:TEST-ghimar-desk-token"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No TELEGRAM_* variable from the developer's shell."""
    for name in list(os.environ):
        if name.startswith("TELEGRAM_"):
            monkeypatch.delenv(name)
    return monkeypatch


def fake_app(driver: str = "aiogram") -> Any:
    """Just what make() reads: the configuration and the services (no engine, no database)."""
    config = load_config(ROOT / "config.yaml")
    config = config.model_copy(update={"telegram": config.telegram.model_copy(
        update={"driver": driver})})
    return SimpleNamespace(config=config, services=SimpleNamespace(documents=None,
                                                                   catalog=Catalog(),
                                                                   clock=SystemClock()),
                           engine=None, sessions=None, dispatcher=SimpleNamespace(senders={}))


def test_missing_token_or_secret_names_the_variable(clean_env: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        make(fake_app())
    clean_env.setenv("TELEGRAM_BOT_TOKEN", "not a token")
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        make(fake_app())
    clean_env.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    clean_env.setenv("TELEGRAM_WEBHOOK_URL", "https://bot.example.org/webhooks/telegram")
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        make(fake_app())
    clean_env.setenv("TELEGRAM_WEBHOOK_SECRET", "has spaces")
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET"):
        make(fake_app())
    clean_env.setenv("TELEGRAM_WEBHOOK_SECRET", "short-but-valid_chars-123")
    with pytest.raises(ConfigError, match=r"TELEGRAM_WEBHOOK_SECRET: .*shorter than 32"):
        make(fake_app())
    clean_env.setenv("TELEGRAM_WEBHOOK_SECRET", "a-long-enough-webhook-secret-0123456789")
    clean_env.setenv("TELEGRAM_DRIVER", "telethon")
    with pytest.raises(ConfigError, match="TELEGRAM_DRIVER"):
        make(fake_app())


async def test_driver_from_config_unless_the_environment_says(
    clean_env: pytest.MonkeyPatch,
) -> None:
    clean_env.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    runtime = make(fake_app("ptb"))
    assert runtime.driver.name == "ptb" and not runtime.settings.webhook_mode
    await runtime.close()
    clean_env.setenv("TELEGRAM_DRIVER", "aiogram")
    runtime = make(fake_app("ptb"))
    assert runtime.driver.name == "aiogram"
    assert runtime.sender.limits == RateLimits(30.0, 1 / 0.9, 3, 60 / 20 / 0.9)
    await runtime.close()


async def test_a_refused_token_or_webhook_url_stops_start_up(
    clean_env: pytest.MonkeyPatch,
) -> None:
    async with TelegramEmulator() as tg:
        app = fake_app()
        clean_env.setenv("TELEGRAM_API_BASE_URL", tg.base_url)
        clean_env.setenv("TELEGRAM_BOT_TOKEN", "123:wrong-token")
        runtime = make(app)
        with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN was refused"):
            await runtime.setup(web.Application())
        await runtime.close()
        clean_env.setenv("TELEGRAM_BOT_TOKEN", tg.token)
        clean_env.setenv("TELEGRAM_WEBHOOK_URL", "ftp://bot.example.org/webhooks/telegram")
        clean_env.setenv("TELEGRAM_WEBHOOK_SECRET", "s3cret-" + "x" * 32)
        runtime = make(app)
        with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_URL: Telegram refused"):
            await runtime.setup(web.Application())
        await runtime.close()


def test_run_without_token_exits_2_naming_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GHIMAR_", "TELEGRAM_"))}
    env.update(GHIMAR_DATA_DIR=str(tmp_path / "data"), GHIMAR_CHANNELS="telegram")
    result = subprocess.run([sys.executable, "-m", "bot", "run"], text=True,
                            capture_output=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr


@pytest.mark.filterwarnings("ignore:.*retry_after:DeprecationWarning")  # ptb's own RetryAfter()
def test_both_libraries_errors_mean_the_same() -> None:
    method = SendMessage(chat_id=1, text="x")
    aio = aiogram_driver.classify
    assert aio(TelegramRetryAfter(method, "Too Many Requests", 7)).retry_after == 7
    assert aio(TelegramForbiddenError(method, "blocked")).kind is ErrorKind.FORBIDDEN
    assert aio(TelegramBadRequest(method, "chat not found")).kind is ErrorKind.BAD_REQUEST
    assert aio(TelegramNetworkError(method, "timeout")).kind is ErrorKind.TRANSIENT
    ptb = ptb_driver.classify
    assert ptb(RetryAfter(dt.timedelta(seconds=5))).retry_after == 5
    assert ptb(Forbidden("blocked")).kind is ErrorKind.FORBIDDEN
    assert ptb(BadRequest("chat not found")).kind is ErrorKind.BAD_REQUEST  # a NetworkError too
    assert ptb(TimedOut()).kind is ErrorKind.TRANSIENT
    assert ptb(InvalidToken()).kind is ErrorKind.UNAUTHORIZED


def test_the_token_never_reaches_an_error_message() -> None:
    leaky = ApiError(ErrorKind.TRANSIENT, f"404, url='https://x/file/bot{TOKEN}/doc.pdf'")
    clean = scrubbed(leaky, TOKEN)
    assert TOKEN not in clean.description and TOKEN not in str(clean)
    assert clean.kind is ErrorKind.TRANSIENT and "<token>" in clean.description


def test_errors_become_dispatcher_decisions() -> None:
    assert to_result(ApiError(ErrorKind.RETRY_AFTER, "429", 3)) == RetryLater(3, "429")
    assert isinstance(to_result(ApiError(ErrorKind.FORBIDDEN, "blocked")), Unreachable)
    assert to_result(ApiError(ErrorKind.BAD_REQUEST, "bad")) == Failed("bad", permanent=True)
    assert not to_result(ApiError(ErrorKind.TRANSIENT, "502")).permanent  # type: ignore


class FlakyDriver:
    """Sends text; fails the calls listed in `failures` (by call number)."""

    def __init__(self, failures: dict[int, ApiError]) -> None:
        self.failures, self.calls, self.sent = failures, 0, []  # type: ignore[var-annotated]

    async def send_text(self, chat_id: int, text: str, markup: object, thread: object) -> int:
        self.calls += 1
        if self.calls in self.failures:
            raise self.failures[self.calls]
        self.sent.append(text)
        return self.calls


async def test_a_retried_long_message_does_not_repeat_its_delivered_parts() -> None:
    driver = FlakyDriver({2: ApiError(ErrorKind.RETRY_AFTER, "429", 2)})
    paced: list[str] = []

    async def pace(address: str) -> None:
        paced.append(address)

    sender = TelegramSender(driver, None, Catalog(), limits_from(load_config(  # type: ignore
        ROOT / "config.yaml").telegram), pace=pace)
    text = "\n\n".join(["أ" * 3000, "ب" * 3000, "ج" * 3000])
    long = Outbound(text)
    first = await sender.send("55", long)
    assert first == RetryLater(2, "429", parts_sent=1)  # the dispatcher keeps it in the row
    long.meta[PARTS_SENT] = first.parts_sent  # ... and hands it back with the retry
    assert await sender.send("55", long) == Sent("4")
    assert driver.sent == ["أ" * 3000, "ب" * 3000, "ج" * 3000]
    assert paced == ["55", "55"]  # every part after the first of an attempt waits its turn
    assert await sender.send("55", Outbound(text)) == Sent("7")  # the same text: a new message
    assert await sender.send("x", long) == Failed("not a Telegram chat id: 'x'", permanent=True)

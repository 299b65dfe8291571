"""Every check of `python -m bot doctor`, in the order a person would fix them."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx

from app.doctor.local import (
    check_config,
    check_database,
    check_disk,
    check_key,
    check_permissions,
    server_channels,
)
from app.doctor.platforms import (
    Probe,
    channel_settings,
    check_clock,
    check_telegram,
    check_whatsapp,
)
from app.doctor.report import Check, fail, ok, skip
from bot.config import AppConfig, ConfigError
from bot.settings import Settings, load_settings
from handlers.telegram.settings import TelegramSettings
from handlers.whatsapp.settings import WhatsAppSettings


async def diagnose(*, min_free: int, now: Callable[[], float] = time.time) -> list[Check]:
    """Every check, in the order a person would fix them; `now` is the local clock."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        return [fail("environment", str(exc), "fix the variables named, see deploy/README.md")]
    checks = [ok("environment", "GHIMAR_* variables valid")]
    config_check, config = check_config(settings)
    checks.append(config_check)
    modes = check_permissions(settings.data_dir)  # before opening the database makes it 0600
    database, sample = await check_database(settings)
    checks += [*database, check_key(settings, sample), modes,
               check_disk(settings.data_dir, min_free)]
    if config is not None:
        async with httpx.AsyncClient() as http:
            checks += await _channels(settings, config, Probe(http, now))
    return checks


async def _channels(settings: Settings, config: AppConfig, probe: Probe) -> list[Check]:
    channels = server_channels(settings, config)
    if not channels:
        return [skip("channels", "only the terminal is enabled: set GHIMAR_CHANNELS "
                     "(telegram, whatsapp) to serve beneficiaries")]
    found = [ok("channels", ", ".join(channels))]
    for name in channels:
        try:
            env = channel_settings(name)
        except ConfigError as exc:
            found.append(fail(name, str(exc), "set the variables named, see deploy/README.md"))
            continue
        if isinstance(env, TelegramSettings):
            found += await check_telegram(probe, env)
        elif isinstance(env, WhatsAppSettings):
            found += await check_whatsapp(probe, env, config.whatsapp)
        else:
            found.append(skip(name, "no live check for this channel"))
    found.append(check_clock(probe))
    return found

"""Live checks of the enabled channels (Telegram Bot API, WhatsApp Cloud API) and the clock.

Each answer's HTTP `Date` header is kept: the platform's clock against ours is the skew check.
Tokens never appear in a finding: error texts are scrubbed of them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from app.doctor.report import Check, fail, ok, skip, warn
from bot.config import WhatsAppConfig
from handlers.telegram.settings import TelegramSettings, load_telegram_settings
from handlers.whatsapp.settings import WhatsAppSettings, load_whatsapp_settings

TIMEOUT = 10.0
SKEW_WARN = 5.0  # seconds: the Date header has a resolution of one second
SKEW_FAIL = 30.0
PENDING_WARN = 100
RECENT_ERROR = dt.timedelta(hours=24)
BOTFATHER_TOKEN = ("copy the token again from @BotFather (/mybots → the bot → API Token) into "
                   "TELEGRAM_BOT_TOKEN; a revoked token stops working at once")


def channel_settings(name: str) -> TelegramSettings | WhatsAppSettings | None:
    """A server channel's environment settings (ConfigError naming what is missing or wrong);
    None for a channel without any."""
    if name == "telegram":
        return load_telegram_settings()
    if name == "whatsapp":
        return load_whatsapp_settings()
    return None


@dataclass
class Probe:
    """An HTTP client for the checks, and the clock readings taken from the answers."""

    client: httpx.AsyncClient
    now: Callable[[], float] = time.time
    skews: list[tuple[str, float]] = field(default_factory=list)

    async def get(self, platform: str, url: str, secret: str, **kwargs: Any) -> httpx.Response:
        """GET, recording (local clock − platform clock); errors come back without `secret`."""
        try:
            response = await self.client.get(url, timeout=TIMEOUT, **kwargs)
        except httpx.HTTPError as exc:
            message = f"{type(exc).__name__}: {exc}".replace(secret, "<token>")
            raise PlatformError(message) from None
        date = response.headers.get("Date")
        if date:
            # the header is cut to the second: the platform's time is on average half a second on
            server = parsedate_to_datetime(date).timestamp() + 0.5
            self.skews.append((platform, self.now() - server))
        return response


class PlatformError(Exception):
    """The platform could not be reached (network, TLS, timeout)."""


def _unreachable(name: str, base: str, exc: PlatformError, variable: str) -> Check:
    return fail(name, f"{base} unreachable: {exc}",
                f"check the network, proxy and DNS from this machine, and {variable}")


async def check_telegram(probe: Probe, settings: TelegramSettings) -> list[Check]:
    """getMe (the token) and getWebhookInfo (URL, pending updates, last delivery error)."""
    base = f"{settings.api_base_url}/bot{settings.token}"
    try:
        me = await probe.get("telegram", f"{base}/getMe", settings.token)
    except PlatformError as exc:
        return [_unreachable("telegram", settings.api_base_url, exc, "TELEGRAM_API_BASE_URL")]
    body = _json(me)
    if me.status_code == 401:
        return [fail("telegram token", "refused by Telegram (401 Unauthorized)", BOTFATHER_TOKEN)]
    if not body.get("ok"):
        return [fail("telegram token", f"getMe answered {me.status_code} "
                     f"{body.get('description', '')}".strip(), BOTFATHER_TOKEN)]
    bot = body["result"]
    reads = "reads all group messages" if bot.get("can_read_all_group_messages") else (
        "privacy mode on: in groups sees commands, replies and mentions (all when admin)")
    found = [ok("telegram token", f"@{bot.get('username')} (id {bot.get('id')}); {reads}")]
    try:
        info_answer = await probe.get("telegram", f"{base}/getWebhookInfo", settings.token)
    except PlatformError as exc:
        return [*found, _unreachable("telegram webhook", settings.api_base_url, exc,
                                     "TELEGRAM_API_BASE_URL")]
    info = _json(info_answer).get("result") or {}
    found.append(_webhook_finding(settings, info, _server_time(info_answer)))
    return found


def _webhook_finding(settings: TelegramSettings, info: dict[str, Any],
                     server_now: dt.datetime) -> Check:
    url = str(info.get("url") or "")
    pending = int(info.get("pending_update_count") or 0)
    error_at = info.get("last_error_date")
    if error_at and server_now - dt.datetime.fromtimestamp(error_at, dt.UTC) < RECENT_ERROR:
        age = server_now - dt.datetime.fromtimestamp(error_at, dt.UTC)
        return fail("telegram webhook",
                    f"{url or 'no webhook'}: last delivery error {_ago(age)} ago: "
                    f"{info.get('last_error_message', '?')}; {pending} update(s) pending",
                    "make the reverse proxy forward POST /webhooks/telegram to the bot over "
                    "valid TLS, and check TELEGRAM_WEBHOOK_SECRET is the one the bot set")
    expected = settings.webhook_url or ""
    detail = f"{url or 'none (long polling)'}; {pending} update(s) pending"
    if expected and url != expected:
        return warn("telegram webhook", f"Telegram has {url or 'no webhook'}, "
                    f"TELEGRAM_WEBHOOK_URL is {expected}",
                    "the bot sets its webhook when it starts; if this stays, see its log")
    if not expected and url:
        return warn("telegram webhook", f"{detail}, but the bot uses long polling",
                    "the bot removes the webhook when it starts long polling; set "
                    "TELEGRAM_WEBHOOK_URL if the webhook is what you want")
    if pending > PENDING_WARN:
        return warn("telegram webhook", detail, "updates are waiting: is the bot running?")
    return ok("telegram webhook", detail)


async def check_whatsapp(probe: Probe, settings: WhatsAppSettings,
                         config: WhatsAppConfig) -> list[Check]:
    """A Graph API GET of the phone number id: the token and the id together."""
    token = settings.access_token.get_secret_value()
    url = f"{settings.api_base_url}/{settings.version(config)}/{settings.phone_number_id}"
    try:
        answer = await probe.get(
            "whatsapp", url, token, headers={"Authorization": f"Bearer {token}"},
            params={"fields": "display_phone_number,verified_name,quality_rating"})
    except PlatformError as exc:
        return [_unreachable("whatsapp", settings.api_base_url, exc, "WHATSAPP_API_BASE_URL")]
    body = _json(answer)
    error = body.get("error") or {}
    if answer.status_code == 200 and not error:
        number = f"{body.get('display_phone_number', '?')} «{body.get('verified_name', '?')}»"
        quality = body.get("quality_rating", "UNKNOWN")
        if quality in {"RED", "YELLOW"}:
            return [warn("whatsapp number", f"{number}, quality {quality}",
                         "Meta may lower the number's messaging limit: see WhatsApp Manager")]
        return [ok("whatsapp number", f"{number}, quality {quality}")]
    code, message = error.get("code"), error.get("message", "").replace(token, "<token>")
    if answer.status_code == 401 or code == 190:
        return [fail("whatsapp token", f"refused ({answer.status_code}, Graph error {code}: "
                     f"{message})", "create a permanent System User token (Business Settings → "
                     "System users) with whatsapp_business_messaging and "
                     "whatsapp_business_management, put it in WHATSAPP_ACCESS_TOKEN")]
    if code == 100:
        return [fail("whatsapp number", f"phone number id {settings.phone_number_id} not found "
                     f"for this token ({message})", "copy the Phone number ID from the Meta "
                     "app's WhatsApp → API Setup page into WHATSAPP_PHONE_NUMBER_ID")]
    return [fail("whatsapp number", f"answered {answer.status_code}: Graph error {code} "
                 f"{message}".strip(), "see the error on developers.facebook.com and the "
                 "WHATSAPP_* variables")]


def check_clock(probe: Probe) -> Check:
    """The largest difference between our clock and a platform's `Date` header."""
    if not probe.skews:
        return skip("clock", "no platform answered to compare with")
    platform, skew = max(probe.skews, key=lambda item: abs(item[1]))
    ahead = "ahead of" if skew > 0 else "behind"
    detail = f"{abs(skew):.0f} s {ahead} {platform}'s clock"
    fix = ("turn on time synchronisation (timedatectl set-ntp true, or chrony): schedules, "
           "one-time codes and sign-in links depend on the clock")
    if abs(skew) > SKEW_FAIL:
        return fail("clock", detail, fix)
    if abs(skew) > SKEW_WARN:
        return warn("clock", detail, fix)
    return ok("clock", f"within {SKEW_WARN:.0f} s of {platform} ({detail})")


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _server_time(response: httpx.Response) -> dt.datetime:
    date = response.headers.get("Date")
    return parsedate_to_datetime(date) if date else dt.datetime.now(dt.UTC)


def _ago(age: dt.timedelta) -> str:
    minutes = int(age.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"

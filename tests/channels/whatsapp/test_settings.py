"""WHATSAPP_* settings: required variables, base URL and API version."""

from __future__ import annotations

import pytest

from app.channels import whatsapp
from app.runtime import Runtime
from app.wiring import App
from bot.config import ConfigError, WhatsAppConfig
from handlers.whatsapp.settings import load_whatsapp_settings
from tests.channels.whatsapp.conftest import ENV


def test_missing_variables_are_named() -> None:
    with pytest.raises(ConfigError) as caught:
        load_whatsapp_settings({"WHATSAPP_ACCESS_TOKEN": "x"})
    message = str(caught.value)
    for name in ("WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"):
        assert name in message
    assert "WHATSAPP_ACCESS_TOKEN" not in message


def test_blank_or_bad_values_are_refused() -> None:
    with pytest.raises(ConfigError, match="WHATSAPP_APP_SECRET"):
        load_whatsapp_settings({**ENV, "WHATSAPP_APP_SECRET": "  "})
    with pytest.raises(ConfigError, match="WHATSAPP_API_BASE_URL"):
        load_whatsapp_settings({**ENV, "WHATSAPP_API_BASE_URL": "ftp://x"})


@pytest.mark.parametrize("name", ["WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"])
def test_short_secrets_stop_start_up(name: str) -> None:
    with pytest.raises(ConfigError, match=rf"{name}: .*shorter than 32") as caught:
        load_whatsapp_settings({**ENV, name: "wa-secret"})
    assert "wa-secret" not in str(caught.value)  # the message names the variable, not its value


def test_defaults_and_version_override() -> None:
    settings = load_whatsapp_settings(ENV)
    assert settings.api_base_url == "https://graph.facebook.com"
    assert settings.version(WhatsAppConfig(api_version="v21.0")) == "v21.0"
    newer = load_whatsapp_settings({**ENV, "WHATSAPP_API_VERSION": "23.0"})
    assert newer.version(WhatsAppConfig()) == "v23.0"
    assert ENV["WHATSAPP_APP_SECRET"] not in repr(settings)


async def test_runtime_refuses_to_start_without_the_environment(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError, match="WHATSAPP_ACCESS_TOKEN"):
        Runtime(app, ["whatsapp"])
    channel = whatsapp(app, environ=ENV)
    assert channel.name == "whatsapp"
    await channel.close()

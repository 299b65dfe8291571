"""Configuration: the shipped config.yaml is valid; mistakes are reported by key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_config
from bot.settings import ROOT, load_settings


def test_shipped_config_is_valid() -> None:
    config = load_config(ROOT / "config.yaml")
    assert config.timezone == "Asia/Riyadh"
    assert config.working_hours.days == ["sun", "mon", "tue", "wed", "thu"]
    assert config.requests.committee_min_days >= 14


@pytest.mark.parametrize(
    ("change", "names"),
    [
        (("timezone: Asia/Riyadh", "timezone: Mars/Olympus"), "timezone"),
        (("default_language: ar", "default_language: fr"), "default_language"),
        (("  max_family_size: 30", "  max_family_size: -1"), "requests.max_family_size"),
        (("channels: [terminal]", "channels: [fax]"), "channels.0"),
        (("branches: [", "brunches: ["), "brunches"),
    ],
)
def test_invalid_config_names_the_key(tmp_path: Path, change: tuple[str, str], names: str) -> None:
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    assert change[0] in text
    path = tmp_path / "config.yaml"
    path.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert names in str(err.value)


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHIMAR_CHANNELS", "telegram, whatsapp")
    monkeypatch.setenv("GHIMAR_DATABASE_URL", "postgresql+asyncpg://u@h/db")
    settings = load_settings()
    assert settings.channels == ["telegram", "whatsapp"]
    assert not settings.is_sqlite


def test_placeholder_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHIMAR_SECRET_KEY", "changeme")
    with pytest.raises(ConfigError, match="GHIMAR_SECRET_KEY"):
        load_settings()


def test_short_api_token_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GHIMAR_API_TOKEN", "api-token-0123456789")
    with pytest.raises(ConfigError, match=r"GHIMAR_API_TOKEN: .*shorter than 32 characters"):
        load_settings()
    monkeypatch.setenv("GHIMAR_API_TOKEN", "api-token-0123456789-0123456789-abc")
    assert load_settings().api_token is not None

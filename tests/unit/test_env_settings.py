"""The settings loaders' shared error mapping: every problem names its environment variable."""

from __future__ import annotations

import pytest
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config import ConfigError
from bot.settings import load_env_settings, load_settings


class Sample(BaseSettings):
    """Two variables, one required."""

    model_config = SettingsConfigDict(extra="ignore", populate_by_name=True)

    name: str = Field(validation_alias=AliasChoices("SAMPLE_NAME"))
    port: int = Field(80, le=65535, validation_alias=AliasChoices("SAMPLE_PORT"))


def test_only_the_given_mapping_and_prefix_are_read() -> None:
    sample = load_env_settings(Sample, "sample settings", prefix="SAMPLE_",
                               environ={"SAMPLE_NAME": "a", "OTHER_PORT": "x"})
    assert (sample.name, sample.port) == ("a", 80)


def test_bad_and_missing_variables_are_named() -> None:
    with pytest.raises(ConfigError) as err:
        load_env_settings(Sample, "sample settings", environ={"SAMPLE_PORT": "99999"})
    assert str(err.value).splitlines() == [
        "invalid sample settings:", "  SAMPLE_NAME: Field required",
        "  SAMPLE_PORT: Input should be less than or equal to 65535"]
    with pytest.raises(ConfigError) as err:
        load_env_settings(Sample, "sample settings", environ={"SAMPLE_PORT": "99999"},
                          missing="not set: ")
    assert str(err.value).splitlines() == [
        "not set: SAMPLE_NAME", "invalid sample settings:",
        "  SAMPLE_PORT: Input should be less than or equal to 65535"]


def test_an_override_is_named_by_its_variable() -> None:
    with pytest.raises(ConfigError, match="GHIMAR_HTTP_PORT: Input should be less"):
        load_settings(http_port=70000)

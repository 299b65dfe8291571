"""`make run` without any channel also offers the website chat, the one channel that needs no
token (GHIMAR_CHANNELS=web serves /chat/ and /staff/ at once)."""

from __future__ import annotations

from typer.testing import CliRunner

from app.cli import app as cli
from tests.deploy.test_run_without_tokens import fresh  # noqa: F401 (the fixture)


def test_no_server_channel_offers_the_website_without_a_token(fresh) -> None:  # noqa: F811
    result = CliRunner().invoke(cli, ["run"])
    assert result.exit_code == 2
    assert "GHIMAR_CHANNELS=web" in result.output, result.output
    assert "/chat/" in result.output and "/staff/" in result.output

"""Logs: one line per event, JSON on request, the identity's internal id, no personal data;
APScheduler's routine lines at DEBUG."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from app.wiring import App, load_faq
from bot.logging_setup import LogFormat, setup_logging
from bot.messages import Inbound
from bot.repo.identities import get_identity
from tests.flows.helpers import VALID_ID, submit
from tests.support.convo import Convo

NAME = "نورة عبدالله القحطاني"
MOBILE = "0551234567"
SECRET_TEXT = "ابني مريض ويحتاج علاجاً عاجلاً في مستشفى الملك فهد"


@pytest.fixture
def configure(capsys: pytest.CaptureFixture[str]) -> Iterator[object]:
    """setup_logging for the test (to the captured stderr); the previous handlers come back."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level

    def apply(level: str, log_format: LogFormat) -> None:
        setup_logging(level, log_format)

    yield apply
    root.handlers[:], _ = saved[0], root.setLevel(saved[1])


async def _conversation(app: App) -> Convo:
    """A request with a name, a national ID and a mobile, then personal free text, a duplicate,
    a question to the guides and a wish for a person."""
    app.services.faq = load_faq()
    c = Convo(app, "private-person")
    await c.send("مرحبا")
    await c.press("أوافق")
    await submit(c, name=NAME, national_id=VALID_ID)
    await c.send("القائمة")
    await c.send(f"{SECRET_TEXT} رقمي {MOBILE} وهويتي {VALID_ID}")
    again = Inbound("terminal", "private-person", "same-id", text=SECRET_TEXT)
    await c.deliver(again)
    await c.deliver(again)
    await c.send("أريد التحدث مع موظف")
    return c


def _forbidden() -> list[str]:
    """Personal values that must appear in no log line, in the forms they could take."""
    word = SECRET_TEXT.split()[2]  # a word of the text, not only all of it
    return [NAME, *NAME.split(), VALID_ID, MOBILE, MOBILE[1:], "966" + MOBILE[1:], SECRET_TEXT,
            word]


@pytest.mark.parametrize("log_format", ["json", "text"])
async def test_a_conversation_with_personal_data_logs_none_of_it(
    app: App, configure, capsys: pytest.CaptureFixture[str], log_format: LogFormat,  # type: ignore[no-untyped-def]
) -> None:
    configure("DEBUG", log_format)
    await _conversation(app)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert lines, "the conversation logged nothing at DEBUG: the scan would prove nothing"
    leaks = [(value, line) for line in lines for value in _forbidden() if value in line]
    assert leaks == []
    async with app.sessions() as session:
        identity = await get_identity(session, channel="terminal",
                                      platform_user_id="private-person")
    assert identity is not None
    if log_format == "text":
        tagged = {line.rpartition(" identity=")[2] for line in lines if " identity=" in line}
        assert tagged == {str(identity.id)}
    if log_format == "json":
        records = [json.loads(line) for line in lines]  # every line is one whole JSON object
        assert {"time", "level", "logger", "message"} <= set(records[0])
        identities = {r["identity_id"] for r in records if r.get("identity_id") is not None}
        assert identities == {identity.id}
        duplicate = [r for r in records if r["message"].startswith("duplicate terminal")]
        assert duplicate and duplicate[0]["identity_id"] is None  # before the identity is read


def test_a_json_line_is_one_line_even_with_a_traceback(
    configure, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    configure("INFO", "json")
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        logging.getLogger("bot.test").exception("it failed\nbadly")
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert record["message"] == "it failed\nbadly" and "ValueError" in record["exc_info"]


def test_apscheduler_routine_lines_are_debug(
    configure, capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    executor = logging.getLogger("apscheduler.executors.default")
    configure("INFO", "text")
    executor.info('Running job "tick" (scheduled at 2026-11-22 10:00:00+03:00)')
    executor.warning("Run time of job tick was missed by 0:00:05")
    logging.getLogger("app.scheduler").info("retention: deleted nothing")
    err = capsys.readouterr().err
    assert "Running job" not in err
    assert "was missed" in err and "retention: deleted nothing" in err
    configure("DEBUG", "text")
    executor.info('Running job "tick" (scheduled at 2026-11-22 10:00:00+03:00)')
    assert " DEBUG apscheduler.executors.default: Running job" in capsys.readouterr().err

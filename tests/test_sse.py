"""The shared server-sent-event framing (bot/sse.py) both event streams write."""

from __future__ import annotations

import asyncio
import json

from bot import sse


def test_a_frame_names_the_event_and_its_id_then_one_data_line() -> None:
    data = {"text": "مرحبا\nثانٍ"}
    raw = sse.frame(data, event_id="12.5", name="items").decode()
    assert raw.endswith("\n\n")
    lines = raw.rstrip("\n").split("\n")
    assert lines[:2] == ["event: items", "id: 12.5"]
    assert len(lines) == 3 and json.loads(lines[2].removeprefix("data: ")) == data
    assert sse.frame({}) == b"data: {}\n\n"


def test_the_resume_point_is_the_header_else_the_query() -> None:
    assert sse.last_event_id({"Last-Event-ID": "7"}, {"after": "3"}) == "7"
    assert sse.last_event_id({}, {"after": "3"}) == "3"
    assert sse.last_event_id({}, {}) is None


def test_wait_says_whether_the_event_came() -> None:
    async def run() -> tuple[bool, bool]:
        event = asyncio.Event()
        timed_out = await sse.wait(event, 0.01)
        event.set()
        return timed_out, await sse.wait(event, 5)

    assert asyncio.run(run()) == (False, True)

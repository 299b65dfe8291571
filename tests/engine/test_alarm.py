"""The outbox's failure alarm: rings once when failures rise, again only after a quiet window."""

from __future__ import annotations

import datetime as dt

from bot.clock import FrozenClock
from bot.outbox.alarm import FailureAlarm, mask

START = dt.datetime(2026, 11, 22, 7, 0, tzinfo=dt.UTC)


def test_rings_at_the_threshold_once_a_window() -> None:
    clock = FrozenClock(START)
    alarm = FailureAlarm(clock, threshold=3, window_minutes=10)
    rang = [alarm.failed("transient: 502") for _ in range(6)]
    assert [a is not None for a in rang] == [False, False, True, False, False, False]
    assert rang[2] is not None and rang[2].reasons == [("transient: 502", 3)]
    clock.advance(minutes=11)  # the old failures left the window
    assert [alarm.failed("chat not found") is not None for _ in range(3)] == [False, False, True]


def test_failures_spread_thinner_than_the_window_never_ring() -> None:
    clock = FrozenClock(START)
    alarm = FailureAlarm(clock, threshold=3, window_minutes=10)
    for _ in range(10):
        assert alarm.failed("transient: timeout") is None
        clock.advance(minutes=6)


def test_reasons_are_masked() -> None:
    assert mask("Forbidden: chat 123456789 blocked") == "Forbidden: chat ••• blocked"


def test_the_alert_counts_messages_apart_from_failed_sends() -> None:
    """Five replies retried through a 502 outage rang "20 messages failed to send" in the staff
    group: 20 was the failed sends, of 5 messages, none of them lost."""
    from bot.i18n import Catalog

    clock = FrozenClock(START)
    alarm = FailureAlarm(clock, threshold=20, window_minutes=10)
    alerts = [alarm.failed("transient: Bad Gateway", message_id=n % 5) for n in range(20)]
    alert = alerts[-1]
    assert alert is not None and (alert.failures, alert.messages) == (20, 5)
    text = Catalog().t("en", "delivery-alert", failures=alert.failures, messages=alert.messages,
                       minutes=10, reasons=alert.summary())
    assert "20 sends of 5 messages failed" in text, text
    assert "messages failed to send" not in text

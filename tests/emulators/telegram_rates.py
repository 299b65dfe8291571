"""Telegram flood limits: optional enforcement and after-the-fact measurement of send rates."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

# Methods that post a new message into a chat; these are the ones Telegram's flood limits count.
SEND_METHODS = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendMediaGroup",
        "sendVideo",
        "sendAudio",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "copyMessage",
        "forwardMessage",
    }
)


def is_group_chat(chat_id: Any) -> bool:
    """Group and supergroup ids are negative; @usernames are channels/supergroups."""
    if isinstance(chat_id, int):
        return chat_id < 0
    return isinstance(chat_id, str) and chat_id.startswith(("-", "@"))


@dataclass
class RateLimits:
    """Configured limits; None disables one of them."""

    global_per_second: float | None = 30
    per_chat_per_second: float | None = 1
    per_group_per_minute: float | None = 20
    # A private chat may take this many messages at once, then per_chat_per_second on average
    # (a token bucket: "short bursts are allowed"); 1 = no two messages within a second.
    per_chat_burst: int = 1


@dataclass
class Violation:
    """One send refused (or, when only measuring, one that would have been refused)."""

    time: float
    method: str
    chat_id: Any
    rule: str
    retry_after: int


class RateLimiter:
    """Sliding-window counters of accepted sends; decides whether a new send is over a limit."""

    def __init__(self, limits: RateLimits) -> None:
        """Start with empty windows."""
        self.limits = limits
        self._global: deque[float] = deque()
        self._per_chat: dict[Any, deque[float]] = defaultdict(deque)
        self._buckets: dict[Any, tuple[float, float]] = {}  # private chat -> (tokens, at)

    def check(self, now: float, chat_id: Any) -> tuple[str, int] | None:
        """Return (rule, retry_after) when a send to chat_id at `now` exceeds a limit."""
        lim = self.limits
        while self._global and now - self._global[0] >= 1.0:
            self._global.popleft()
        window = self._per_chat[chat_id]
        while window and now - window[0] >= 60.0:
            window.popleft()
        if lim.global_per_second is not None and len(self._global) >= lim.global_per_second:
            return "global_per_second", _retry(self._global[0] + 1.0 - now)
        if lim.per_chat_per_second is not None and self._bursts(chat_id):
            tokens = self._tokens(now, chat_id)
            if tokens < 1.0 - 1e-9:
                return "per_chat_per_second", _retry((1.0 - tokens) / lim.per_chat_per_second)
        elif lim.per_chat_per_second is not None:
            last_second = [t for t in window if now - t < 1.0]
            if len(last_second) >= lim.per_chat_per_second:
                return "per_chat_per_second", _retry(last_second[0] + 1.0 - now)
        if (
            lim.per_group_per_minute is not None
            and is_group_chat(chat_id)
            and len(window) >= lim.per_group_per_minute
        ):
            return "per_group_per_minute", _retry(window[0] + 60.0 - now)
        return None

    def accept(self, now: float, chat_id: Any) -> None:
        """Count an accepted send."""
        self._global.append(now)
        self._per_chat[chat_id].append(now)
        if self.limits.per_chat_per_second is not None and self._bursts(chat_id):
            self._buckets[chat_id] = (self._tokens(now, chat_id) - 1.0, now)

    def _bursts(self, chat_id: Any) -> bool:
        return self.limits.per_chat_burst > 1 and not is_group_chat(chat_id)

    def _tokens(self, now: float, chat_id: Any) -> float:
        burst, rate = self.limits.per_chat_burst, self.limits.per_chat_per_second or 0.0
        tokens, at = self._buckets.get(chat_id, (float(burst), now))
        return min(float(burst), tokens + (now - at) * rate)


def _retry(seconds: float) -> int:
    """Telegram rounds retry_after up to whole seconds, at least 1."""
    return max(1, math.ceil(seconds))


@dataclass
class RateReport:
    """Rates measured from successful sends (see TelegramEmulator.max_rate_observed)."""

    total_sends: int = 0
    global_max_per_second: int = 0
    per_chat_min_interval: dict[Any, float] = field(default_factory=dict)
    per_chat_max_per_second: dict[Any, int] = field(default_factory=dict)
    per_group_max_per_minute: dict[Any, int] = field(default_factory=dict)
    chat_times: dict[Any, list[float]] = field(default_factory=dict, repr=False)

    @property
    def min_chat_interval(self) -> float | None:
        """Smallest gap between two sends into the same chat (None if no chat got two)."""
        return min(self.per_chat_min_interval.values(), default=None)

    def exceeded(self, limits: RateLimits | None = None) -> list[str]:
        """Human-readable list of limits the observed traffic broke (empty when compliant)."""
        lim = limits or RateLimits()
        out: list[str] = []
        if (
            lim.global_per_second is not None
            and self.global_max_per_second > lim.global_per_second
        ):
            out.append(f"global {self.global_max_per_second}/s > {lim.global_per_second}/s")
        for chat, count in self.per_chat_max_per_second.items():
            if lim.per_chat_per_second is None:
                continue
            if lim.per_chat_burst > 1 and not is_group_chat(chat):
                if not _fits_bucket(self.chat_times.get(chat, []), lim.per_chat_per_second,
                                    lim.per_chat_burst):
                    out.append(f"chat {chat}: more than a burst of {lim.per_chat_burst} "
                               f"then {lim.per_chat_per_second}/s")
            elif count > lim.per_chat_per_second:
                out.append(f"chat {chat}: {count}/s > {lim.per_chat_per_second}/s")
        for chat, count in self.per_group_max_per_minute.items():
            if lim.per_group_per_minute is not None and count > lim.per_group_per_minute:
                out.append(f"group {chat}: {count}/min > {lim.per_group_per_minute}/min")
        return out


def _fits_bucket(times: list[float], rate: float, burst: int) -> bool:
    """True when these send times fit a token bucket of `burst` tokens refilled at `rate`/s."""
    tokens, last = float(burst), None
    for t in times:
        if last is not None:
            tokens = min(float(burst), tokens + (t - last) * rate)
        if tokens < 1.0 - 1e-9:
            return False
        tokens, last = tokens - 1.0, t
    return True


def _max_in_window(times: list[float], width: float) -> int:
    """Largest number of timestamps inside any half-open window [t, t + width)."""
    best, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= width:
            start += 1
        best = max(best, end - start + 1)
    return best


def measure(sends: list[tuple[float, Any]]) -> RateReport:
    """Build a RateReport from (time, chat_id) pairs of successful sends."""
    sends = sorted(sends, key=lambda s: s[0])
    report = RateReport(total_sends=len(sends))
    report.global_max_per_second = _max_in_window([t for t, _ in sends], 1.0)
    per_chat: dict[Any, list[float]] = defaultdict(list)
    for t, chat in sends:
        per_chat[chat].append(t)
    report.chat_times = dict(per_chat)
    for chat, times in per_chat.items():
        if len(times) > 1:
            report.per_chat_min_interval[chat] = min(b - a for a, b in itertools.pairwise(times))
        report.per_chat_max_per_second[chat] = _max_in_window(times, 1.0)
        if is_group_chat(chat):
            report.per_group_max_per_minute[chat] = _max_in_window(times, 60.0)
    return report

"""Local emulators of the Telegram Bot API and the WhatsApp Cloud API for tests and benchmarks."""

from .common import FakeClock, RecordedCall, UploadedFile
from .telegram_api import TelegramEmulator
from .telegram_factories import load_telegram_fixtures
from .telegram_rates import RateLimits, RateReport, Violation
from .telegram_state import TelegramApiError
from .whatsapp_api import WhatsAppEmulator
from .whatsapp_builders import (
    first_message,
    load_graph_error_fixtures,
    load_whatsapp_fixtures,
    new_wamid,
)
from .whatsapp_rules import GraphError
from .whatsapp_webhook import meta_json

__all__ = [
    "FakeClock",
    "GraphError",
    "RateLimits",
    "RateReport",
    "RecordedCall",
    "TelegramApiError",
    "TelegramEmulator",
    "UploadedFile",
    "Violation",
    "WhatsAppEmulator",
    "first_message",
    "load_graph_error_fixtures",
    "load_telegram_fixtures",
    "load_whatsapp_fixtures",
    "meta_json",
    "new_wamid",
]

"""The non-secret configuration read from config.yaml, validated with pydantic."""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

Channel = Literal["terminal", "telegram", "whatsapp", "web"]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
Role = Literal["officer", "researcher", "admin"]


class ConfigError(Exception):
    """Raised when config.yaml is missing or invalid; the message names the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class HijriHoliday(_Strict):
    """A holiday every Hijri year (Umm al-Qura): `days` days from month/day."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=30)  # 30 in a 29-day month means its last day
    days: int = Field(1, ge=1, le=30)


class NationalDay(_Strict):
    """A holiday on the same Gregorian date every year, for `days` days."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    days: int = Field(1, ge=1, le=30)

    @model_validator(mode="after")
    def _real_date(self) -> NationalDay:
        dt.date(2028, self.month, self.day)  # a leap year: 29 February is allowed
        return self


class WorkingHours(_Strict):
    days: list[Weekday] = ["sun", "mon", "tue", "wed", "thu"]
    start: dt.time = dt.time(8, 0)
    end: dt.time = dt.time(16, 0)
    holidays: list[dt.date] = []
    hijri_holidays: list[HijriHoliday] = [
        HijriHoliday(name="eid_al_fitr", month=10, day=1, days=4),
        HijriHoliday(name="eid_al_adha", month=12, day=9, days=4),
    ]
    national_days: list[NationalDay] = [
        NationalDay(name="founding_day", month=2, day=22),
        NationalDay(name="national_day", month=9, day=23),
    ]


_CONDITION = re.compile(r"^\s*(income|family_size)\s*(==|!=|<=|>=|<|>)\s*(\d+)\s*$")
_COMPARE = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
            ">": operator.gt, ">=": operator.ge}


class DocumentRule(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    may_bring_to_branch: bool = True
    unless: str | None = None  # e.g. "income == 0": not required when the answers match

    @field_validator("unless")
    @classmethod
    def _condition(cls, value: str | None) -> str | None:
        if value is not None and not _CONDITION.match(value):
            raise ValueError("expected '<income|family_size> <==|!=|<|<=|>|>=> <whole number>', "
                             "e.g. 'income == 0'")
        return value

    def required_for(self, answers: Mapping[str, object]) -> bool:
        """Whether the form asks for this document given the answers so far."""
        match = _CONDITION.match(self.unless or "")
        if match is None:
            return True
        field, op, number = match.groups()
        value = answers.get(field)
        if not isinstance(value, int):
            return True  # not answered yet
        return not _COMPARE[op](value, int(number))


class SupportType(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{1,40}$")
    documents: list[DocumentRule] = []


class RequestRules(_Strict):
    reference_prefix: str = Field("GH", pattern=r"^[A-Z]{1,5}$")
    committee_min_days: int = Field(14, ge=1)
    cooldown_days_after_decision: int = Field(30, ge=0)
    max_family_size: int = Field(30, ge=1)
    max_monthly_income_sar: int = Field(100000, ge=1)


class LinkingConfig(_Strict):
    """Linking a request to another channel: a one-time code sent to the owner's channel."""

    code_minutes: int = Field(10, ge=1, le=60)
    max_tries_per_code: int = Field(3, ge=1, le=10)
    max_codes_per_identity_per_day: int = Field(3, ge=1)
    max_codes_per_request_per_day: int = Field(3, ge=1)


class Limits(_Strict):
    max_text_length: int = Field(1000, ge=50)
    max_name_length: int = Field(80, ge=10)
    max_failures_before_offer_person: int = Field(3, ge=1)
    max_upload_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    allowed_upload_types: list[str] = ["application/pdf", "image/jpeg", "image/png"]
    # per identity: beyond this many messages in the window, one notice and then silence
    inbound_messages_per_window: int = Field(20, ge=1)
    # turns that answer the bot's pending question (the support form is about 15): its own budget
    inbound_answers_per_window: int = Field(60, ge=1)
    inbound_window_seconds: int = Field(60, ge=1)


class OutboxConfig(_Strict):
    max_attempts: int = Field(8, ge=1)
    base_backoff_seconds: float = Field(2.0, gt=0)
    max_backoff_seconds: float = Field(600.0, gt=0)
    # network errors and 5xx use no attempt: retried every <= transient_max_backoff_seconds
    # until the message is give_up_after_hours old, then `failed` with the reason
    transient_max_backoff_seconds: float = Field(60.0, gt=0)
    give_up_after_hours: float = Field(24.0, gt=0)
    # the inbound inbox: a stored update not handled this long after a worker took it (a
    # crash, an outage during its turn) is taken over by a worker
    inbox_lease_seconds: float = Field(30.0, gt=0)
    # an ERROR line and one staff-group notice when this many sends failed within the window
    alert_failures: int = Field(20, ge=1)
    alert_window_minutes: float = Field(10.0, gt=0)


class TelegramConfig(_Strict):
    """Telegram channel settings (secrets come from the environment)."""

    driver: Literal["aiogram", "ptb"] = "aiogram"
    per_second: float = Field(30.0, gt=0)  # all chats together
    per_chat_interval: float = Field(1.0, gt=0)  # seconds between messages to one private chat
    per_chat_burst: int = Field(3, ge=1)  # messages a private chat may get at once (a reply)
    group_per_minute: int = Field(20, ge=1)  # messages per minute to one group
    use_forum_topics: bool = True  # staff group: one topic per case when the group is a forum


class TemplateRef(_Strict):
    """An approved WhatsApp template used outside the 24-hour window."""

    name: str
    languages: dict[Literal["ar", "en"], str] = {"ar": "ar", "en": "en"}
    params: list[str] = []  # names of the notification's fields, in body order
    # Quick-reply buttons the approved template has (0-10). The message's choices fill them in
    # order, each button's payload being the choice's id, so the template's buttons must be
    # approved in the same order as the choices (a survey: 5, 4, 3, 2, 1, not now).
    quick_replies: int = Field(0, ge=0, le=10)


class WhatsAppConfig(_Strict):
    """WhatsApp Cloud API channel settings (secrets come from the environment)."""

    api_version: str = "v21.0"
    per_second: float = Field(20.0, gt=0)
    per_chat_interval: float = Field(1.0, gt=0)
    window_hours: int = Field(24, ge=1)
    templates: dict[str, TemplateRef] = {}


class WebChatConfig(_Strict):
    """The website chat (`web` channel): who may embed it and how much a visitor may send."""

    # origins of the pages that may embed the widget and call the chat (besides the bot's own)
    allowed_origins: list[str] = []
    cookie_samesite: Literal["Lax", "Strict", "None"] = "Lax"  # None: embedding across sites
    cookie_days: int = Field(180, ge=1)  # a returning visitor resumes within this many days
    history: int = Field(100, ge=1, le=1000)  # messages shown when a visitor comes back
    max_text_chars: int = Field(2000, ge=1)
    visitor_per_minute: int = Field(30, ge=1)  # requests a minute from one visitor
    ip_per_minute: int = Field(240, ge=1)  # requests a minute from one address
    streams_per_visitor: int = Field(8, ge=1)  # open tabs of one visitor
    heartbeat_seconds: float = Field(20.0, gt=0)  # a comment on an idle stream (and a re-read)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if not re.fullmatch(r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?", origin):
                raise ValueError(f"{origin!r} is not an origin (scheme://host[:port])")
        return value


class QuietHours(_Strict):
    """No business-initiated message between start and end (local time), or on holidays."""

    enabled: bool = True
    start: dt.time = dt.time(22, 0)
    end: dt.time = dt.time(8, 0)


class ReasonTemplate(_Strict):
    """One of the committee's usual reasons, in both languages."""

    ar: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def text(self, lang: str) -> str:
        """The reason in `lang` (Arabic unless English)."""
        return self.en if lang == "en" else self.ar


class ReasonTemplates(_Strict):
    """The usual reasons offered in the console: one list per decision."""

    accept: list[ReasonTemplate] = []
    reject: list[ReasonTemplate] = []

    def of(self, decision: str) -> list[ReasonTemplate]:
        """The templates of a decision ("accepted" or "rejected")."""
        return self.accept if decision == "accepted" else self.reject

    def in_language(self, reason: str, lang: str) -> str:
        """A recorded reason in `lang` when it is a template's text; else as it was written."""
        for template in (*self.accept, *self.reject):
            if reason in (template.ar, template.en):
                return template.text(lang)
        return reason


class DecisionsConfig(_Strict):
    """How committee decisions reach the beneficiary."""

    share_rejection_reason: bool = True
    notify_delay_minutes: int = Field(0, ge=0)
    reason_templates: ReasonTemplates = ReasonTemplates()  # offered when deciding in the console


class SurveyConfig(_Strict):
    """The satisfaction survey (evaluation is the beneficiary's right)."""

    after_decision_hours: float | None = Field(48.0, ge=0)  # None: no survey after a decision
    after_delivery_hours: float | None = Field(24.0, ge=0)
    reminder_hours: float = Field(48.0, gt=0)
    expire_hours: float = Field(168.0, gt=0)


class RemindersConfig(_Strict):
    """Reminders to beneficiaries and to staff."""

    missing_documents_after_hours: float = Field(72.0, gt=0)
    missing_documents_max: int = Field(2, ge=0)
    committee_waiting_days: int = Field(21, ge=1)
    staff_digest_time: dt.time = dt.time(9, 0)


class StaffMember(_Strict):
    """A member of staff, known by Telegram user id."""

    telegram_id: int
    role: Role
    name: str | None = None


class StaffConfig(_Strict):
    """The staff desk in the Telegram group."""

    members: list[StaffMember] = []  # TELEGRAM_STAFF_IDS adds "id:role" pairs
    first_reminder_minutes: int = Field(30, ge=1)  # working minutes without a staff answer
    admin_reminder_minutes: int = Field(120, ge=1)
    survey_on_close: bool = True
    transcript_lines: int = Field(8, ge=0, le=30)
    notify_volunteers: bool = True  # a notice in the staff group per new volunteer application
    complaint_flag_days: int = Field(7, ge=1)  # the console flags complaints open longer
    notify_new_requests: bool = True  # a short, masked notice in the group per new request


class RetentionConfig(_Strict):
    """How long the tables that only grow keep their rows (a daily job prunes the rest)."""

    inbound_receipts_days: int = Field(14, ge=1)  # platforms redeliver for a day or so
    transcript_days: int = Field(180, ge=1)  # lines of an identity with an open case stay
    outbox_days: int = Field(30, ge=1)  # messages no longer pending (their text may be personal)
    closed_case_days: int = Field(365, ge=1)  # then a closed case's summary is anonymised
    scheduled_days: int = Field(90, ge=1)  # scheduled rows done or cancelled
    knowledge_gap_days: int = Field(365, ge=1)  # unanswered questions (may name people)
    orphan_document_days: int = Field(7, ge=1)  # files in the documents folder no row names


class Retained(_Strict):
    """What the association must keep after a deletion request, for how long and why."""

    years: int = Field(ge=1, le=50)
    reason_ar: str = Field(min_length=5)
    reason_en: str = Field(min_length=5)


RetainedKind = Literal["support_requests", "documents", "feedback", "volunteer_applications"]


class PrivacyConfig(_Strict):
    """The data-subject rights (PDPL): reply deadline, staff reminder, what deletion keeps."""

    reply_days: int = Field(30, ge=1, le=30)  # the implementing regulation: within 30 days
    remind_days_before: int = Field(5, ge=0)
    retain_after_deletion: dict[RetainedKind, Retained] = {}


class HealthConfig(_Strict):
    """What `/readyz` calls ready."""

    outbox_stuck_seconds: float = Field(900.0, gt=0)  # the oldest due message may wait this long


class MetricsConfig(_Strict):
    """Prometheus `/metrics`: off unless enabled; GHIMAR_METRICS_TOKEN or a localhost port."""

    enabled: bool = False
    # None: /metrics on the bot's HTTP server, GHIMAR_METRICS_TOKEN required as a bearer token.
    # A port: /metrics served only there, on 127.0.0.1 (the token, when set, is asked there too).
    local_port: int | None = Field(None, ge=1, le=65535)


class AppConfig(_Strict):
    """Everything in config.yaml."""

    channels: list[Channel] = ["terminal"]
    default_language: Literal["ar", "en"] = "ar"
    timezone: str = "Asia/Riyadh"
    working_hours: WorkingHours = WorkingHours()
    support_types: list[SupportType] = Field(min_length=1)
    branches: list[str] = Field(min_length=1)
    requests: RequestRules = RequestRules()
    linking: LinkingConfig = LinkingConfig()
    limits: Limits = Limits()
    consent_text_version: str = "v1"
    declaration_text_version: str = "v1"
    escalation_roles: dict[str, Role] = {}
    outbox: OutboxConfig = OutboxConfig()
    telegram: TelegramConfig = TelegramConfig()
    quiet_hours: QuietHours = QuietHours()
    decisions: DecisionsConfig = DecisionsConfig()
    surveys: SurveyConfig = SurveyConfig()
    reminders: RemindersConfig = RemindersConfig()
    staff: StaffConfig = StaffConfig()
    whatsapp: WhatsAppConfig = WhatsAppConfig()
    web: WebChatConfig = WebChatConfig()
    retention: RetentionConfig = RetentionConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    health: HealthConfig = HealthConfig()
    metrics: MetricsConfig = MetricsConfig()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("support_types")
    @classmethod
    def _unique_types(cls, value: list[SupportType]) -> list[SupportType]:
        ids = [t.id for t in value]
        if len(ids) != len(set(ids)):
            raise ValueError("support type ids must be unique")
        return value

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)

    def support_type(self, type_id: str) -> SupportType | None:
        """The support type with this id, if offered."""
        return next((t for t in self.support_types if t.id == type_id), None)


def _describe(err: ValidationError) -> str:
    lines = []
    for item in err.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(top level)"
        lines.append(f"  {key}: {item['msg']}")
    return "\n".join(lines)


def load_config(path: Path) -> AppConfig:
    """Read and validate config.yaml; raise ConfigError naming each bad key."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError as exc:
        raise ConfigError(f"configuration file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path} must hold a mapping of settings at the top level")
    try:
        return AppConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"invalid configuration in {path}:\n{_describe(exc)}") from exc

"""Helpers shared by the flows: dates, common parsers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.engine.context import Ctx
from bot.messages import Choice
from bot.text import clean
from bot.validation import Invalid, parse_full_name, parse_mobile


def faq_entry_text(ctx: Ctx, key: str, entry: Any, lang: str) -> str:
    """A catalogue text showing an FAQ entry (answer and source by language), wholly in `lang`."""
    return ctx.services.catalog.t(lang, key, answer=entry.answer[lang], source=entry.source[lang])


def year_now(ctx: Ctx) -> int:
    """The current year in the association's time zone."""
    return ctx.now.astimezone(ctx.config.tz).year


def local_date(ctx: Ctx, when: dt.datetime | None) -> str:
    """A date in the association's time zone, as YYYY-MM-DD."""
    if when is None:
        return "-"
    return when.astimezone(ctx.config.tz).strftime("%Y-%m-%d")


def name_parser(ctx: Ctx, text: str) -> str | Invalid:
    """Full-name parser bound to the configured length limit."""
    return parse_full_name(text, ctx.config.limits.max_name_length)


def mobile_parser(ctx: Ctx, text: str) -> str | Invalid:
    """Mobile parser (Saudi numbers by default)."""
    return parse_mobile(text)


def own_number(ctx: Ctx) -> str | None:
    """On WhatsApp, the mobile number the beneficiary writes from."""
    if ctx.identity.channel != "whatsapp":
        return None
    number = parse_mobile("+" + ctx.identity.platform_user_id.lstrip("+"))
    return None if isinstance(number, Invalid) else number


def mobile_suggestions(ctx: Ctx) -> list[Choice]:
    """On WhatsApp, offer the number the beneficiary writes from, to confirm with one tap."""
    number = own_number(ctx)
    return [Choice("mobile:own", ctx.t("use-this-number", number=number))] if number else []


def contact_number(ctx: Ctx) -> str | Invalid | None:
    """The shared contact's number, if the message is a contact; refused if not the sender's."""
    inbound = ctx.inbound
    if not inbound.contact_phone:
        return None
    if not inbound.contact_is_own:
        return Invalid("err-contact-not-own")
    return parse_mobile("+" + clean(inbound.contact_phone).lstrip("+"))

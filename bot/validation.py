"""Validators for the request form: national ID, phone, names, numbers, free text."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from bot.text import clean, has_letters_or_digits


@dataclass(frozen=True)
class Invalid:
    """Why an answer was refused: a locale key and its arguments."""

    key: str
    args: dict[str, object] | None = None


def national_id_checksum_ok(digits: str) -> bool:
    """Luhn check over the 10 digits of a Saudi national ID or residence number."""
    total = 0
    for index, ch in enumerate(digits):
        value = int(ch)
        if index % 2 == 0:
            value *= 2
            value = value - 9 if value > 9 else value
        total += value
    return total % 10 == 0


def parse_national_id(text: str) -> str | Invalid:
    """A valid national ID / residence number, or why not."""
    digits = re.sub(r"[\s-]", "", clean(text))
    if not digits.isdigit():
        return Invalid("err-id-digits")
    if len(digits) != 10:
        return Invalid("err-id-length", {"count": len(digits)})
    if digits[0] not in "12":
        return Invalid("err-id-prefix")
    if not national_id_checksum_ok(digits):
        return Invalid("err-id-checksum")
    return digits


def parse_mobile(text: str, region: str = "SA") -> str | Invalid:
    """A mobile number in E.164 (Saudi by default), or why not."""
    raw = clean(text).replace(" ", "")
    if not raw or not re.fullmatch(r"\+?[\d()\-.]{6,20}", raw):
        return Invalid("err-mobile-format")
    if raw.startswith("00"):
        raw = "+" + raw[2:]
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return Invalid("err-mobile-format")
    if not phonenumbers.is_valid_number(number):
        return Invalid("err-mobile-format")
    kind = phonenumbers.number_type(number)
    if kind not in (phonenumbers.PhoneNumberType.MOBILE,
                    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
        return Invalid("err-mobile-not-mobile")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_NAME = re.compile(r"^[\w\u0600-\u06ff' .-]+$")


def parse_full_name(text: str, max_length: int) -> str | Invalid:
    """A full name of at least two words in Arabic or Latin letters."""
    name = clean(text)
    if len(name) > max_length:
        return Invalid("err-too-long", {"max": max_length})
    if not has_letters_or_digits(name) or not _NAME.match(name) or any(c.isdigit() for c in name):
        return Invalid("err-name-letters")
    if len(name.split()) < 2:
        return Invalid("err-name-parts")
    return name


def parse_int(text: str, *, minimum: int, maximum: int) -> int | Invalid:
    """A whole number within bounds (Arabic-Indic digits and thousands separators allowed)."""
    raw = clean(text).replace(",", "").replace("٬", "").replace("،", "")
    raw = re.sub(r"(ريال|ر\.س|sar|riyals?)", "", raw, flags=re.IGNORECASE).strip()
    if not raw.isdigit():
        return Invalid("err-number")
    value = int(raw)
    if not minimum <= value <= maximum:
        return Invalid("err-number-range", {"min": minimum, "max": maximum})
    return value


def parse_free_text(text: str, *, min_length: int, max_length: int) -> str | Invalid:
    """Free text with real content, within a length limit."""
    value = clean(text)
    if len(value) > max_length:
        return Invalid("err-too-long", {"max": max_length})
    if not has_letters_or_digits(value) or len(value) < min_length:
        return Invalid("err-text-short", {"min": min_length})
    return value

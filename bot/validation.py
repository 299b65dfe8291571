"""Validators for the request form: national ID, phone, names, numbers, free text."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from bot.text import clean, fold, has_letters_or_digits


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


# Number words for small counts (a family's size), spelled as people type them: Arabic in both
# genders with Gulf forms (اربعه، ثمان، ثنتين، احدعش، ثلطعش), and English. Keys are `fold`ed
# (ة→ه, أإآ→ا, ى→ي). A table rather than a library: pyarabic's text2number returns 0 for any
# word it does not know (indistinguishable from صفر) and misses the forms ending in ه;
# word2number and text2num have no Arabic.
_AR_UNITS = {
    0: "صفر", 1: "واحد واحده وحده", 2: "اثنين اثنان اثنتين اثنتان ثنين ثنتين اتنين",
    3: "ثلاثه ثلاث تلاته تلات", 4: "اربعه اربع", 5: "خمسه خمس", 6: "سته ست",
    7: "سبعه سبع", 8: "ثمانيه ثماني ثمان ثمنيه تمانيه تمان", 9: "تسعه تسع",
    10: "عشره عشر",
}
_AR_TEENS = {
    11: "احدعش حدعش احدعشر", 12: "اطنعش اثنعش ثنعش اثنا_عشر اثني_عشر اثنتا_عشره اثنتي_عشره",
    13: "ثلطعش ثلاثطعش ثلتعش تلتعش", 14: "اربعطعش اربعتعش ربعطعش", 15: "خمسطعش خمستعش",
    16: "ستطعش ستعش", 17: "سبعطعش سبعتعش", 18: "ثمنطعش ثمانطعش ثمنتعش تمنتعش",
    19: "تسعطعش تسعتعش",
}
_AR_TENS = {20: "عشرين عشرون", 30: "ثلاثين ثلاثون", 40: "اربعين اربعون", 50: "خمسين خمسون",
            60: "ستين ستون", 70: "سبعين سبعون", 80: "ثمانين ثمانون", 90: "تسعين تسعون"}
_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
       "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
       "nineteen")
_EN_TENS = {20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy",
            80: "eighty", 90: "ninety"}


def _number_words() -> tuple[dict[str, int], dict[str, int]]:
    units: dict[str, int] = {word: n for n, words in _AR_UNITS.items() for word in words.split()}
    units.update({word: n for n, word in enumerate(_EN)})
    for n in range(3, 10):  # ثلاثة عشر، ثلاث عشرة ...
        for word in _AR_UNITS[n].split():
            units[f"{word} عشر"] = units[f"{word} عشره"] = 10 + n
    units["احد عشر"] = units["احدي عشر"] = units["احدي عشره"] = 11
    for n, words in _AR_TEENS.items():
        units.update({word.replace("_", " "): n for word in words.split()})
    tens = {word: n for n, words in _AR_TENS.items() for word in words.split()}
    tens.update({word: n for n, word in _EN_TENS.items()})
    return units, tens


_UNIT_WORDS, _TEN_WORDS = _number_words()
_COUNTED = re.compile(r"\b(افراد|أفراد|فرد|اشخاص|أشخاص|شخص|people|persons|members)\b",
                      re.IGNORECASE)


def number_from_words(text: str) -> int | None:
    """The number a word or two stand for (خمسة، احدعش، واحد وعشرين، twenty-one), or None."""
    key = " ".join(fold(text).replace("-", " ").split())
    if key in _UNIT_WORDS:
        return _UNIT_WORDS[key]
    if key in _TEN_WORDS:
        return _TEN_WORDS[key]
    arabic = re.fullmatch(r"(\S+) و ?(\S+)", key)  # واحد وعشرين: the unit comes first
    english = re.fullmatch(r"([a-z]+) ([a-z]+)", key)  # twenty one
    unit, ten = (arabic.groups() if arabic else
                 tuple(reversed(english.groups())) if english else (None, None))
    if unit in _UNIT_WORDS and ten in _TEN_WORDS and 1 <= _UNIT_WORDS[unit] <= 9:
        return _TEN_WORDS[ten] + _UNIT_WORDS[unit]
    return None


def parse_int(text: str, *, minimum: int, maximum: int) -> int | Invalid:
    """A whole number within bounds (Arabic-Indic digits, thousands separators and number
    words up to ninety-nine allowed)."""
    raw = clean(text).replace(",", "").replace("٬", "").replace("،", "")
    raw = re.sub(r"(ريال|ر\.س|sar|riyals?)", "", raw, flags=re.IGNORECASE).strip()
    raw = _COUNTED.sub("", raw).strip()
    if not raw.isdigit():
        spelled = number_from_words(raw)
        if spelled is None:
            return Invalid("err-number")
        raw = str(spelled)
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

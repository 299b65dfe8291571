"""Small text helpers shared by validation and matching: digits, spaces, emoji."""

from __future__ import annotations

import re
import unicodedata

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DIACRITICS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_SPACES = re.compile(r"\s+")
_BIDI_MARKS = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def ascii_digits(text: str) -> str:
    """Map Arabic-Indic and Persian digits to ASCII digits."""
    return text.translate(_DIGITS)


def clean(text: str) -> str:
    """Strip bidi marks and surrounding space, fold runs of space, map digits."""
    text = _BIDI_MARKS.sub("", text)
    return _SPACES.sub(" ", ascii_digits(text)).strip()


def fold(text: str) -> str:
    """A comparison key: cleaned, lower-case, without diacritics, unified alef/ya/ta."""
    text = _DIACRITICS.sub("", clean(text)).casefold()
    text = re.sub("[إأآٱ]", "ا", text).replace("ى", "ي").replace("ة", "ه")
    return text.strip(" .!،,؟?«»\"'")


_HAMZA = str.maketrans({"ؤ": "و", "ئ": "ي", "ء": None})
_NAME_JOINERS = re.compile(r"[\s\-_.'ـ]+")


def name_key(text: str) -> str:
    """A name's comparison key: `fold`ed, hamza on a seat unified (ؤ→و, ئ→ي, ء dropped),
    and no spaces, so that compound names match however they are written (عبد الله = عبدالله).

    Letters keep their order, so different names stay different.
    """
    text = unicodedata.normalize("NFKC", text)
    return _NAME_JOINERS.sub("", fold(text).translate(_HAMZA))


def same_name(typed: str, given: str) -> bool:
    """True when two spellings are the same name after Arabic normalisation (a signature)."""
    key = name_key(typed)
    return bool(key) and key == name_key(given)


def has_letters_or_digits(text: str) -> bool:
    """False for input made only of emoji, symbols or punctuation."""
    return any(unicodedata.category(ch)[0] in ("L", "N") for ch in text)

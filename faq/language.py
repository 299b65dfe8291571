"""Which language a question is written in: Arabic script, English, or Arabic in Latin letters."""

from __future__ import annotations

import re
from typing import Literal

from faq.normalize import EN_STOPWORDS, normalize_arabic

Lang = Literal["ar", "en"]

_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9']*")
# Arabizi: digits standing for Arabic letters inside a Latin word (3 = ع, 7 = ح, 6 = ط, ...).
_ARABIZI_DIGIT = re.compile(r"[a-z][2356789]|[2356789][a-z]")
# Frequent Gulf/MSA words written in Latin letters that English never uses.
_ARABIZI = """abi abgha abga ab6a ana ani enta anta wesh wish shu shno esh eish kaif kef keif kayf
    shlon shlonak wain wein ween feen mumken momken mmkn ya3ni yaani 3ala ala fi hal lesh leish
    laish matha mata meta kam kem 3indakom 3ndkom 3ndk indakom al el wa w ma mo mu la ta3 7ag
    7ug ab6i tigdar agdar aqdar aqdem agdem asajel asajjil 6alab talab 6alabi talabi jam3iya
    jam3eya jamiya gam3eya"""
ARABIZI_WORDS = frozenset(_ARABIZI.split())


def is_arabizi(text: str) -> bool:
    """Arabic written in Latin letters ("kaif asajel 6alab"), not English."""
    words = _LATIN_WORD.findall(normalize_arabic(text))
    if not words:
        return False
    marked = sum(bool(_ARABIZI_DIGIT.search(w)) or w in ARABIZI_WORDS for w in words)
    english = sum(w in EN_STOPWORDS for w in words)
    return marked > english


def detect_language(text: str) -> Lang:
    """"ar" when Arabic-script words are as many as Latin ones, or for Arabizi; else "en"."""
    norm = normalize_arabic(text)
    arabic = len(_ARABIC_WORD.findall(norm))
    latin = len(_LATIN_WORD.findall(norm))
    if arabic >= latin and arabic > 0:
        return "ar"
    if latin == 0:
        return "ar"
    return "ar" if is_arabizi(norm) else "en"

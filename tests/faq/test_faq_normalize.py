"""Arabic and English normalisation and tokenisation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from faq.normalize import normalize, normalize_arabic, terms_of


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("مُسْتَنَدَاتٌ", "مستندات"),  # diacritics
        ("المطلوبــــة", "المطلوبه"),  # tatweel, ta marbuta
        ("أحمد إلى آخر ٱسم", "احمد الي اخر اسم"),  # alef forms, alef maqsura
        ("مستشفى", "مستشفي"),
        ("مسؤول مسئول", "مسءول مسءول"),  # hamza on waw / ya
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),  # Arabic-Indic digits
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),  # Persian digits
        ("ما هو؟", "ما هو?"),
        ("  Hello   WORLD ", "hello world"),
        ("یک کتاب", "يك كتاب"),  # Persian ya and kaf
        ("\u200fنص\u200e", "نص"),  # bidi marks
    ],
)
def test_normalize_arabic(raw: str, expected: str) -> None:
    """Each listed form is unified."""
    assert normalize_arabic(raw) == expected


def test_spelling_variants_give_the_same_tokens() -> None:
    """Users' spelling variants of one question meet on the same tokens."""
    assert normalize("الهوية المطلوبة") == normalize("الهويه المطلوبه")
    assert normalize("إقامة") == normalize("اقامه")
    assert normalize("الشكوى") == normalize("الشكوي")


def test_stop_words_and_dialect() -> None:
    """Gulf question words fold onto MSA; courtesy and function words disappear."""
    assert normalize("ليش") == normalize("لماذا")
    assert normalize("وش الأوراق") == normalize("الأوراق")
    assert normalize("السلام عليكم لو سمحت") == []


def test_english_and_mixed() -> None:
    """English words are stemmed; mixed text keeps both scripts."""
    assert normalize("Volunteering documents") == ["volunt", "document"]
    tokens = normalize("ابي اتطوع volunteer")
    assert "volunt" in tokens and any("\u0600" <= t[0] <= "\u06ff" for t in tokens)


def test_light_and_snowball_views() -> None:
    """Arabic words give a Snowball stem and a light stem; English only one."""
    assert len(terms_of("بياناتي")) == 2
    assert terms_of("بياناتي")[1] == terms_of("البيانات")[1]
    assert terms_of("documents") == ("document",)


@given(st.text())
def test_normalize_arabic_is_idempotent(text: str) -> None:
    """Normalising twice changes nothing more."""
    once = normalize_arabic(text)
    assert normalize_arabic(once) == once


@given(st.text(alphabet=st.characters(min_codepoint=0x0600, max_codepoint=0x06FF) | st.just(" ")))
def test_tokens_are_stable_under_normalisation(text: str) -> None:
    """Tokenising normalised text gives the same tokens as tokenising the raw text."""
    assert normalize(normalize_arabic(text)) == normalize(text)

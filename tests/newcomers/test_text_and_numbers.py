"""Arabic name normalisation for the signature, and number words for counts (issue 19)."""

from __future__ import annotations

import pytest

from bot.text import name_key, same_name
from bot.validation import Invalid, parse_int


@pytest.mark.parametrize(
    ("typed", "given"),
    [
        ("أحمد محمد عبد الله الغامدى", "أحمد محمد عبدالله الغامدي"),
        ("فاطمة عبد الرحمن", "فاطمه عبدالرحمن"),
        ("إيمان مؤمن", "ايمان مومن"),
        ("عائشة سعيد", "عايشه سعيد"),
        ("مُحَمَّد أحمـــد", "محمد احمد"),
        ("Sara MOHAMMED", "sara mohammed"),
        ("  آمنة   علي ", "امنه علي"),
    ],
)
def test_signature_matches_after_arabic_normalisation(typed: str, given: str) -> None:
    assert same_name(typed, given)
    assert name_key(typed) == name_key(given)


@pytest.mark.parametrize(("typed", "given"), [
    ("أحمد محمد الغامدي", "أحمد محمد العتيبي"),
    ("محمد أحمد", "أحمد محمد"),
    ("", "أحمد محمد"),
])
def test_a_different_name_is_still_refused(typed: str, given: str) -> None:
    assert not same_name(typed, given)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("خمسة", 5), ("خمس", 5), ("خمسه", 5), ("اربعه", 4), ("أربعة", 4), ("ثمان", 8),
        ("ثمانية", 8), ("ثمانيه", 8), ("واحد", 1), ("ثنين", 2), ("اثنين", 2), ("ثنتين", 2),
        ("عشرة", 10), ("عشر", 10), ("احدعش", 11), ("أحد عشر", 11), ("اثنا عشر", 12),
        ("اطنعش", 12), ("ثلاثة عشر", 13), ("ثلطعش", 13), ("سبعتعش", 17), ("تسعة عشر", 19),
        ("عشرين", 20), ("عشرون", 20), ("واحد وعشرين", 21), ("خمسة وعشرون", 25),
        ("صفر", 0), ("five", 5), ("Twenty", 20), ("twelve", 12), ("twenty-one", 21),
        ("twenty five", 25), ("zero", 0), ("ستة أفراد", 6), ("5 أفراد", 5),
    ],
)
def test_number_words_are_read(text: str, value: int) -> None:
    assert parse_int(text, minimum=0, maximum=30) == value


@pytest.mark.parametrize("text", ["كثير", "خمسة وخمسة", "five six", "ألف"])
def test_other_words_are_still_refused(text: str) -> None:
    assert isinstance(parse_int(text, minimum=0, maximum=30), Invalid)


def test_words_obey_the_range() -> None:
    result = parse_int("عشرين", minimum=1, maximum=10)
    assert isinstance(result, Invalid) and result.key == "err-number-range"

"""National ID checksum and phone normalisation, with property-based tests."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.validation import (
    Invalid,
    national_id_checksum_ok,
    parse_full_name,
    parse_int,
    parse_mobile,
    parse_national_id,
)

TO_ARABIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def with_check_digit(first9: str) -> str:
    """Complete nine digits with the Luhn check digit."""
    for d in "0123456789":
        if national_id_checksum_ok(first9 + d):
            return first9 + d
    raise AssertionError("no check digit")


ids = st.builds(lambda lead, rest: with_check_digit(lead + rest),
                st.sampled_from("12"), st.text("0123456789", min_size=8, max_size=8))


@given(ids)
def test_valid_ids_are_accepted_in_any_digits(national_id: str) -> None:
    assert parse_national_id(national_id) == national_id
    assert parse_national_id(national_id.translate(TO_ARABIC)) == national_id
    assert parse_national_id(f" {national_id[:3]} {national_id[3:]} ") == national_id


@given(ids, st.integers(0, 9), st.integers(1, 9))
def test_any_single_digit_error_is_caught(national_id: str, pos: int, delta: int) -> None:
    wrong = national_id[:pos] + str((int(national_id[pos]) + delta) % 10) + national_id[pos + 1:]
    result = parse_national_id(wrong)
    assert isinstance(result, Invalid)


def test_id_errors_name_the_problem() -> None:
    assert parse_national_id("12345") == Invalid("err-id-length", {"count": 5})
    assert parse_national_id("3000000000") == Invalid("err-id-prefix")
    assert parse_national_id("10000000x8") == Invalid("err-id-digits")
    assert parse_national_id("1000000001") == Invalid("err-id-checksum")
    assert parse_national_id("1000000008") == "1000000008"


mobiles = st.builds(lambda op, rest: f"05{op}{rest}", st.sampled_from("0345689"),
                    st.text("0123456789", min_size=7, max_size=7))


@given(mobiles)
def test_saudi_mobiles_normalise_to_e164_in_every_spelling(local: str) -> None:
    expected = "+966" + local[1:]
    assert parse_mobile(local) == expected
    assert parse_mobile(local.translate(TO_ARABIC)) == expected
    assert parse_mobile("+966 " + local[1:3] + " " + local[3:]) == expected
    assert parse_mobile("00966" + local[1:]) == expected


def test_bad_mobiles() -> None:
    assert parse_mobile("0112345678") == Invalid("err-mobile-not-mobile")
    assert parse_mobile("hello") == Invalid("err-mobile-format")
    assert parse_mobile("05123") == Invalid("err-mobile-format")
    assert parse_mobile("📱📱📱") == Invalid("err-mobile-format")


def test_names_and_numbers() -> None:
    assert parse_full_name("  محمد   علي ", 80) == "محمد علي"
    assert parse_full_name("Sara Al-Qahtani", 80) == "Sara Al-Qahtani"
    assert parse_full_name("🙂🙂", 80) == Invalid("err-name-letters")
    assert parse_full_name("محمد2 علي", 80) == Invalid("err-name-letters")
    assert parse_int("٣٬٥٠٠ ريال", minimum=0, maximum=10**6) == 3500
    assert parse_int("-5", minimum=0, maximum=10) == Invalid("err-number")

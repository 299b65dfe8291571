"""The reference format PREFIX-YEAR-NNNNNN, built and read in one place."""

from __future__ import annotations

import pytest

from bot.references import format_reference, parse_reference


def test_format_pads_the_number() -> None:
    assert format_reference("GH", 2026, 123) == "GH-2026-000123"
    assert format_reference("CP", 2027, 1234567) == "CP-2027-1234567"


@pytest.mark.parametrize("typed", [
    "GH-2026-000123", "gh-2026-123", "GH 2026 123", "GH2026000123", " \u200fGH-2026-123 ",
    "GH-٢٠٢٦-١٢٣", "gh-۲۰۲۶-۰۰۰۱۲۳",
])
def test_typed_references_read_alike(typed: str) -> None:
    assert parse_reference(typed) == "GH-2026-000123"


@pytest.mark.parametrize("typed", ["", "GH", "2026-000123", "GH-26-000123", "GH-2026-1234567",
                                   "TOOLONG-2026-1", "GH-2026-00012x", "مرحبا"])
def test_other_text_is_no_reference(typed: str) -> None:
    assert parse_reference(typed) is None


def test_what_is_formatted_parses_back() -> None:
    for prefix, year, number in [("GH", 2026, 1), ("SG", 2030, 999999), ("VOL", 2026, 42)]:
        reference = format_reference(prefix, year, number)
        assert parse_reference(reference) == reference

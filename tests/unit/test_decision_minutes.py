"""Committee minutes as staff write them: Arabic headers, day-first and Hijri dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.services.decision_import import read_minutes
from bot.services.decisions import DecisionError, parse_decision, parse_decision_date
from tests.unit.test_cli import run

# 10 Jumada al-Akhirah 1448 in the Umm al-Qura calendar.
HIJRI_DAY = dt.date(2026, 11, 20)


@pytest.mark.parametrize(("text", "day", "read_as"), [
    ("2026-12-01", dt.date(2026, 12, 1), "YYYY-MM-DD"),
    ("01/12/2026", dt.date(2026, 12, 1), "DD/MM/YYYY"),
    ("1/12/2026م", dt.date(2026, 12, 1), "DD/MM/YYYY"),
    ("1448/06/10", HIJRI_DAY, "Hijri"),
    ("10/06/1448 هـ", HIJRI_DAY, "Hijri"),
    ("١٤٤٨/٦/١٠هـ", HIJRI_DAY, "Hijri"),
])
def test_decision_dates_in_saudi_usage(text: str, day: dt.date, read_as: str) -> None:
    read = parse_decision_date(text)
    assert read.day == day
    assert read_as in read.read_as and day.isoformat() in read.read_as


@pytest.mark.parametrize("text", ["31/02/2026", "1448/06/31", "12/2026", "2026-13-01",
                                  "01/12/1300", "1448/06/10 2"])
def test_impossible_dates_are_refused_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(DecisionError, match="DD/MM/YYYY"):
        parse_decision_date(text)


def test_parse_decision_reads_day_first() -> None:
    decision = parse_decision(reference="gh-2026-000001", decision="قبول", decided_on="01/12/2026")
    assert decision.decided_on == dt.date(2026, 12, 1)


ARABIC = ("رقم الطلب,القرار,السبب,تاريخ القرار,الخدمة,المبلغ\n"
          "GH-2026-000001,قبول,,1448/06/10 هـ,سلة غذائية,350\n"
          "GH-2026-000002,رفض,الدخل أعلى من الحد,01/12/2026,,\n"
          "GH-2026-000003,رفض,,30/02/2026,,\n")


def test_arabic_headers_and_dates_are_read(tmp_path: Path) -> None:
    path = tmp_path / "minutes.csv"
    path.write_text(ARABIC, encoding="utf-8")
    rows = read_minutes(path)
    assert [line for line, _ in rows] == [2, 3, 4]
    first, second, third = (row for _, row in rows)
    assert (first["reference"], first["decision"], first["service"], first["amount"]) == (
        "GH-2026-000001", "قبول", "سلة غذائية", "350")
    assert first["decided_on"] == HIJRI_DAY.isoformat() and "Hijri" in first["date_read_as"]
    assert second["decided_on"] == "2026-12-01" and "DD/MM/YYYY" in second["date_read_as"]
    assert third["decided_on"] == "30/02/2026" and "date_read_as" not in third


def test_semicolons_and_a_missing_arabic_header_are_explained(tmp_path: Path) -> None:
    path = tmp_path / "minutes.csv"
    path.write_text("رقم الطلب;القرار;السبب;تاريخ القرار\nGH-2026-000001;قبول;;\n",
                    encoding="utf-8")
    assert read_minutes(path)[0][1]["reference"] == "GH-2026-000001"
    path.write_text("رقم الطلب,القرار,السبب\n", encoding="utf-8")
    with pytest.raises(ValueError, match="تاريخ القرار"):
        read_minutes(path)


def test_cli_report_says_which_date_format_was_read(tmp_path: Path) -> None:
    path = tmp_path / "minutes.csv"
    path.write_text(ARABIC, encoding="utf-8")
    result = run(["decisions", "import", str(path)], tmp_path)
    lines = result.stdout.splitlines()
    assert "Hijri" in lines[0] and HIJRI_DAY.isoformat() in lines[0]
    assert "DD/MM/YYYY" in lines[1] and "2026-12-01" in lines[1]
    assert "30/02/2026" in lines[2] and "DD/MM/YYYY" in lines[2]  # refused, with the forms

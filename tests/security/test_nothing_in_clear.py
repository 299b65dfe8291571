"""After a full support request, nothing personal is readable in the database file or the
data folder: not the national ID, the mobile, the income or the name, in any common form."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from sqlalchemy import text

from app.wiring import App
from tests.support.convo import Convo

NATIONAL_ID = "1947382659"  # passes the Luhn check
MOBILE_TYPED = "0559387214"
MOBILE_DIGITS = "559387214"  # what any stored form (+966…, 0…) contains
INCOME = "48213"
NAME = "زبيدة فرحان الشمّري"
SURNAME = "الشمّري"
PDF = b"%PDF-1.4 a document\n"
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def needles() -> dict[str, bytes]:
    """Every form in which a typed value could sit in a file."""
    found: dict[str, bytes] = {}
    for label, digits in (("national ID", NATIONAL_ID), ("mobile", MOBILE_DIGITS),
                          ("income", INCOME)):
        found[f"{label} (ASCII)"] = digits.encode()
        found[f"{label} (Arabic-Indic)"] = digits.translate(ARABIC_INDIC).encode()
    found["income (grouped)"] = f"{int(INCOME):,}".encode()
    found["name (UTF-8)"] = NAME.encode()
    found["surname (UTF-8)"] = SURNAME.encode()
    found["name (UTF-16)"] = NAME.encode("utf-16-le")
    found["name (JSON escapes)"] = json.dumps(NAME)[1:-1].encode()
    return found


async def file_request(c: Convo) -> str:
    """A complete request with a document, every answer distinctive; the final reply."""
    await c.send("مرحبا")
    await c.press("أوافق")
    await c.press("طلب دعم جديد")
    for answer in (NAME, NATIONAL_ID, MOBILE_TYPED):
        await c.send(answer)
    await c.press("المقر الرئيسي")
    await c.send("4")
    await c.send(INCOME)
    await c.press("سلة غذائية")
    await c.send("نحتاج سلة غذائية شهرية للأسرة")
    await c.upload(PDF, "application/pdf")
    review = Convo.text(await c.upload(b"\x89PNG fake", "image/png", "family.png"))
    assert INCOME in review.replace(",", "") and MOBILE_DIGITS in review  # shown to the person
    await c.press("تأكيد البيانات")
    await c.press("أقرّ وأتعهد")
    return Convo.text(await c.send(NAME))


async def flush_to_files(app: App) -> None:
    """Checkpoint the WAL into the database file and close every connection."""
    async with app.db.connect() as conn:
        await conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    await app.db.dispose()


def leaks(folder: Path) -> list[str]:
    """'file: what' for every needle found in any file under the folder."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        content = path.read_bytes()
        found += [f"{path.name}: {label}" for label, needle in needles().items()
                  if needle in content]
    return found


async def test_a_full_request_leaves_nothing_personal_in_clear(
    file_app: App, data_dir: Path
) -> None:
    final = await file_request(Convo(file_app, "u-secret"))
    assert "GH-" in final
    await flush_to_files(file_app)
    files = [p.name for p in data_dir.rglob("*") if p.is_file()]
    assert "ghimar.sqlite3" in files and len(files) >= 3  # the database and two documents
    assert leaks(data_dir) == []


def test_the_scan_finds_clear_values(tmp_path: Path) -> None:
    """The scanner itself works: a file holding the values in clear is reported."""
    (tmp_path / "plain.txt").write_bytes(
        f"{NAME} {NATIONAL_ID} +966{MOBILE_DIGITS}".encode()
        + INCOME.translate(ARABIC_INDIC).encode())
    assert leaks(tmp_path) == [
        "plain.txt: national ID (ASCII)", "plain.txt: mobile (ASCII)",
        "plain.txt: income (Arabic-Indic)", "plain.txt: name (UTF-8)",
        "plain.txt: surname (UTF-8)"]


async def test_data_folder_files_are_private(file_app: App, data_dir: Path) -> None:
    await file_request(Convo(file_app, "u-modes"))
    await flush_to_files(file_app)
    paths = [data_dir, *data_dir.rglob("*")]
    assert len(paths) >= 5
    for path in paths:
        mode = stat.S_IMODE(os.stat(path).st_mode)
        expected = 0o700 if path.is_dir() else 0o600
        assert mode & 0o077 == 0, f"{path.name} is {oct(mode)}, expected {oct(expected)}"

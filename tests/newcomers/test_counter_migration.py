"""The reference-counter migration continues each kind's numbering after existing rows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from bot.db import make_engine, upgrade


async def test_existing_references_seed_the_counters(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}")
    try:
        await upgrade(engine, "c4145ac16b94")
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO beneficiary (id, language) VALUES (1, 'ar')"))
            for ref, kind in (("CP-2026-000001", "complaint"), ("SG-2026-000002", "suggestion"),
                              ("CP-2026-000003", "complaint"), ("SG-2025-000009", "suggestion")):
                await conn.execute(text(
                    "INSERT INTO feedback (reference, beneficiary_id, kind, text, channel) "
                    "VALUES (:ref, 1, :kind, 'x', 'terminal')"), {"ref": ref, "kind": kind})
        await upgrade(engine)
        async with engine.connect() as conn:
            rows = (await conn.execute(text(
                "SELECT prefix, year, last FROM referencecounter ORDER BY prefix, year"))).all()
        assert [tuple(r) for r in rows] == [("CP", 2026, 3), ("SG", 2025, 9), ("SG", 2026, 2)]
    finally:
        await engine.dispose()

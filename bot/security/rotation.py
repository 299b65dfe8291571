"""Re-encrypting everything under a new key (and encrypting values stored before encryption).

Each table is processed in batches by id, one transaction per batch that also records the
last id done (`keyrotation`), so an interrupted run resumes where it stopped; a row whose
values are all under the new key already is skipped, so running it twice changes nothing.
Keyed hashes (national ID, mobile) are recomputed with the new key. Documents on disk are
re-encrypted file by file (each replaced atomically).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import InvalidToken
from sqlalchemy import Table, bindparam, column, delete, func, select, table, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlmodel import SQLModel

import models  # noqa: F401  (registers the tables)
from bot.security.crypto import SecretKeyError, Vault
from bot.security.files import write_private
from models import KeyRotation
from models.encrypted import EncryptedJSON, EncryptedText, is_token

# hash column -> the encrypted column whose clear value it hashes
HASHED_FROM = {"national_id_hash": "national_id_enc", "mobile_hash": "mobile"}
DOCUMENTS = "documents"

Progress = Callable[[str, int], None]  # (table or "documents", how many more done)


@dataclass(frozen=True)
class Sealed:
    """A table's encrypted columns and the keyed hashes derived from them."""

    name: str
    encrypted: tuple[str, ...]
    hashes: tuple[tuple[str, str], ...]  # (hash column, source column)

    def raw(self) -> Any:
        """The table with untyped columns: values as stored, no decryption on the way."""
        names = ["id", *self.encrypted, *(h for h, _ in self.hashes)]
        return table(self.name, *(column(n) for n in names))


def _is_encrypted(col: Any) -> bool:
    return isinstance(col.type, EncryptedText | EncryptedJSON) or col.name.endswith("_enc")


def sealed_tables() -> list[Sealed]:
    """Every table holding encrypted values, found from the models."""
    found = []
    for tbl in SQLModel.metadata.sorted_tables:
        encrypted = tuple(c.name for c in tbl.columns if _is_encrypted(c))
        if encrypted:
            hashes = tuple((h, s) for h, s in HASHED_FROM.items()
                           if h in tbl.columns and s in encrypted)
            found.append(Sealed(tbl.name, encrypted, hashes))
    return found


def _reseal(vault: Vault, sealed: Sealed, row: Any) -> dict[str, Any] | None:
    """The new values of a row, or None when it is under the new key already."""
    values = {c: getattr(row, c) for c in sealed.encrypted}
    stale = [c for c, v in values.items()
             if v is not None and not (is_token(v) and vault.is_current(v))]
    if not stale:
        return None
    try:
        clear = {c: (v if v is None or not is_token(v) else vault.decrypt(v))
                 for c, v in values.items()}
    except SecretKeyError as exc:
        raise SecretKeyError(
            f"{sealed.name} row {row.id} is encrypted under neither GHIMAR_SECRET_KEY nor an "
            "old key given (GHIMAR_OLD_SECRET_KEY or --old-key-file)") from exc
    new: dict[str, Any] = {c: None if v is None else vault.encrypt(v) for c, v in clear.items()}
    for hash_col, source in sealed.hashes:
        new[hash_col] = None if clear[source] is None else vault.lookup_hash(clear[source])
    return new


async def _marker(conn: AsyncConnection, name: str, fingerprint: str) -> int:
    marks: Table = KeyRotation.__table__  # type: ignore[attr-defined,assignment]
    row = (await conn.execute(select(marks.c.last_id, marks.c.key_fingerprint)
                              .where(marks.c.table_name == name))).first()
    return row.last_id if row is not None and row.key_fingerprint == fingerprint else 0


async def _save_marker(conn: AsyncConnection, name: str, fingerprint: str, last_id: int) -> None:
    marks: Table = KeyRotation.__table__  # type: ignore[attr-defined,assignment]
    await conn.execute(delete(marks).where(marks.c.table_name == name))
    await conn.execute(marks.insert().values(table_name=name, key_fingerprint=fingerprint,
                                             last_id=last_id))


async def count_rows(engine: AsyncEngine) -> dict[str, int]:
    """How many rows each sealed table has (for a progress bar's totals)."""
    async with engine.connect() as conn:
        return {s.name: (await conn.execute(select(func.count()).select_from(
            table(s.name)))).scalar_one() for s in sealed_tables()}


async def rotate_table(engine: AsyncEngine, vault: Vault, sealed: Sealed, *, batch: int,
                       progress: Progress) -> int:
    """Re-encrypt one table from its marker on; the number of rows changed."""
    raw = sealed.raw()
    async with engine.connect() as conn:
        last = await _marker(conn, sealed.name, vault.fingerprint)
    if last:
        async with engine.connect() as conn:
            done = (await conn.execute(select(func.count()).select_from(raw)
                                       .where(raw.c.id <= last))).scalar_one()
        progress(sealed.name, done)
    changed = 0
    stmt = update(raw).where(raw.c.id == bindparam("_id"))
    while True:
        async with engine.begin() as conn:
            rows = (await conn.execute(select(raw).where(raw.c.id > last)
                                       .order_by(raw.c.id).limit(batch))).all()
            if not rows:
                return changed
            updates = []
            for row in rows:
                new = _reseal(vault, sealed, row)
                if new is not None:
                    updates.append({"_id": row.id, **new})
            if updates:
                await conn.execute(stmt, updates)
            last = rows[-1].id
            await _save_marker(conn, sealed.name, vault.fingerprint, last)
        changed += len(updates)
        progress(sealed.name, len(rows))


def document_files(folder: Path) -> Iterator[Path]:
    """The stored documents (leftover temporary files excluded)."""
    if folder.is_dir():
        yield from (p for p in sorted(folder.iterdir()) if p.is_file() and p.name.isalnum())


def rotate_documents(vault: Vault, folder: Path, progress: Progress) -> int:
    """Re-encrypt every document not under the new key; how many were."""
    changed = 0
    for path in document_files(folder):
        data = path.read_bytes()
        if not vault.is_current(data):
            try:
                write_private(path, vault.rotate_bytes(data))
            except InvalidToken as exc:
                raise SecretKeyError(f"document {path.name} is encrypted under neither "
                                     "GHIMAR_SECRET_KEY nor an old key given") from exc
            changed += 1
        progress(DOCUMENTS, 1)
    return changed


async def rotate_all(engine: AsyncEngine, vault: Vault, *, documents: Path | None,
                     batch: int = 500, progress: Progress = lambda _t, _n: None
                     ) -> dict[str, int]:
    """Rotate every table, then the documents; the rows (files) changed per table."""
    changed = {}
    for sealed in sealed_tables():
        changed[sealed.name] = await rotate_table(engine, vault, sealed, batch=batch,
                                                  progress=progress)
    if documents is not None:
        changed[DOCUMENTS] = rotate_documents(vault, documents, progress)
    async with engine.begin() as conn:  # finished: the next rotation starts from scratch
        await conn.execute(delete(KeyRotation.__table__))  # type: ignore[arg-type]
    if engine.dialect.name == "sqlite":
        await _compact(engine)
    return changed


async def _compact(engine: AsyncEngine) -> None:
    """Rewrite the SQLite file: freed pages still hold the values as they were before."""
    async with engine.connect() as conn:
        await conn.exec_driver_sql("VACUUM")
        await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

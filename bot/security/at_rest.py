"""Personal data at rest: the engine's key for encrypted columns, and the keyed hashes that
keep encrypted values searchable (national ID, mobile)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.security.crypto import Vault
from models import Beneficiary, SupportRequest
from models.encrypted import bind_cipher, cipher_of


def bind_vault(engine: AsyncEngine, vault: Vault) -> None:
    """Encrypt this engine's encrypted columns (and hash its searchable ones) with `vault`."""
    bind_cipher(engine.sync_engine.dialect, vault)


def _fill_mobile_hash(_mapper: Any, connection: Connection, target: Any) -> None:
    """Keep `mobile_hash` the keyed hash of `mobile` whenever a row is written."""
    mobile = target.mobile
    if mobile is None:
        if target.mobile_hash is not None:
            target.mobile_hash = None
        return
    vault = cipher_of(connection.dialect)
    assert isinstance(vault, Vault)
    digest = vault.lookup_hash(mobile)
    if target.mobile_hash != digest:
        target.mobile_hash = digest


for _model in (Beneficiary, SupportRequest):
    event.listen(_model, "before_insert", _fill_mobile_hash)
    event.listen(_model, "before_update", _fill_mobile_hash)

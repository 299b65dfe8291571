"""Column types whose values are encrypted at rest.

The cipher is bound to an engine's dialect at the composition root (`bind_cipher`), so each
engine carries its own key and two applications in one process never share one. A value that
is not yet a Fernet token (a row written before encryption) is read as it is; `python -m bot
keys rotate` encrypts such rows.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

_ATTR = "ghimar_cipher"
TOKEN_PREFIX = "gAAAAA"  # every Fernet token: version byte 0x80 and a 64-bit timestamp


class Cipher(Protocol):
    """What the columns need from the Vault."""

    def encrypt(self, value: str) -> str:
        """Encrypt a text value."""
        ...

    def decrypt(self, token: str) -> str:
        """Decrypt a value produced by `encrypt`."""
        ...


class MissingCipherError(RuntimeError):
    """An encrypted column was used on an engine without a key."""


def bind_cipher(dialect: Dialect, cipher: Cipher) -> None:
    """Encrypt this engine's encrypted columns with `cipher` (its dialect is its own)."""
    setattr(dialect, _ATTR, cipher)


def cipher_of(dialect: Dialect) -> Cipher:
    """The cipher bound to this dialect."""
    cipher: Cipher | None = getattr(dialect, _ATTR, None)
    if cipher is None:
        raise MissingCipherError("no encryption key is bound to this database engine "
                                 "(bot.security.at_rest.bind_vault)")
    return cipher


def is_token(value: str) -> bool:
    """True when a stored value is a Fernet token (not a clear value from before)."""
    return value.startswith(TOKEN_PREFIX)


class EncryptedText(TypeDecorator[str]):
    """Text stored as a Fernet token; Python code sees the clear text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else cipher_of(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None or not is_token(value):
            return value
        return cipher_of(dialect).decrypt(value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document stored as one Fernet token."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return cipher_of(dialect).encrypt(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):  # a JSON column read before its migration to text
            return value
        return json.loads(cipher_of(dialect).decrypt(value) if is_token(value) else value)

"""Encryption at rest (Fernet) and keyed hashes for searching encrypted values."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from bot.security.files import private_dir

log = logging.getLogger(__name__)


class SecretKeyError(Exception):
    """The encryption key is missing or unusable."""


class Vault:
    """Encrypts and decrypts sensitive fields; hashes values for equality search."""

    def __init__(self, secret: str, *, old_secrets: tuple[str, ...] = ()) -> None:
        """`old_secrets` are keys being rotated away from: read, never written."""
        if len(secret) < 16:
            raise SecretKeyError("GHIMAR_SECRET_KEY must be at least 16 characters")
        root = secret.encode()
        self._current = _fernet(root)
        self._fernet = (MultiFernet([self._current, *(_fernet(s.encode()) for s in old_secrets)])
                        if old_secrets else self._current)
        self._hash_key = hmac.new(root, b"ghimar-desk/lookup-hash", hashlib.sha256).digest()
        self.fingerprint = self.lookup_hash("ghimar-desk/key-fingerprint")[:16]

    def encrypt(self, value: str) -> str:
        """Encrypt a text value."""
        return self._fernet.encrypt(value.encode()).decode()

    def decrypt(self, token: str) -> str:
        """Decrypt a value produced by `encrypt`."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise SecretKeyError(
                "cannot decrypt: wrong GHIMAR_SECRET_KEY for this database"
            ) from exc

    def encrypt_bytes(self, data: bytes) -> bytes:
        """Encrypt a file's content."""
        return self._fernet.encrypt(data)

    def decrypt_bytes(self, data: bytes) -> bytes:
        """Decrypt a file's content."""
        return self._fernet.decrypt(data)

    def is_current(self, token: str | bytes) -> bool:
        """True when a token is already encrypted under the current key."""
        try:
            self._current.decrypt(token.encode() if isinstance(token, str) else token)
        except InvalidToken:
            return False
        return True

    def rotate_bytes(self, data: bytes) -> bytes:
        """A file's content re-encrypted under the current key."""
        if isinstance(self._fernet, MultiFernet):
            return self._fernet.rotate(data)
        return self.encrypt_bytes(self.decrypt_bytes(data))

    def lookup_hash(self, value: str) -> str:
        """A keyed hash, stable for equal values, useless without the key."""
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()


def _fernet(root: bytes) -> Fernet:
    enc_key = hmac.new(root, b"ghimar-desk/encryption", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(enc_key))


def resolve_secret(secret: str | None, *, data_dir: Path, embedded: bool) -> str:
    """The key from the environment, or on the embedded default a generated key file."""
    if secret:
        return secret
    if not embedded:
        raise SecretKeyError(
            "GHIMAR_SECRET_KEY is required when the database is not the embedded SQLite"
        )
    key_file = data_dir / "secret.key"
    if key_file.exists():
        return key_file.read_text().strip()
    private_dir(data_dir)
    key = base64.urlsafe_b64encode(os.urandom(32)).decode()
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    log.warning(
        "GHIMAR_SECRET_KEY is not set: generated %s. Keep it with the database; "
        "losing it makes encrypted data unreadable.",
        key_file,
    )
    return key

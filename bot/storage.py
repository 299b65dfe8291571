"""The document store: uploaded files, encrypted on disk, addressed by opaque keys."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path

from bot.security.crypto import Vault
from bot.security.files import private_dir, write_private


class DocumentStore:
    """Keeps beneficiaries' documents encrypted under one folder."""

    def __init__(self, folder: Path, vault: Vault) -> None:
        self.folder = folder
        self._vault = vault

    def put(self, content: bytes) -> tuple[str, str]:
        """Store content; return (key, sha256 of the plain content)."""
        private_dir(self.folder)
        key = uuid.uuid4().hex
        write_private(self.folder / key, self._vault.encrypt_bytes(content))
        return key, hashlib.sha256(content).hexdigest()

    def get(self, key: str) -> bytes:
        """The plain content of a stored document."""
        if not key.isalnum():
            raise ValueError("bad document key")
        return self._vault.decrypt_bytes((self.folder / key).read_bytes())

    def delete(self, key: str) -> bool:
        """Remove a stored document; False when there was none."""
        if not key.isalnum():
            raise ValueError("bad document key")
        try:
            (self.folder / key).unlink()
        except FileNotFoundError:
            return False
        return True

    def keys(self) -> set[str]:
        """The keys of every stored document."""
        return {p.name for p in self.folder.iterdir()} if self.folder.exists() else set()

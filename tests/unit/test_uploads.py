"""The one check-and-store of an uploaded file: refusals in order, then the encrypted store."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bot.config import Limits
from bot.messages import Attachment
from bot.security.crypto import Vault
from bot.storage import DocumentStore
from bot.uploads import StoredUpload, accept_upload
from bot.validation import Invalid

LIMITS = Limits(max_upload_bytes=2 * 1024 * 1024, allowed_upload_types=["application/pdf"])
PDF = b"%PDF-1.7 a small file"


@pytest.fixture
def store(tmp_path: Path) -> DocumentStore:
    return DocumentStore(tmp_path / "docs", Vault("a-test-secret-of-some-length"))


@pytest.mark.parametrize(("attachment", "refusal"), [
    (Attachment("f", "application/pdf", size=3 * 1024 * 1024, content=PDF),
     Invalid("err-document-too-big", {"mb": 2})),  # the size the platform announced counts
    (Attachment("f", "application/pdf", content=b"x" * (2 * 1024 * 1024 + 1)),
     Invalid("err-document-too-big", {"mb": 2})),
    (Attachment("f", "image/gif", size=9 * 1024 * 1024, content=PDF),
     Invalid("err-document-too-big", {"mb": 2})),  # size first, then type
    (Attachment("f", "image/gif", content=PDF), Invalid("err-document-type")),
    (Attachment("f", None, content=PDF), Invalid("err-document-type")),
    (Attachment("f", "application/pdf", size=10), Invalid("err-document-download")),
])
def test_refused_files_are_not_stored(
    store: DocumentStore, attachment: Attachment, refusal: Invalid
) -> None:
    assert accept_upload(attachment, LIMITS, store) == refusal
    assert not store.folder.exists() or not any(store.folder.iterdir())


def test_an_accepted_file_is_stored_encrypted(store: DocumentStore) -> None:
    upload = accept_upload(Attachment("f", "application/pdf", content=PDF), LIMITS, store)
    assert isinstance(upload, StoredUpload)
    assert (upload.mime_type, upload.size) == ("application/pdf", len(PDF))
    assert upload.sha256 == hashlib.sha256(PDF).hexdigest()
    assert store.get(upload.key) == PDF
    assert (store.folder / upload.key).read_bytes() != PDF

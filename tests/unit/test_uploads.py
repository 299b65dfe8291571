"""The one check-and-store of an uploaded file: refusals in order, then the encrypted store."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from bot.config import Limits
from bot.messages import Attachment
from bot.security.crypto import Vault
from bot.storage import DocumentStore
from bot.uploads import MAX_SHOWN_NAME, StoredUpload, accept_upload, shown_name
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
    (Attachment("f", None, content=b"<html><script>x</script></html>"),
     Invalid("err-document-type")),
    (Attachment("f", "application/pdf", "cv.pdf", content=b"<!DOCTYPE html><html>hi</html>"),
     Invalid("err-document-type")),  # judged by its content, not by the declared type or name
    (Attachment("f", "application/pdf", "a.pdf", content=b"MZ\x90\x00" + b"\x00" * 60),
     Invalid("err-document-type")),  # a Windows program
    (Attachment("f", "application/pdf", content=b"\x89PNG\r\n\x1a\n png"),
     Invalid("err-document-type")),  # a real PNG, but PNG is not on this allow-list
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


def test_the_stored_type_is_the_detected_one(store: DocumentStore) -> None:
    limits = Limits(allowed_upload_types=["application/pdf", "image/png", "image/webp"])
    png = b"\x89PNG\r\n\x1a\n a family record"
    upload = accept_upload(Attachment("f", None, "x.pdf", content=png), limits, store)
    assert isinstance(upload, StoredUpload) and upload.mime_type == "image/png"
    webp = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 16
    upload = accept_upload(Attachment("f", "image/webp", content=webp), limits, store)
    assert isinstance(upload, StoredUpload) and upload.mime_type == "image/webp"


def test_stored_names_are_generated_not_given(store: DocumentStore) -> None:
    attachment = Attachment("f", "application/pdf", "../../etc/passwd.pdf", content=PDF)
    upload = accept_upload(attachment, LIMITS, store)
    assert isinstance(upload, StoredUpload)
    assert [p.name for p in store.folder.iterdir()] == [upload.key]
    assert re.fullmatch(r"[0-9a-f]{32}", upload.key)
    with pytest.raises(ValueError):
        store.get("../" + upload.key)


@pytest.mark.parametrize(("given", "shown"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\x\\تقرير.pdf", "تقرير.pdf"),
    ("invoice\u202egpj.exe", "invoicegpj.exe"),  # a right-to-left override hides ".exe"
    ("a\x00b\r\nc.pdf", "abc.pdf"),
    ("", "file"),
    (None, "file"),
    ("../..", "file"),
])
def test_shown_names_are_sanitised(given: str | None, shown: str) -> None:
    assert shown_name(given) == shown


def test_long_names_are_shortened_keeping_the_extension() -> None:
    name = shown_name("ا" * 500 + ".pdf")
    assert len(name) <= MAX_SHOWN_NAME and name.endswith("….pdf")

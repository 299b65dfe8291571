"""The one place an uploaded file is checked and stored (size, type, received), for every flow.

The type is judged by the file's content (its magic bytes, read by the `filetype` library),
not by the MIME type or the name the sender declared: an HTML page sent as `application/pdf`
is refused. A declared type outside the allow-list is refused too, before anything is read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import filetype

from bot.config import Limits
from bot.messages import Attachment
from bot.storage import DocumentStore
from bot.validation import Invalid

UploadRefusal = Invalid  # why a file is refused, as a message key the flow shows
MAX_SHOWN_NAME = 60


@dataclass(frozen=True)
class StoredUpload:
    """A file accepted into the document store."""

    key: str
    sha256: str
    mime_type: str | None
    size: int


def content_type(content: bytes) -> str | None:
    """The MIME type the content's magic bytes show, or None when unknown."""
    return filetype.guess_mime(content[:8192])


def check_upload(attachment: Attachment, limits: Limits) -> str | UploadRefusal:
    """The detected MIME type of an acceptable file, or why it is refused."""
    size = attachment.size if attachment.size is not None else len(attachment.content or b"")
    if size > limits.max_upload_bytes:
        return Invalid("err-document-too-big", {"mb": limits.max_upload_bytes // (1024 * 1024)})
    declared = attachment.mime_type
    if declared is not None and declared not in limits.allowed_upload_types:
        return Invalid("err-document-type")
    if not attachment.content:
        return Invalid("err-document-download")
    if len(attachment.content) > limits.max_upload_bytes:
        return Invalid("err-document-too-big", {"mb": limits.max_upload_bytes // (1024 * 1024)})
    detected = content_type(attachment.content)
    if detected is None or detected not in limits.allowed_upload_types:
        return Invalid("err-document-type")
    return detected


def accept_upload(
    attachment: Attachment, limits: Limits, store: DocumentStore
) -> StoredUpload | UploadRefusal:
    """Check the file (size, then type, then received, then content) and store it, or refuse it."""
    detected = check_upload(attachment, limits)
    if isinstance(detected, Invalid):
        return detected
    content = attachment.content or b""
    key, sha256 = store.put(content)
    return StoredUpload(key=key, sha256=sha256, mime_type=detected, size=len(content))


_UNSAFE = re.compile(r"[\\/:*?\"<>|]")


def shown_name(name: str | None, default: str = "file") -> str:
    """A sender's file name safe to show: no path, control or bidi characters, bounded length."""
    base = re.split(r"[\\/]", name or "")[-1]
    kept = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    kept = _UNSAFE.sub("_", kept).strip().strip(".")
    if len(kept) > MAX_SHOWN_NAME:
        _, dot, ext = kept.rpartition(".")
        ext = ext if dot and len(ext) <= 8 else ""
        kept = kept[:MAX_SHOWN_NAME - len(ext) - 2] + "…" + ("." + ext if ext else "")
    return kept or default

"""The one place an uploaded file is checked and stored (size, type, received), for every flow."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Limits
from bot.messages import Attachment
from bot.storage import DocumentStore
from bot.validation import Invalid

UploadRefusal = Invalid  # why a file is refused, as a message key the flow shows


@dataclass(frozen=True)
class StoredUpload:
    """A file accepted into the document store."""

    key: str
    sha256: str
    mime_type: str | None
    size: int


def accept_upload(
    attachment: Attachment, limits: Limits, store: DocumentStore
) -> StoredUpload | UploadRefusal:
    """Check the file (size, then type, then received) and store it encrypted, or refuse it."""
    size = attachment.size if attachment.size is not None else len(attachment.content or b"")
    if size > limits.max_upload_bytes:
        return Invalid("err-document-too-big", {"mb": limits.max_upload_bytes // (1024 * 1024)})
    if (attachment.mime_type or "") not in limits.allowed_upload_types:
        return Invalid("err-document-type")
    if not attachment.content:
        return Invalid("err-document-download")
    key, sha256 = store.put(attachment.content)
    return StoredUpload(key=key, sha256=sha256, mime_type=attachment.mime_type,
                        size=len(attachment.content))

"""Asking a beneficiary for a document of a submitted request (staff's /request_doc, the
console's step 2 checklist): the document is marked missing and a notice with an upload button
goes to the request's trusted channel through the outbox."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot.engine.context import Services
from bot.repo import links, requests
from bot.services import linking
from bot.services.notifications import document_reminder
from desk.deps import Push
from models import RequestDocument, SupportRequest


async def ask_for_document(
    session: AsyncSession, *, services: Services, push: Push, request: SupportRequest,
    doc_type: str, dedupe_key: str, replace: bool = False,
) -> RequestDocument | None:
    """Mark a document missing and ask for it; None when it is already uploaded (and not to
    be replaced)."""
    docs = await requests.documents_of(session, request_id=request.id or 0)
    doc = next((d for d in docs if d.doc_type == doc_type), None)
    if doc is None:
        doc = RequestDocument(request_id=request.id, doc_type=doc_type, status="missing")
    elif doc.status == "uploaded" and not replace:
        return None
    doc.status = "missing"
    session.add(doc)
    identity = await linking.recipient(session, request=request)
    if identity is not None:
        lang = (await links.language_of(session, identity_id=identity.id or 0)
                or services.config.default_language)
        message = document_reminder(services.catalog, lang, request, [doc], requested=True)
        await push(session, identity=identity, messages=[message], dedupe_key=dedupe_key)
    return doc

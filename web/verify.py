"""Step 2, verifying the data: each answer and document marked verified, needs correction or
missing; the beneficiary is asked on their channel (an answer through the correct-this-answer
flow, a document through the staff desk's request_doc path)."""

from __future__ import annotations

import datetime as dt

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db import transaction
from bot.messages import Choice, Outbound
from bot.repo import casework, links
from bot.repo import staff as staff_repo
from bot.services import linking
from conversations.correct_answer import PROMPTS, button
from desk.doc_request import ask_for_document
from models import SupportRequest
from web.deps import STAFF, ConsoleDeps, deps_of
from web.request_extras import checklist
from web.roles import may
from web.views import _load, _refused, _request_page


async def ask_correction(deps: ConsoleDeps, session: AsyncSession, request: SupportRequest,
                         field: str, dedupe_key: str) -> bool:
    """Ask the beneficiary to answer one question again; False when no channel may be told."""
    identity = await linking.recipient(session, request=request)
    if identity is None or deps.push is None:
        return False
    catalog = deps.services.catalog
    lang = (await links.language_of(session, identity_id=identity.id or 0)
            or deps.config.default_language)
    text = "\n\n".join((
        catalog.t(lang, "cr-fix-asked", reference=request.reference or "",
                  field=catalog.t(lang, f"cr-field-{field}")),
        catalog.t(lang, PROMPTS[field])))
    message = Outbound(text, choices=[Choice(button(request.id or 0, field),
                                             catalog.t(lang, "cr-fix-now"))],
                       kind="notification", template={"kind": "answer_correction", "lang": lang,
                                                      "params": {"reference": request.reference}})
    await deps.push(session, identity=identity, messages=[message], dedupe_key=dedupe_key,
                    flow="correct_answer", answers={"request_id": request.id, "field": field})
    return True


async def _ask(deps: ConsoleDeps, session: AsyncSession, row: SupportRequest, kind: str,
               name: str, state: str, now: dt.datetime) -> bool:
    """Tell the beneficiary what is needed; True when a message was queued."""
    key = f"verify:{row.id}:{kind}:{name}:{now.timestamp():.0f}"
    if kind == "answer" and state == "needs_correction":
        return await ask_correction(deps, session, row, name, key)
    if kind == "document" and state in ("needs_correction", "missing") and deps.push:
        if await linking.recipient(session, request=row) is None:
            return False
        await ask_for_document(session, services=deps.services, push=deps.push, request=row,
                               doc_type=name, dedupe_key=key, replace=True)
        return True
    return False


async def verify(request: web.Request) -> web.Response:
    """Record one item's check; ask the beneficiary when something needs them."""
    deps, staff = deps_of(request), request[STAFF]
    if not may(staff.role, "verify"):
        return await _refused(request, "verify")
    form = await request.post()
    item, state = str(form.get("item", "")), str(form.get("state", ""))
    now = deps.services.clock.now()
    async with transaction(deps.sessions) as session:
        row = await _load(deps, session, request.match_info["reference"])
        line = next((c for c in await checklist(session, row, []) if c.item == item), None)
        if line is None or state not in line.states:
            raise web.HTTPBadRequest(text="errors-unknown-check")
        await casework.set_check(session, request_id=row.id or 0, item=item, state=state,
                                 staff_key=staff.staff_key, now=now)
        asked = await _ask(deps, session, row, line.kind, line.name, state, now)
        await staff_repo.audit(session, staff_key=staff.staff_key, role=staff.role,
                               action="verify", request_id=row.id, now=now,
                               detail=f"{row.reference}: {item} {state}"
                                      f"{' (beneficiary asked)' if asked else ''}")
    if asked and deps.wake is not None:
        deps.wake()
    message = "cr-verified-asked" if asked else "cr-verified"
    if state != "verified" and not asked:
        message = "cr-verified-not-asked"
    return await _request_page(request, message=message)


def add_routes(router: web.UrlDispatcher) -> None:
    """The step 2 checklist."""
    router.add_post("/requests/{reference}/verify", verify)
